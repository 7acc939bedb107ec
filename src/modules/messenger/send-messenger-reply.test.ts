import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { TestClient } from '../../../test/helpers/client.js';
import { engineName } from '../../../test/helpers/db.js';
import { connectPages, messengerEnv, postWebhook } from '../../../test/helpers/messenger.js';
import { fakeMid, startFakeFacebook, type FakeFacebook, type FacebookFailure } from '../../../test/fakes/facebook.js';
import { AppError } from '../../lib/problems.js';
import { processPendingWebhookEvents } from './process-webhook-events.js';
import { retryMessengerReply, sendMessengerReply } from './send-messenger-reply.js';

const HOUR = 3600_000;
let t: TestApp;
let fb: FakeFacebook;
let client: TestClient;
let workspaceId: string;
let page: { id: string; pageId: string };

const q = async <T = Record<string, any>>(text: string, params: unknown[] = []) => (await t.deps.database.sql.query<T>(text, params)).rows;
const sendCalls = () => fb.requestsTo('/me/messages', 'POST').length;
let seq = 0;

/** A person who last wrote to the page `ago` ms ago, and their conversation (through the real webhook). */
async function conversationWith(ago: number) {
  const at = Date.now() - ago;
  const person = fb.addPerson({ pageId: page.pageId, at });
  const mid = fakeMid(`reply-${++seq}`);
  const res = await postWebhook(t.app, fb, fb.webhookPayload([{ pageId: page.pageId, events: [{ sender: { id: person.psid }, recipient: { id: page.pageId }, timestamp: at, message: { mid, text: 'Hello?' } }] }]));
  expect(res.statusCode).toBe(200);
  await processPendingWebhookEvents(t.deps);
  const [row] = await q<{ conversation_id: string }>('SELECT conversation_id FROM conversation_messages WHERE external_id = $1', [mid]);
  return { person, conversationId: row!.conversation_id };
}
const stored = async (id: string) => (await q('SELECT * FROM conversation_messages WHERE id = $1', [id]))[0]!;
const reply = (conversationId: string, opts: { typedByHuman?: boolean; text?: string } = {}) =>
  sendMessengerReply(t.deps, { workspaceId, conversationId, text: opts.text ?? 'Thanks for writing!', typedByHuman: opts.typedByHuman ?? true });

beforeAll(async () => {
  fb = await startFakeFacebook();
  // No background worker: each test processes the webhook itself, so what it asserts is settled.
  t = await createTestApp({ env: messengerEnv(fb) });
  client = new TestClient(t.app);
  workspaceId = (await client.signup()).workspace.id;
  await connectPages(client);
  page = (await client.get('/api/v1/pages')).body.items.find((p: { name: string }) => p.name === 'Acme Bikes');
});
afterAll(async () => {
  await t?.close();
  await fb?.close();
});

describe(`Messenger replies: the 24-hour window and HUMAN_AGENT (${engineName})`, () => {
  it('inside 24 hours: RESPONSE, stored as sent with the mid, conversation updated', async () => {
    const { person, conversationId } = await conversationWith(23 * HOUR);
    const res = await reply(conversationId, { typedByHuman: false, text: 'Yes, in stock.' });
    expect(res).toMatchObject({ status: 'sent', messagingType: 'RESPONSE', tag: null });
    const call = fb.requestsTo('/me/messages', 'POST').at(-1)!;
    expect(call.json).toEqual({ recipient: { id: person.psid }, messaging_type: 'RESPONSE', message: { text: 'Yes, in stock.' } });
    const row = await stored(res.messageId);
    expect(row).toMatchObject({ direction: 'out', status: 'sent', external_id: res.status === 'sent' ? res.mid : 'x', text: 'Yes, in stock.', error: null });
    expect((await q('SELECT last_preview FROM conversations WHERE id = $1', [conversationId]))[0]!.last_preview).toBe('Yes, in stock.');
  });

  it('between 24 hours and 7 days, a reply a person typed goes with the HUMAN_AGENT tag', async () => {
    const { person, conversationId } = await conversationWith(3 * 24 * HOUR);
    const res = await reply(conversationId, { typedByHuman: true });
    expect(res).toMatchObject({ status: 'sent', messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    expect(fb.requestsTo('/me/messages', 'POST').at(-1)!.json).toEqual({ recipient: { id: person.psid }, messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT', message: { text: 'Thanks for writing!' } });
    expect((await stored(res.messageId)).tag).toBe('HUMAN_AGENT');
  });

  it('between 24 hours and 7 days, an automated reply is blocked before any API call', async () => {
    const { conversationId } = await conversationWith(25 * HOUR);
    const calls = sendCalls();
    const res = await reply(conversationId, { typedByHuman: false });
    expect(res).toMatchObject({ status: 'blocked', reason: expect.stringMatching(/^outside Messenger's 24-hour window; .*typed by a person/) });
    expect(sendCalls()).toBe(calls);
    expect(await stored(res.messageId)).toMatchObject({ status: 'blocked', error: res.status === 'blocked' ? res.reason : 'x', text: 'Thanks for writing!' });
  });

  it('after 7 days nothing may go, not even a typed reply, and Facebook is never called', async () => {
    const { conversationId } = await conversationWith(8 * 24 * HOUR);
    const calls = sendCalls();
    const res = await reply(conversationId, { typedByHuman: true });
    expect(res).toMatchObject({ status: 'blocked', reason: expect.stringContaining('8 days ago') });
    expect(sendCalls()).toBe(calls);
  });

  it('an empty or over-long text is a validation error naming the field; another workspace\'s conversation is not found', async () => {
    const { conversationId } = await conversationWith(HOUR);
    await expect(reply(conversationId, { text: '   ' })).rejects.toMatchObject({ status: 422, errors: [{ field: 'text', message: 'is required' }] });
    await expect(reply(conversationId, { text: 'x'.repeat(2001) })).rejects.toBeInstanceOf(AppError);
    const other = new TestClient(t.app);
    const otherWs = (await other.signup()).workspace.id;
    await expect(sendMessengerReply(t.deps, { workspaceId: otherWs, conversationId, text: 'hi', typedByHuman: true })).rejects.toMatchObject({ status: 404 });
  });
});

describe(`Messenger replies: Send API errors (${engineName})`, () => {
  it('190: the page becomes "reconnect needed" and later sends are blocked until it is reconnected', async () => {
    const { conversationId } = await conversationWith(HOUR);
    fb.failNext(1, 'invalidToken190');
    const res = await reply(conversationId);
    expect(res).toMatchObject({ status: 'failed', kind: 'auth', code: 190 });
    const [row] = await q('SELECT status, status_reason FROM facebook_pages WHERE id = $1', [page.id]);
    expect(row).toMatchObject({ status: 'reconnect_needed', status_reason: expect.stringContaining('reconnect the page') });
    const listed = (await client.get('/api/v1/pages')).body.items.find((p: { id: string }) => p.id === page.id);
    expect(listed.status).toBe('reconnect_needed');

    const calls = sendCalls();
    const again = await reply(conversationId);
    expect(again).toMatchObject({ status: 'blocked', reason: expect.stringContaining('needs reconnecting') });
    expect(sendCalls()).toBe(calls);

    await connectPages(client);
    expect(await reply(conversationId)).toMatchObject({ status: 'sent' });
  });

  it('10/2018278 from Facebook: failed and not retried', async () => {
    const { conversationId } = await conversationWith(HOUR);
    fb.failNext(1, 'outsideWindow');
    const calls = sendCalls();
    const res = await reply(conversationId);
    expect(res).toMatchObject({ status: 'failed', kind: 'outside_window', code: 10, subcode: 2018278, reason: expect.stringContaining('not retried') });
    expect(sendCalls()).toBe(calls + 1);
    expect((await stored(res.messageId)).status).toBe('failed');
    await expect(retryMessengerReply(t.deps, { workspaceId, messageId: res.messageId })).rejects.toMatchObject({ status: 404 });
  });

  it('551: failed as contact unavailable', async () => {
    const { conversationId } = await conversationWith(HOUR);
    fb.failNext(1, 'unavailable551');
    const res = await reply(conversationId);
    expect(res).toMatchObject({ status: 'failed', kind: 'unavailable', code: 551, reason: expect.stringMatching(/^contact unavailable: /) });
    expect((await stored(res.messageId)).error).toMatch(/^contact unavailable/);
  });

  const retryable: [FacebookFailure, string, number | null][] = [['rateLimit613', 'rate_limited', 300], ['appLimit4', 'rate_limited', 60], ['transient2', 'transient', null]];
  it.each(retryable)('%s: left queued with the backoff for the caller; a retry sends the same message', async (failure, kind, retryAfter) => {
    const { conversationId } = await conversationWith(HOUR);
    fb.failNext(1, failure, { estimatedMinutes: 5 });
    const res = await reply(conversationId);
    expect(res).toMatchObject({ status: 'queued', kind, retryAfterSeconds: retryAfter });
    expect((await stored(res.messageId)).status).toBe('queued');
    const retried = await retryMessengerReply(t.deps, { workspaceId, messageId: res.messageId });
    expect(retried).toMatchObject({ status: 'sent', messageId: res.messageId });
    expect((await q('SELECT count(*)::int AS n FROM conversation_messages WHERE conversation_id = $1 AND direction = $2', [conversationId, 'out']))[0]!.n).toBe(1);
  });

  it('other Graph errors fail permanently with Facebook\'s message', async () => {
    const { conversationId } = await conversationWith(HOUR);
    fb.failNext(1, 'noMatchingUser100');
    const res = await reply(conversationId);
    expect(res).toMatchObject({ status: 'failed', kind: 'permanent', code: 100, reason: expect.stringContaining('No matching user found') });
  });
});
