import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { TestClient } from '../../../test/helpers/client.js';
import { engineName } from '../../../test/helpers/db.js';
import { appendMessage, createMailbox, ensureDovecot, type TestMailbox } from '../../../test/helpers/dovecot.js';
import { pollSenderInbound } from './poll-inbound.js';

const dovecot = ensureDovecot();
const fixture = (name: string) => readFileSync(new URL(`../../channels/inbound/fixtures/${name}`, import.meta.url), 'utf8');

describe.skipIf(!dovecot.ok)(`reply and bounce detection over IMAP (${engineName})`, () => {
  let t: TestApp;
  let mailbox: TestMailbox;
  let c: TestClient;
  let senderId: string;

  beforeAll(async () => {
    t = await createTestApp();
    mailbox = await createMailbox((dovecot as { server: Parameters<typeof createMailbox>[0] }).server);
    c = new TestClient(t.app);
    await c.signup();
    const sender = await c.post('/api/v1/senders', {
      email: 'alice@acme-outreach.test',
      smtp: { host: '127.0.0.1', port: 2525, security: 'none', user: 'alice', password: 'unused-here' },
      imap: { host: mailbox.host, port: mailbox.port, secure: false, user: mailbox.user, password: mailbox.password },
    });
    senderId = sender.body.id;
    for (const email of ['gone@example.net', 'tom@example.net', 'maria@example.com']) await c.post('/api/v1/contacts', { email });
  });
  afterAll(() => t?.close());

  const events = async (email: string) => {
    const contact = (await c.get(`/api/v1/contacts?q=${encodeURIComponent(email)}`)).body.items[0];
    return { contact, events: (await c.get(`/api/v1/contacts/${contact.id}/activity`)).body.events as { type: string; metadata: Record<string, unknown> }[] };
  };

  it('detects a reply, ignores an out-of-office, and turns a DSN into a bounced, suppressed contact', async () => {
    // The first poll starts the cursor at "now": older mail is not replayed.
    expect(await pollSenderInbound(t.deps, senderId)).toMatchObject({ fetched: 0 });
    await appendMessage(mailbox, 'INBOX', fixture('reply-quoting.eml'));
    await appendMessage(mailbox, 'INBOX', fixture('ooo-auto-submitted.eml'));
    await appendMessage(mailbox, 'INBOX', fixture('postfix-dsn.eml'));

    const result = await pollSenderInbound(t.deps, senderId);
    expect(result).toMatchObject({ fetched: 3, replies: 1, autoReplies: 1, bounces: 1 });

    const tom = await events('tom@example.net');
    expect(tom.events).toEqual([expect.objectContaining({ type: 'replied', metadata: expect.objectContaining({ subject: 'Re: Following up on my last note' }) })]);
    const maria = await events('maria@example.com');
    expect(maria.events.map((e) => e.type)).toEqual(['received']);
    expect(maria.events[0]!.metadata.autoReply).toBe(true);
    const gone = await events('gone@example.net');
    expect(gone.contact.status).toBe('bounced');
    expect(gone.events[0]).toMatchObject({ type: 'bounced', metadata: expect.objectContaining({ bounceType: 'hard', originalMessageId: '<20261123180210.b81c44d2@mail.acme-outreach.test>' }) });
    const suppressed = (await c.get('/api/v1/suppressions')).body.items;
    expect(suppressed).toEqual([expect.objectContaining({ kind: 'email', value: 'gone@example.net', reason: 'bounce' })]);

    // The cursor moved: nothing is processed twice.
    expect(await pollSenderInbound(t.deps, senderId)).toMatchObject({ fetched: 0 });
  });

  it('does not poll a paused account', async () => {
    await c.post(`/api/v1/senders/${senderId}/pause`);
    expect(await pollSenderInbound(t.deps, senderId)).toBeNull();
    await c.post(`/api/v1/senders/${senderId}/resume`);
  });
});
