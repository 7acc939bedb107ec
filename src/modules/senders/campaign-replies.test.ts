import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { seedCampaign } from '../../../test/helpers/campaign-fixture.js';
import { engineName } from '../../../test/helpers/db.js';
import { appendMessage, createMailbox, ensureDovecot, type TestMailbox } from '../../../test/helpers/dovecot.js';
import { startSmtpPeer, type SmtpPeer } from '../../../test/helpers/smtp-peer.js';
import { queryRows } from '../../db/sql-helpers.js';
import { createChannelCache } from '../../engine/channel-cache.js';
import { dispatchOnce } from '../../engine/dispatcher.js';
import { enrollAudience } from '../../engine/enroll.js';
import { pollSenderInbound } from './poll-inbound.js';
import { updateSender } from './senders.js';

const dovecot = ensureDovecot();

/** A reply as a mail client writes it: threaded on our Message-ID, quoting it. */
const reply = (o: { from: string; to: string; inReplyTo: string; subject: string; body: string; headers?: string }) => [
  `From: ${o.from}`, `To: ${o.to}`, `Subject: ${o.subject}`, `Date: ${new Date(Date.now() + 2000).toUTCString()}`,
  `Message-ID: <${Math.random().toString(36).slice(2)}@client.test>`, `In-Reply-To: ${o.inReplyTo}`, `References: ${o.inReplyTo}`,
  ...(o.headers ? [o.headers] : []), 'Content-Type: text/plain; charset=utf-8', '', o.body, '',
].join('\r\n');

describe.skipIf(!dovecot.ok)(`campaign replies over IMAP (${engineName})`, () => {
  let t: TestApp;
  let peer: SmtpPeer;
  let mailbox: TestMailbox;

  beforeAll(async () => {
    t = await createTestApp();
    peer = await startSmtpPeer({ user: 'sender', password: 'sender-password' });
    mailbox = await createMailbox((dovecot as { server: Parameters<typeof createMailbox>[0] }).server);
  });
  afterAll(async () => {
    await peer?.close();
    await t?.close();
  });

  it('a reply stops the sequence, is tied to the message it answers and lands in the inbox thread; a mailto unsubscribe is honoured', async () => {
    const s = await seedCampaign(t.deps, {
      smtpPort: peer.port,
      contacts: [{ email: 'tom@bigco.test', firstName: 'Tom' }, { email: 'ola@other.test', firstName: 'Ola' }, { email: 'kim@third.test', firstName: 'Kim' }],
      steps: [{ variants: [{ subject: 'Idea for you, {{ first_name }}', bodyText: 'Hi {{ first_name }}' }] }, { delayMinutes: 60, variants: [{ bodyText: 'Bump' }] }],
    });
    await updateSender(t.deps.db, t.deps.config.secrets, s.workspaceId, s.senderIds[0]!, { imap: { host: mailbox.host, port: mailbox.port, secure: false, user: mailbox.user, password: mailbox.password } });
    const now = new Date();
    await enrollAudience(t.deps, s.campaignId, now);
    const channels = createChannelCache(t.deps);
    expect((await dispatchOnce(t.deps, channels, { now, workerId: 'w', batchSize: 10, concurrency: 2, leaseMs: 60_000 })).sent).toBe(3);
    const sent = await queryRows<{ id: string; to_email: string; message_id_header: string }>(t.deps.db, sql`SELECT id, to_email, message_id_header FROM messages WHERE campaign_id = ${s.campaignId} AND step_position = 1`);
    const idOf = (email: string) => sent.find((m) => m.to_email === email)!;

    expect(await pollSenderInbound(t.deps, s.senderIds[0]!)).toMatchObject({ fetched: 0 });
    // Tom answers from his phone with another address: the thread headers still tie it to him.
    await appendMessage(mailbox, 'INBOX', reply({ from: 'Tom B <tom.mobile@bigco.test>', to: 'sender1@acme.test', inReplyTo: idOf('tom@bigco.test').message_id_header, subject: 'Re: Idea for you, Tom', body: 'Sounds good, call me Tuesday.' }));
    await appendMessage(mailbox, 'INBOX', reply({ from: 'ola@other.test', to: 'sender1@acme.test', inReplyTo: idOf('ola@other.test').message_id_header, subject: 'unsubscribe', body: '' }));
    expect(await pollSenderInbound(t.deps, s.senderIds[0]!)).toMatchObject({ fetched: 2, replies: 1, unsubscribes: 1 });

    const later = new Date(now.getTime() + 2 * 3600_000);
    expect((await dispatchOnce(t.deps, channels, { now: later, workerId: 'w', batchSize: 10, concurrency: 2, leaseMs: 60_000 })).sent).toBe(1);
    const second = await queryRows<{ to_email: string | null; email: string; status: string; reason: string | null }>(t.deps.db, sql`
      SELECT m.to_email, k.email, m.status, m.reason FROM messages m JOIN contacts k ON k.id = m.contact_id WHERE m.campaign_id = ${s.campaignId} AND m.step_position = 2 ORDER BY k.email`);
    expect(second.map((m) => [m.email, m.status, m.reason])).toEqual([
      ['kim@third.test', 'sent', null], ['ola@other.test', 'skipped', 'unsubscribed'], ['tom@bigco.test', 'skipped', 'replied'],
    ]);
    const events = await queryRows<{ type: string; message_id: string; email: string }>(t.deps.db, sql`
      SELECT e.type, e.message_id, k.email FROM contact_events e JOIN contacts k ON k.id = e.contact_id WHERE e.campaign_id = ${s.campaignId} AND e.type IN ('replied', 'unsubscribed') ORDER BY e.type`);
    expect(events).toEqual([
      { type: 'replied', message_id: idOf('tom@bigco.test').id, email: 'tom@bigco.test' },
      { type: 'unsubscribed', message_id: idOf('ola@other.test').id, email: 'ola@other.test' },
    ]);
    const thread = await queryRows<{ direction: string; subject: string; text: string; unread_count: number; campaign_id: string }>(t.deps.db, sql`
      SELECT cm.direction, cm.subject, cm.text, c.unread_count, c.campaign_id FROM conversations c JOIN conversation_messages cm ON cm.conversation_id = c.id
      WHERE c.workspace_id = ${s.workspaceId} ORDER BY cm.occurred_at`);
    expect(thread.map((m) => [m.direction, m.subject])).toEqual([['out', 'Idea for you, Tom'], ['in', 'Re: Idea for you, Tom']]);
    expect(thread[1]!.text).toContain('call me Tuesday');
    expect(thread[0]!.unread_count).toBe(1);
    expect(thread[0]!.campaign_id).toBe(s.campaignId);
    await channels.closeAll();
  });
});
