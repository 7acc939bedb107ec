import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createChannelCache, type ChannelCache } from '../../src/engine/channel-cache.js';
import { dispatchOnce } from '../../src/engine/dispatcher.js';
import { enrollAudience } from '../../src/engine/enroll.js';
import { PROJECT_ROOT } from '../../src/lib/paths.js';
import { startMetricsServer } from '../../src/lib/metrics-server.js';
import { registerEngineGauges } from '../../src/engine/engine-gauges.js';
import { Registry } from 'prom-client';
import { parse } from 'yaml';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { seedCampaign } from '../helpers/campaign-fixture.js';
import { engineName } from '../helpers/db.js';
import { startSmtpPeer, type SmtpPeer } from '../helpers/smtp-peer.js';

let t: TestApp;
let peer: SmtpPeer;
let channels: ChannelCache;
beforeAll(async () => {
  t = await createTestApp();
  peer = await startSmtpPeer({ user: 'sender', password: 'sender-password' });
  channels = createChannelCache(t.deps);
});
afterAll(async () => {
  await channels?.closeAll();
  await peer?.close();
  await t?.close();
});

const scrape = async () => {
  const res = await t.app.inject({ method: 'GET', url: '/metrics' });
  expect(res.statusCode).toBe(200);
  return res.body;
};
/** The value of one series, e.g. value(text, 'messagesender_jobs_total{queue="system-mail",outcome="completed"}'). */
const value = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};
const waitFor = async (check: () => Promise<boolean>, what: string) => {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
};

describe(`Prometheus metrics (${engineName})`, () => {
  it('labels HTTP latency by route pattern and status, never by the raw URL', async () => {
    const id = randomUUID();
    await t.app.inject({ method: 'GET', url: `/api/v1/contacts/${id}` });
    await t.app.inject({ method: 'GET', url: `/no/such/page/${id}.txt` });
    const text = await scrape();
    expect(text).toMatch(/^messagesender_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/contacts\/:id",status="401"\} 1$/m);
    expect(text).toMatch(/^messagesender_http_request_duration_seconds_count\{method="GET",route="unmatched",status="404"\} 1$/m);
    expect(text).not.toContain(id);
  });

  it('counts provider webhook deliveries by provider and answer', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/webhooks/facebook', payload: { object: 'page', entry: [] }, headers: { 'x-hub-signature-256': 'sha256=00' } });
    const text = await scrape();
    expect(value(text, `messagesender_webhooks_received_total{provider="facebook",status="${res.statusCode}"}`)).toBe(1);
  });

  it('counts background jobs by queue and outcome', async () => {
    // The real job wrapper (engine/jobs.ts) around a handler that succeeds.
    await t.deps.jobs.work('system-mail', async () => {});
    await t.deps.jobs.send('system-mail', { to: 'ops@example.test', subject: 'metrics', text: 'hello' });
    await waitFor(async () => (value(await scrape(), 'messagesender_jobs_total{queue="system-mail",outcome="completed"}') ?? 0) >= 1, 'the job count');
    expect(await scrape()).toMatch(/^messagesender_job_duration_seconds_count\{queue="system-mail"\} [1-9]/m);
  });

  it('shows the queue, what the engine sent by channel, claim latency and each inbox against its cap', async () => {
    const seeded = await seedCampaign(t.deps, { smtpPort: peer.port, inboxes: 2, inbox: { dailyCap: 3 }, contacts: 10 });
    await enrollAudience(t.deps, seeded.campaignId, new Date());
    // The gauges /metrics registers cache for 10 s; these read the database on every scrape.
    const gauges = new Registry();
    registerEngineGauges(gauges, t.deps.db, { ttlMs: 0 });
    const gaugeText = () => gauges.metrics();
    let text = await gaugeText();
    expect(value(text, 'messagesender_engine_queue_depth{state="due"}')).toBe(10);
    expect(value(text, 'messagesender_engine_oldest_due_seconds')).toBeGreaterThanOrEqual(0);

    for (let i = 0; i < 5; i++) await dispatchOnce(t.deps, channels, { now: new Date(), workerId: 'metrics-test', batchSize: 50, concurrency: 4, leaseMs: 60_000 });
    expect(peer.received).toHaveLength(6);
    text = await scrape();
    expect(value(text, 'messagesender_engine_messages_total{result="sent",channel="smtp"}')).toBe(6);
    expect(value(text, 'messagesender_engine_claimed_total')).toBe(6);
    expect(value(text, 'messagesender_engine_claim_duration_seconds_count')).toBeGreaterThanOrEqual(5);
    text = await gaugeText();
    // Both caps are used up: the other four wait for tomorrow, none is due now.
    expect(value(text, 'messagesender_engine_queue_depth{state="due"}')).toBe(0);
    expect(value(text, 'messagesender_engine_queue_depth{state="later"}')).toBe(4);
    for (const id of seeded.senderIds) {
      expect(value(text, `messagesender_sender_sends_today{sender_id="${id}",kind="smtp"}`)).toBe(3);
      expect(value(text, `messagesender_sender_daily_limit{sender_id="${id}",kind="smtp"}`)).toBe(3);
    }
  });

  it('the example alerting rules only use metrics that exist', async () => {
    const rules = parse(readFileSync(join(PROJECT_ROOT, 'deploy', 'prometheus-alerts.yaml'), 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] };
    const text = await scrape();
    const known = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
    const exprs = rules.groups.flatMap((g) => g.rules.map((r) => r.expr));
    expect(exprs.length).toBeGreaterThanOrEqual(8);
    for (const expr of exprs) {
      for (const [name] of expr.matchAll(/messagesender_[a-z0-9_]+/g)) {
        const base = name.replace(/_(bucket|count|sum)$/, '');
        expect(known.has(name) || known.has(base), `${name} in "${expr}"`).toBe(true);
      }
    }
  });

  it('the example Grafana dashboard only queries metrics that exist', async () => {
    const dashboard = JSON.parse(readFileSync(join(PROJECT_ROOT, 'deploy', 'grafana-dashboard.json'), 'utf8')) as { title: string; panels: { title: string; targets?: { expr: string }[] }[] };
    const text = await scrape();
    const known = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((x) => x.expr));
    expect(exprs.length).toBeGreaterThanOrEqual(10);
    for (const expr of exprs) {
      for (const [name] of expr.matchAll(/messagesender_[a-z0-9_]+/g)) {
        const base = name.replace(/_(bucket|count|sum)$/, '');
        expect(known.has(name) || known.has(base), `${name} in "${expr}"`).toBe(true);
      }
    }
  });
});

describe('a worker\'s own metrics listener (METRICS_PORT)', () => {
  it('serves health openly and metrics behind METRICS_TOKEN', async () => {
    const server = await startMetricsServer({ host: '127.0.0.1', port: 0, token: 'metrics-token-0123456789' });
    try {
      const base = `http://127.0.0.1:${server.port}`;
      expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: 'ok' });
      expect((await fetch(`${base}/metrics`)).status).toBe(401);
      const res = await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789' } });
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toContain('# TYPE messagesender_engine_claim_duration_seconds histogram');
      expect(text).toContain('messagesender_process_cpu_seconds_total');
    } finally {
      await server.close();
    }
  });
});
