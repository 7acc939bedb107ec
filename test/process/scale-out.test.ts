import { afterAll, describe, expect, it } from 'vitest';
import { randomInt } from 'node:crypto';
import { loadConfig } from '../../src/config.js';
import { enrollAudience } from '../../src/engine/enroll.js';
import { nextUtcMidnight, utcDay } from '../../src/engine/sender-capacity.js';
import { testSecretsEnv } from '../helpers/app.js';
import { seedCampaign } from '../helpers/campaign-fixture.js';
import { closedPort } from '../helpers/closed-port.js';
import { createTestDatabase, engineName, type TestDatabase } from '../helpers/db.js';
import { LiveClient, spawnCli, type Spawned } from '../helpers/process.js';
import { startSmtpPeer, type SmtpPeer } from '../helpers/smtp-peer.js';

/**
 * Scale-out on one machine: two `serve` and two `worker` processes on one PostgreSQL database
 * and one Redis. A 2,000-contact campaign over three inboxes capped at 500 a day each goes into an
 * SMTP sink: exactly 1,500 leave today, each exactly once, no inbox over its cap although two
 * workers claim at once, both workers send, and the rest wait for tomorrow. Both API instances
 * answer, share sessions through the database, and share rate-limit counters through Redis.
 */

const CONTACTS = 2000;
const INBOXES = 3;
const CAP = 500;
/** Redis on this machine; CI containers name their service (.ci/run sets TEST_REDIS_URL). */
const REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';

const header = (raw: string, name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' '))?.[1]?.trim() ?? null;

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const metricValue = (text: string, series: string) => Number(text.split('\n').find((l) => l.startsWith(`${series} `))?.split(' ')[1] ?? 0);

describe.skipIf(engineName !== 'postgres')(`scale-out: serve ×2 and worker ×2 on PostgreSQL and Redis (${engineName}; the embedded database is single-process, so this runs in the PostgreSQL pass)`, () => {
  let testDb: TestDatabase;
  let sink: SmtpPeer;
  const processes: Spawned[] = [];

  afterAll(async () => {
    for (const p of processes) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await sink?.close();
    await testDb?.drop();
  });

  it('sends every message exactly once, holds each inbox\'s cap across workers, and answers from both API instances', async () => {
    const started = Date.now();
    testDb = await createTestDatabase();
    sink = await startSmtpPeer({ user: 'sender', password: 'sender-password' });
    const secrets = testSecretsEnv();
    const common = {
      NODE_ENV: 'test', DATABASE_URL: testDb.url!, REDIS_URL, PUBLIC_URL: 'http://app.test', ...secrets,
      ENGINE_BATCH_SIZE: '100', ENGINE_CONCURRENCY: '16', ENGINE_IDLE_MS: '200', ENGINE_LEASE_SECONDS: '120',
    };
    const config = loadConfig({ ...common });
    const seeded = await seedCampaign({ db: testDb.database.db, config }, { smtpPort: sink.port, inboxes: INBOXES, inbox: { dailyCap: CAP }, contacts: CONTACTS });

    const metricsPorts = [await closedPort(), await closedPort()];
    const spawnedAt = Date.now();
    const serves = [0, 1].map(() => spawnCli('serve', { ...common, PORT: '0', TRUST_PROXY: 'true' }));
    const workers = metricsPorts.map((port) => spawnCli('worker', { ...common, METRICS_PORT: String(port) }));
    processes.push(...serves, ...workers);
    const urls = await Promise.all(serves.map(async (s) => (await s.waitFor(/"url":"(http:\/\/[^"]+)"/, 90_000))[1]!));
    await Promise.all(workers.map((w) => w.waitFor(/sending engine started/, 90_000)));
    await Promise.all(workers.map((w) => w.waitFor(/worker metrics and health listening/, 10_000)));
    const readyAt = Date.now();

    // Messages appear only now, so both workers meet the queue at the same time.
    expect(await enrollAudience({ db: testDb.database.db }, seeded.campaignId, new Date())).toBe(CONTACTS);
    const sql = testDb.database.sql;
    const statusCounts = async () => Object.fromEntries((await sql.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM messages WHERE campaign_id = $1 GROUP BY status', [seeded.campaignId])).rows.map((r) => [r.status, r.n]));
    await waitUntil(async () => {
      const c = await statusCounts();
      return (c.sent ?? 0) >= INBOXES * CAP && !c.sending;
    }, 60_000, `${INBOXES * CAP} sends`);
    const sendSeconds = (Date.now() - readyAt) / 1000;
    // Quiet for a moment: nothing else goes out once every inbox is at its cap.
    await new Promise((r) => setTimeout(r, 1500));

    const counts = await statusCounts();
    expect(counts).toEqual({ sent: INBOXES * CAP, scheduled: CONTACTS - INBOXES * CAP });

    // Exactly once: every sent message reached the sink once, and the sink saw nothing else.
    const received = sink.received.map((r) => header(r.raw, 'Message-ID'));
    expect(received).toHaveLength(INBOXES * CAP);
    expect(new Set(received).size).toBe(received.length);
    const { rows: sent } = await sql.query<{ message_id_header: string; sender_id: string }>(
      `SELECT message_id_header, sender_id FROM messages WHERE campaign_id = $1 AND status = 'sent'`, [seeded.campaignId]);
    expect(new Set(sent.map((m) => m.message_id_header))).toEqual(new Set(received));

    // Caps held across workers: each inbox sent exactly its 500, by its rows and by its counter.
    const perInbox = new Map<string, number>();
    for (const m of sent) perInbox.set(m.sender_id, (perInbox.get(m.sender_id) ?? 0) + 1);
    expect([...perInbox.values()]).toEqual([CAP, CAP, CAP]);
    const { rows: counters } = await sql.query<{ key: string; count: number }>(
      `SELECT key, count FROM send_counters WHERE day = $1::date AND key LIKE 'sender:%' ORDER BY key`, [utcDay(new Date())]);
    expect(counters.map((c) => c.count)).toEqual([CAP, CAP, CAP]);
    // The rest wait for tomorrow (UTC), when the caps reset.
    const { rows: waiting } = await sql.query<{ earliest: Date }>(
      `SELECT min(send_at) AS earliest FROM messages WHERE campaign_id = $1 AND status = 'scheduled'`, [seeded.campaignId]);
    expect(new Date(waiting[0]!.earliest).getTime()).toBeGreaterThanOrEqual(nextUtcMidnight(new Date(readyAt)).getTime());

    // Both workers did part of the work (their own /metrics on METRICS_PORT say how much).
    const perWorker = await Promise.all(metricsPorts.map(async (port) =>
      metricValue(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text(), 'messagesender_engine_messages_total{result="sent",channel="smtp"}')));
    expect(perWorker[0]! + perWorker[1]!).toBe(INBOXES * CAP);
    expect(Math.min(...perWorker)).toBeGreaterThan(0);

    // Both API instances answer and are ready.
    for (const url of urls) expect((await fetch(`${url}/health/ready`)).status).toBe(200);
    // A session made on one instance works on the other: all state is in PostgreSQL.
    const onA = new LiveClient(urls[0]!);
    expect((await onA.request('POST', '/api/v1/auth/signup', { email: `scale-${Date.now()}@example.test`, password: 'correct horse battery staple 42', name: 'Scale' })).status).toBe(201);
    const onB = new LiveClient(urls[1]!);
    onB.cookies = new Map(onA.cookies);
    const me = await onB.request('GET', '/api/v1/me');
    expect(me.status).toBe(200);

    // Shared rate-limit counters: login allows 20 a minute per client address, counted in Redis.
    // Alternating instances, the remaining allowance falls by one per request, whichever answers.
    const client = `198.18.${randomInt(0, 255)}.${randomInt(1, 255)}`; // only a header value: the client address behind the proxy
    const remaining: number[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${urls[i % 2]}/api/v1/auth/login`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
        body: JSON.stringify({ email: `nobody-${i}@example.test`, password: 'wrong password 1234' }),
      });
      expect(res.status).toBe(401);
      remaining.push(Number(res.headers.get('x-ratelimit-remaining')));
    }
    expect(remaining).toEqual(Array.from({ length: 20 }, (_, i) => 19 - i));
    for (const url of urls) {
      const res = await fetch(`${url}/api/v1/auth/login`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
        body: JSON.stringify({ email: 'nobody@example.test', password: 'wrong password 1234' }),
      });
      expect(res.status).toBe(429);
    }

    // Every process stops cleanly on SIGTERM.
    for (const p of processes) p.child.kill('SIGTERM');
    expect(await Promise.all(processes.map((p) => p.exited))).toEqual([0, 0, 0, 0]);
    console.log(`scale-out: processes ready in ${((readyAt - spawnedAt) / 1000).toFixed(1)} s; ${INBOXES * CAP} sends by 2 workers in ${sendSeconds.toFixed(1)} s (${perWorker.join(' + ')}); whole test ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 240_000);
});
