import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { TestClient } from '../../../test/helpers/client.js';
import { engineName } from '../../../test/helpers/db.js';
import { createMailbox, ensureDovecot, type TestMailbox } from '../../../test/helpers/dovecot.js';
import { startSmtpPeer, type SmtpPeer } from '../../../test/helpers/smtp-peer.js';

const dovecot = ensureDovecot();
if (!dovecot.ok) console.warn(`skipping: ${dovecot.reason}`);

describe.skipIf(!dovecot.ok)(`POST /senders/:id/test against real servers (${engineName})`, () => {
  let t: TestApp;
  let smtp: SmtpPeer;
  let mailbox: TestMailbox;

  beforeAll(async () => {
    t = await createTestApp();
    mailbox = await createMailbox((dovecot as { server: Parameters<typeof createMailbox>[0] }).server);
    smtp = await startSmtpPeer({ user: 'sender@example.test', password: 'smtp-secret-123' });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  const body = (smtpPassword: string, imapPassword: string) => ({
    email: 'sender@example.test',
    smtp: { host: '127.0.0.1', port: smtp.port, security: 'none', user: 'sender@example.test', password: smtpPassword },
    imap: { host: mailbox.host, port: mailbox.port, secure: false, user: mailbox.user, password: imapPassword },
  });

  it('passes both checks with the right credentials, and shows each server\'s exact refusal otherwise', async () => {
    const c = new TestClient(t.app);
    await c.signup();
    const good = (await c.post('/api/v1/senders', body('smtp-secret-123', mailbox.password))).body;
    const ok = await c.post(`/api/v1/senders/${good.id}/test`);
    expect(ok.status).toBe(200);
    expect(ok.body.ok).toBe(true);
    expect(ok.body.checks.map((x: { ok: boolean }) => x.ok)).toEqual([true, true]);

    await c.patch(`/api/v1/senders/${good.id}`, { smtp: { password: 'wrong-smtp' }, imap: { password: 'wrong-imap' } });
    const bad = await c.post(`/api/v1/senders/${good.id}/test`);
    expect(bad.body.ok).toBe(false);
    const detail = bad.body.checks.map((x: { detail: string }) => x.detail).join('\n');
    expect(detail).toMatch(/535/);
    expect(detail).toContain('AUTHENTICATIONFAILED');
    expect(detail).not.toContain('wrong-smtp');
    expect(detail).not.toContain('wrong-imap');
  });
});
