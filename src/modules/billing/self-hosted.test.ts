import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { seedCampaign } from '../../../test/helpers/campaign-fixture.js';
import { TestClient } from '../../../test/helpers/client.js';
import { engineName } from '../../../test/helpers/db.js';
import { startSmtpPeer, type SmtpPeer } from '../../../test/helpers/smtp-peer.js';
import { queryRows } from '../../db/sql-helpers.js';
import { tickCampaigns } from '../../engine/campaign-tick.js';
import { createChannelCache, type ChannelCache } from '../../engine/channel-cache.js';
import { dispatchOnce } from '../../engine/dispatcher.js';
import { enrollAudience } from '../../engine/enroll.js';
import { createLogger } from '../../lib/logger.js';

/** Every log line the app writes during this file, at debug level so nothing hides. */
const logLines: string[] = [];
let t: TestApp;
let peer: SmtpPeer;
let channels: ChannelCache;

beforeAll(async () => {
  peer = await startSmtpPeer({ user: 'sender', password: 'sender-password' });
  // No STRIPE_SECRET_KEY: a self-hosted instance.
  t = await createTestApp({ log: createLogger('debug', new Writable({ write(chunk, _enc, done) { logLines.push(String(chunk)); done(); } })) });
  channels = createChannelCache(t.deps);
});
afterAll(async () => {
  await channels?.closeAll();
  await peer?.close();
  await t?.close();
});

const smtpSender = (email: string) => ({
  email, smtp: { host: 'smtp.acme.test', port: 587, security: 'starttls', user: email, password: 'smtp-password' },
  imap: { host: 'imap.acme.test', port: 993, secure: true, user: email, password: 'imap-password' },
});

describe(`self-hosted mode: no STRIPE_SECRET_KEY (${engineName})`, () => {
  it('has no billing configuration, and the web app is told to hide billing', async () => {
    expect(t.deps.config.billing).toBeNull();
    const c = new TestClient(t.app);
    await c.signup();
    expect((await c.get('/api/v1/me')).body.features).toMatchObject({ billing: false });
  });

  it('answers 404 on every billing route, the Stripe webhook included, and documents none of them', async () => {
    const c = new TestClient(t.app);
    await c.signup();
    for (const [method, url] of [['GET', '/api/v1/billing'], ['GET', '/api/v1/billing/invoices'], ['POST', '/api/v1/billing/checkout'], ['POST', '/api/v1/billing/portal']] as const) {
      const res = await c.request(method, url, method === 'POST' ? { body: { plan: 'pro' } } : {});
      expect(res.status, url).toBe(404);
      expect(res.body.type).toBe('https://messagesender.dev/problems/not-found');
    }
    const webhook = await t.app.inject({ method: 'POST', url: '/api/v1/webhooks/stripe', payload: '{"id":"evt_1","object":"event"}', headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' } });
    expect(webhook.statusCode).toBe(404);
    const openapi = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths).filter((p) => /billing|stripe/.test(p))).toEqual([]);
  });

  it('has no limits: accounts, contacts and seats past every default plan limit', async () => {
    const c = new TestClient(t.app);
    const { workspace } = await c.signup();
    for (let i = 0; i < 3; i++) expect((await c.post('/api/v1/senders', smtpSender(`rep${i}@acme.test`))).status).toBe(201);
    for (let i = 0; i < 3; i++) expect((await c.post(`/api/v1/workspaces/${workspace.id}/invites`, { email: `mate${i}@acme.test`, role: 'member' })).status).toBe(201);
    const rows = Array.from({ length: 600 }, (_, i) => `lead${i}@prospect.test`).join('\n');
    const upload = await c.upload('/api/v1/contacts/imports', 'leads.csv', `email\n${rows}\n`);
    expect(upload.status).toBe(201);
    expect((await c.post(`/api/v1/contacts/imports/${upload.body.id}/start`, { mapping: { email: 'email' } })).status).toBe(202);
    // No worker in this file: the job runs here, as the worker would run it.
    const { runImport } = await import('../contacts/import/run-import.js');
    await runImport(t.deps, upload.body.id);
    expect((await c.get(`/api/v1/contacts/imports/${upload.body.id}`)).body).toMatchObject({ status: 'completed', createdCount: 600 });
    expect((await c.post('/api/v1/contacts', { email: 'one-more@prospect.test' })).status).toBe(201);
  });

  it('sends without a quota: no counter is kept and nothing pauses', async () => {
    const s = await seedCampaign(t.deps, { smtpPort: peer.port, contacts: 12, inboxes: 1 });
    const now = new Date('2026-11-23T10:00:00Z');
    await enrollAudience(t.deps, s.campaignId, now);
    let sent = 0;
    for (let i = 0; i < 20; i++) {
      const round = await dispatchOnce(t.deps, channels, { now, workerId: 'w1', batchSize: 5, concurrency: 4, leaseMs: 60_000 });
      sent += round.sent;
      if (!round.claimed) break;
    }
    expect(sent).toBe(12);
    await tickCampaigns(t.deps, now);
    const quotaRows = await queryRows<{ n: number }>(t.deps.db, sql`SELECT count(*)::int AS n FROM send_counters WHERE key LIKE 'quota:%'`);
    expect(quotaRows[0]!.n).toBe(0);
  });

  it('wrote not one billing line to the log, and no warning or error at all', () => {
    expect(logLines.length).toBeGreaterThan(20);
    const entries = logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.filter((e) => e.level === 'warn' || e.level === 'error' || e.level === 'fatal').map((e) => e.msg)).toEqual([]);
    // Request logs name the URLs this file asked for on purpose; everything else must not mention billing.
    const mentions = entries.map(({ req: _req, res: _res, ...rest }) => JSON.stringify(rest)).filter((text) => /billing|stripe|quota/i.test(text));
    expect(mentions).toEqual([]);
  });
});
