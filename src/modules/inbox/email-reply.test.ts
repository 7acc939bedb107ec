import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { seedCampaign, type SeededCampaign } from '../../../test/helpers/campaign-fixture.js';
import { TestClient } from '../../../test/helpers/client.js';
import { engineName } from '../../../test/helpers/db.js';
import { appendMessage, createMailbox, ensureDovecot, type TestMailbox } from '../../../test/helpers/dovecot.js';
import { startSmtpPeer, type SmtpPeer } from '../../../test/helpers/smtp-peer.js';
import { openEventStream, type EventStream } from '../../../test/helpers/sse.js';
import { memberships } from '../../db/schema/index.js';
import { createChannelCache } from '../../engine/channel-cache.js';
import { dispatchOnce } from '../../engine/dispatcher.js';
import { enrollAudience } from '../../engine/enroll.js';
import { pollSenderInbound } from '../senders/poll-inbound.js';
import { updateSender } from '../senders/senders.js';
import { buildReferences, replySubject } from './send-email-reply.js';

const dovecot = ensureDovecot();

describe('reply subject and references', () => {
  it('adds "Re:" once', () => {
    expect(replySubject('Idea for you')).toBe('Re: Idea for you');
    expect(replySubject('Re: Idea for you')).toBe('Re: Idea for you');
    expect(replySubject('RE:Idea')).toBe('RE:Idea');
    expect(replySubject('Aw: Idee')).toBe('Aw: Idee');
    expect(replySubject('Regarding: Q4')).toBe('Re: Regarding: Q4');
    expect(replySubject('  ')).toBe('Re:');
    expect(replySubject('Line\r\nbreak')).toBe('Re: Line break');
  });

  it('lists the thread oldest first with the answered message last, each once, and trims long chains', () => {
    expect(buildReferences(['<a@x>', '<b@x>'], ['<a@x>', 'provider:77', '<b@x>', '<c@x>', '<me@y>'], '<c@x>')).toEqual(['<a@x>', '<b@x>', '<me@y>', '<c@x>']);
    expect(buildReferences([], [], null)).toEqual([]);
    const long = Array.from({ length: 30 }, (_, i) => `<m${i}@x>`);
    const refs = buildReferences(long, [], '<last@x>');
    expect(refs).toHaveLength(20);
    expect(refs[0]).toBe('<m0@x>');
    expect(refs.at(-1)).toBe('<last@x>');
  });
});

describe.skipIf(!dovecot.ok)(`replying to an email conversation from the inbox (${engineName})`, () => {
  let t: TestApp;
  let peer: SmtpPeer;
  let mailbox: TestMailbox;
  let s: SeededCampaign;
  let client: TestClient;
  let stream: EventStream;
  let conversationId: string;
  let campaignMessageId: string;
  const tomMessageId = '<tom-reply-1@bigco.test>';

  const q = async <T = Record<string, any>>(text: string, params: unknown[] = []) => (await t.deps.database.sql.query<T>(text, params)).rows;

  beforeAll(async () => {
    t = await createTestApp();
    peer = await startSmtpPeer({ user: 'sender', password: 'sender-password' });
    mailbox = await createMailbox((dovecot as { server: Parameters<typeof createMailbox>[0] }).server);
    s = await seedCampaign(t.deps, {
      smtpPort: peer.port,
      contacts: [{ email: 'tom@bigco.test', firstName: 'Tom', lastName: 'Berg' }],
      steps: [{ variants: [{ subject: 'Idea for you, {{ first_name }}', bodyText: 'Hi {{ first_name }}, worth a chat?' }] }],
    });
    await updateSender(t.deps.db, t.deps.config.secrets, s.workspaceId, s.senderIds[0]!, { imap: { host: mailbox.host, port: mailbox.port, secure: false, user: mailbox.user, password: mailbox.password } });
    client = new TestClient(t.app);
    const { user } = await client.signup({ name: 'Rita Rep' });
    await t.deps.db.insert(memberships).values({ workspaceId: s.workspaceId, userId: user.id, role: 'member' });
    client.workspaceId = s.workspaceId;

    const now = new Date();
    await enrollAudience(t.deps, s.campaignId, now);
    const channels = createChannelCache(t.deps);
    expect((await dispatchOnce(t.deps, channels, { now, workerId: 'w', batchSize: 10, concurrency: 1, leaseMs: 60_000 })).sent).toBe(1);
    await channels.closeAll();
    campaignMessageId = (await q<{ message_id_header: string }>('SELECT message_id_header FROM messages WHERE campaign_id = $1', [s.campaignId]))[0]!.message_id_header;
    // The first poll of a mailbox starts from now (no history import).
    expect(await pollSenderInbound(t.deps, s.senderIds[0]!)).toMatchObject({ fetched: 0 });
  }, 120_000);

  afterAll(async () => {
    stream?.close();
    await peer?.close();
    await t?.close();
  });

  it('an open inbox hears about the reply the moment the poll stores it', async () => {
    stream = await openEventStream(t.app, client, `/api/v1/inbox/events?workspaceId=${s.workspaceId}`);
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(stream.headers['cache-control']).toContain('no-cache');
    await stream.next((e) => e.event === 'ready');

    await appendMessage(mailbox, 'INBOX', [
      'From: Tom Berg <tom@bigco.test>', 'To: sender1@acme.test', 'Subject: Re: Idea for you, Tom', `Date: ${new Date(Date.now() + 1000).toUTCString()}`,
      `Message-ID: ${tomMessageId}`, `In-Reply-To: ${campaignMessageId}`, `References: ${campaignMessageId}`,
      'Content-Type: text/plain; charset=utf-8', '', 'Sounds good. Call me Tuesday?', '',
    ].join('\r\n'));
    expect(await pollSenderInbound(t.deps, s.senderIds[0]!)).toMatchObject({ replies: 1 });

    const [row] = await q<{ id: string }>('SELECT id FROM conversations WHERE workspace_id = $1', [s.workspaceId]);
    conversationId = row!.id;
    const event = await stream.next((e) => e.event === 'conversation.updated');
    expect(JSON.parse(event.data)).toEqual({ conversationId });
  });

  it('the reply goes out from the inbox threaded on the person\'s message, as a plain personal email', async () => {
    const thread = await client.get(`/api/v1/conversations/${conversationId}`);
    expect(thread.body.reply).toMatchObject({ channel: 'email', allowed: true, to: 'tom@bigco.test' });
    const before = peer.received.length;
    const res = await client.post(`/api/v1/conversations/${conversationId}/reply`, { text: 'Tuesday 10:00 works. Talk then!' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.message).toMatchObject({ direction: 'out', status: 'sent', subject: 'Re: Idea for you, Tom', sentBy: { name: 'Rita Rep' }, error: null });

    expect(peer.received).toHaveLength(before + 1);
    const mail = peer.received.at(-1)!;
    expect(mail.to).toEqual(['tom@bigco.test']);
    const parsed = await simpleParser(mail.raw);
    expect(parsed.subject).toBe('Re: Idea for you, Tom');
    expect(parsed.inReplyTo).toBe(tomMessageId);
    expect(parsed.references).toEqual([campaignMessageId, tomMessageId]);
    expect(parsed.messageId).toMatch(/^<[0-9a-f-]{36}@acme\.test>$/);
    expect(parsed.from?.value[0]).toMatchObject({ address: 'sender1@acme.test', name: 'Sam 1' });
    // A person's message: no unsubscribe headers, no footer, no tracking pixel or rewritten links.
    expect(parsed.headers.has('list-unsubscribe')).toBe(false);
    expect(parsed.html).toBe(false);
    expect(parsed.text).toMatch(/^Tuesday 10:00 works\. Talk then!\n\nOn .+, Tom Berg <tom@bigco\.test> wrote:\n> Sounds good\. Call me Tuesday\?/);
    expect(parsed.text).not.toMatch(/unsubscribe|Springfield/i);

    const [stored] = await q('SELECT external_id, status, sent_by_user_id IS NOT NULL AS by_user FROM conversation_messages WHERE id = $1', [res.body.message.id]);
    expect(stored).toEqual({ external_id: parsed.messageId, status: 'sent', by_user: true });
    const [conversation] = await q('SELECT last_preview, unread_count FROM conversations WHERE id = $1', [conversationId]);
    expect(conversation).toEqual({ last_preview: 'Tuesday 10:00 works. Talk then!', unread_count: 0 });
    await stream.next((e) => e.event === 'conversation.updated' && stream.events.filter((x) => x.event === 'conversation.updated').length >= 2);
  });

  it("a refused reply is kept as failed with the server's answer, and the API says so", async () => {
    peer.rcptReplies.set('tom@bigco.test', { code: 550, text: '5.1.1 <tom@bigco.test>: Recipient address rejected: User unknown' });
    try {
      const res = await client.post(`/api/v1/conversations/${conversationId}/reply`, { text: 'Did you get this?' });
      expect(res.status).toBe(502);
      expect(res.body).toMatchObject({ type: expect.stringContaining('reply-failed'), detail: expect.stringContaining('User unknown'), message: { status: 'failed' } });
      const [row] = await q('SELECT status, error FROM conversation_messages WHERE id = $1', [res.body.message.id]);
      expect(row).toEqual({ status: 'failed', error: expect.stringContaining('550') });
      expect(row!.error).toContain('Recipient address rejected: User unknown');
    } finally {
      peer.rcptReplies.delete('tom@bigco.test');
    }
  });

  it('an HTML reply carries the inbox signature and the quoted message too, escaped, in both parts', async () => {
    await q('UPDATE sender_accounts SET signature = $2 WHERE id = $1', [s.senderIds[0], 'Sam\nAcme <Sales> & more']);
    try {
      const res = await client.post(`/api/v1/conversations/${conversationId}/reply`, { text: 'Tuesday 10:00 works.', html: '<p>Tuesday <b>10:00</b> works.</p>' });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const parsed = await simpleParser(peer.received.at(-1)!.raw);
      const html = parsed.html as string;
      expect(html.startsWith('<p>Tuesday <b>10:00</b> works.</p><br><br><div>Sam<br>\nAcme &lt;Sales&gt; &amp; more</div>')).toBe(true);
      expect(html).toMatch(/<div>On .+, Tom Berg &lt;tom@bigco\.test&gt; wrote:<\/div><blockquote [^>]+><div>Sounds good\. Call me Tuesday\?<\/div><\/blockquote>$/);
      expect(parsed.text).toMatch(/^Tuesday 10:00 works\.\n\nSam\nAcme <Sales> & more\n\nOn .+, Tom Berg <tom@bigco\.test> wrote:\n> Sounds good\. Call me Tuesday\?/);
      const [stored] = await q('SELECT html FROM conversation_messages WHERE id = $1', [res.body.message.id]);
      expect(stored!.html).toBe(html);
    } finally {
      await q('UPDATE sender_accounts SET signature = NULL WHERE id = $1', [s.senderIds[0]]);
    }
  });

  it('validates the body, naming the field', async () => {
    const empty = await client.post(`/api/v1/conversations/${conversationId}/reply`, { text: '   ' });
    expect(empty.status).toBe(422);
    expect(empty.body.errors).toEqual([{ field: 'text', message: 'is required' }]);
    const tag = await client.post(`/api/v1/conversations/${conversationId}/reply`, { text: 'hi', tag: 'HUMAN_AGENT' });
    expect(tag.status).toBe(422);
    expect(tag.body.errors[0].field).toBe('tag');
    const otherTag = await client.post(`/api/v1/conversations/${conversationId}/reply`, { text: 'hi', tag: 'CONFIRMED_EVENT_UPDATE' });
    expect(otherTag.status).toBe(422);
    expect(otherTag.body.errors[0].field).toBe('tag');
  });

  it('an inbox that needs reconnecting cannot send: 409 with the reason, nothing leaves', async () => {
    await q(`UPDATE sender_accounts SET status = 'reconnect_needed', status_reason = 'password changed' WHERE id = $1`, [s.senderIds[0]]);
    const before = peer.received.length;
    const res = await client.post(`/api/v1/conversations/${conversationId}/reply`, { text: 'hello?' });
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain('password changed');
    expect(peer.received.length).toBe(before);
    const thread = await client.get(`/api/v1/conversations/${conversationId}`);
    expect(thread.body.reply).toMatchObject({ allowed: false, reason: expect.stringContaining('reconnected') });
    await q(`UPDATE sender_accounts SET status = 'active', status_reason = NULL WHERE id = $1`, [s.senderIds[0]]);
  });
});
