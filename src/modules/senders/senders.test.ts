import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { TestClient } from '../../../test/helpers/client.js';
import { engineName } from '../../../test/helpers/db.js';
import { startFakeDns } from '../../../test/fakes/dns.js';
import { effectiveDailyCap } from './senders.js';

let t: TestApp;
let dns: Awaited<ReturnType<typeof startFakeDns>>;
const dkimKey = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

beforeAll(async () => {
  dns = await startFakeDns({
    'good.example': ['v=spf1 include:_spf.google.com ~all', 'google-site-verification=abc'],
    's1._domainkey.good.example': ['v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC'],
    '_dmarc.good.example': ['v=DMARC1; p=quarantine; rua=mailto:d@good.example'],
    'bad.example': ['v=spf1 a ~all', 'v=spf1 mx ~all'],
    's1._domainkey.bad.example': ['v=DKIM1; p='],
  });
  t = await createTestApp({ env: { DNS_SERVERS: dns.server } });
});
afterAll(async () => {
  await t?.close();
  await dns?.close();
});

const account = (email: string, extra: object = {}) => ({
  email,
  fromName: 'Sam Sender',
  smtp: { host: 'smtp.good.example', port: 587, security: 'starttls', user: email, password: 'smtp-app-password-1' },
  imap: { host: 'imap.good.example', port: 993, secure: true, user: email, password: 'imap-app-password-2' },
  ...extra,
});

describe(`sending accounts (${engineName})`, () => {
  it('connects an SMTP+IMAP mailbox with its passwords and DKIM key encrypted at rest', async () => {
    const c = new TestClient(t.app);
    await c.signup();
    const res = await c.post('/api/v1/senders', account('sam@good.example', { dkim: { domain: 'good.example', selector: 's1', privateKey: dkimKey } }));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ kind: 'smtp', email: 'sam@good.example', status: 'active', dkim: { domain: 'good.example', selector: 's1', configured: true }, smtp: { host: 'smtp.good.example', port: 587, security: 'starttls' } });
    expect(JSON.stringify(res.body)).not.toMatch(/app-password|PRIVATE KEY/);
    const { rows } = await t.deps.database.sql.query<Record<string, string>>('SELECT * FROM sender_accounts WHERE id = $1', [res.body.id]);
    const stored = JSON.stringify(rows[0]);
    expect(stored).not.toContain('smtp-app-password-1');
    expect(stored).not.toContain('imap-app-password-2');
    expect(stored).not.toContain('PRIVATE KEY');
    expect(rows[0]!.smtp_password_enc).toMatch(/^enc:v1:k1:/);
    expect(JSON.stringify((await c.get('/api/v1/senders')).body)).not.toContain('app-password');
    expect((await c.post('/api/v1/senders', account('SAM@good.example'))).status).toBe(409);
  });

  it('validates settings and names the field', async () => {
    const c = new TestClient(t.app);
    await c.signup();
    const bad = await c.post('/api/v1/senders', account('x@good.example', { smtp: { host: 'smtp host!', port: 70000, security: 'ssl', user: '', password: '' } }));
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['smtp.host', 'smtp.password', 'smtp.port', 'smtp.security', 'smtp.user']);
    const created = (await c.post('/api/v1/senders', account('y@good.example'))).body;
    const gaps = await c.patch(`/api/v1/senders/${created.id}`, { minGapSeconds: 300, maxGapSeconds: 60 });
    expect(gaps.status).toBe(422);
    expect(gaps.body.errors).toEqual([{ field: 'maxGapSeconds', message: 'must be at least minGapSeconds (300)' }]);
    const ok = await c.patch(`/api/v1/senders/${created.id}`, { dailyCap: 40, warmup: { enabled: true, start: 5, increment: 3, max: 30 } });
    expect(ok.body.settings.warmup).toMatchObject({ enabled: true, start: 5, increment: 3, max: 30 });
    expect(ok.body.todayCap).toBe(5);
    const paused = await c.post(`/api/v1/senders/${created.id}/pause`);
    expect(paused.body).toMatchObject({ status: 'paused', statusReason: 'paused by a user' });
  });

  it('ramps the warm-up cap by day up to the maximum and never above the daily cap', () => {
    const base = { dailyCap: 40, warmupEnabled: true, warmupStart: 5, warmupIncrement: 3, warmupMax: 30, warmupStartedAt: new Date('2026-01-01T00:00:00Z') };
    expect(effectiveDailyCap(base, new Date('2026-01-01T12:00:00Z'))).toBe(5);
    expect(effectiveDailyCap(base, new Date('2026-01-04T12:00:00Z'))).toBe(14);
    expect(effectiveDailyCap(base, new Date('2026-03-01T00:00:00Z'))).toBe(30);
    expect(effectiveDailyCap({ ...base, dailyCap: 20 }, new Date('2026-03-01T00:00:00Z'))).toBe(20);
    expect(effectiveDailyCap({ ...base, warmupEnabled: false }, new Date())).toBe(40);
  });

  it('checks SPF, DKIM and DMARC of the sending domain through DNS', async () => {
    const c = new TestClient(t.app);
    await c.signup();
    const good = (await c.post('/api/v1/senders', account('a@good.example', { dkim: { domain: 'good.example', selector: 's1', privateKey: dkimKey } }))).body;
    const res = await c.get(`/api/v1/senders/${good.id}/domain-check`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      domain: 'good.example', selector: 's1',
      spf: { status: 'pass', record: 'v=spf1 include:_spf.google.com ~all' },
      dkim: { status: 'pass', record: expect.stringContaining('v=DKIM1') },
      dmarc: { status: 'pass', record: 'v=DMARC1; p=quarantine; rua=mailto:d@good.example', detail: 'DMARC policy: quarantine.' },
    });
    const bad = (await c.post('/api/v1/senders', account('b@bad.example'))).body;
    const report = (await c.get(`/api/v1/senders/${bad.id}/domain-check?selector=s1`)).body;
    expect(report.spf).toMatchObject({ status: 'fail', detail: expect.stringContaining('More than one SPF record') });
    expect(report.dkim).toMatchObject({ status: 'fail', detail: 'The DKIM key is empty (revoked).' });
    expect(report.dmarc).toMatchObject({ status: 'fail', record: null });
  });

  it('members can see accounts but not manage them; other workspaces get 404', async () => {
    const owner = new TestClient(t.app);
    await owner.signup();
    const acct = (await owner.post('/api/v1/senders', account('team@good.example'))).body;
    const stranger = new TestClient(t.app);
    await stranger.signup();
    expect((await stranger.get(`/api/v1/senders/${acct.id}`)).status).toBe(404);
    expect((await stranger.patch(`/api/v1/senders/${acct.id}`, { dailyCap: 1 })).status).toBe(404);
    expect((await stranger.delete(`/api/v1/senders/${acct.id}`)).status).toBe(404);
    const key = (await owner.post('/api/v1/api-keys', { name: 'ro', role: 'member' })).body.key;
    const bot = new TestClient(t.app);
    bot.apiKey = key;
    expect((await bot.get('/api/v1/senders')).body.items).toHaveLength(1);
    expect((await bot.post(`/api/v1/senders/${acct.id}/pause`)).status).toBe(403);
    expect((await owner.delete(`/api/v1/senders/${acct.id}`)).status).toBe(204);
    expect((await owner.get('/api/v1/senders')).body.items).toHaveLength(0);
  });
});

describe(`key rotation (${engineName})`, () => {
  it('re-encrypts every stored credential under a new key while old values keep opening', async () => {
    const { randomBytes } = await import('node:crypto');
    const { reencryptSecrets } = await import('./rotate-encryption.js');
    const { getSender, openSecret } = await import('./senders.js');
    const c = new TestClient(t.app);
    await c.signup();
    const created = (await c.post('/api/v1/senders', account('rot@good.example', { dkim: { domain: 'good.example', selector: 's1', privateKey: dkimKey } }))).body;
    const old = t.deps.config.secrets;
    const next = { ...old, encryptionKeys: { ...old.encryptionKeys, k2: randomBytes(32).toString('base64') }, encryptionKeyId: 'k2' };
    const first = await reencryptSecrets(t.deps.db, next);
    expect(first.rotated).toBeGreaterThanOrEqual(3);
    const { rows } = await t.deps.database.sql.query<Record<string, string>>('SELECT smtp_password_enc, imap_password_enc, dkim_private_key_enc FROM sender_accounts WHERE id = $1', [created.id]);
    for (const value of Object.values(rows[0]!)) expect(value).toMatch(/^enc:v1:k2:/);
    const row = await getSender(t.deps.db, (await c.get('/api/v1/me')).body.currentWorkspaceId, created.id);
    expect(openSecret(next, row, 'smtpPasswordEnc')).toBe('smtp-app-password-1');
    expect(openSecret(next, row, 'dkimPrivateKeyEnc')).toContain('PRIVATE KEY');
    expect((await reencryptSecrets(t.deps.db, next)).rotated).toBe(0);
    // Back under k1, which is all this file's app knows.
    expect((await reencryptSecrets(t.deps.db, { ...next, encryptionKeyId: 'k1' })).rotated).toBe(first.rotated);
  });

  it('only the instance admin can rotate from the API', async () => {
    const user = new TestClient(t.app);
    const { email } = await user.signup();
    expect((await user.post('/api/v1/admin/encryption/rotate')).status).toBe(403);
    await t.deps.database.sql.query('UPDATE users SET is_instance_admin = true WHERE email = $1', [email]);
    const res = await user.post('/api/v1/admin/encryption/rotate');
    expect(res.status).toBe(200);
    // Keys come from the environment here, so it re-seals under the configured key id.
    expect(res.body).toMatchObject({ keyId: t.deps.config.secrets.encryptionKeyId, rotated: expect.any(Number), alreadyCurrent: expect.any(Number) });
  });
});
