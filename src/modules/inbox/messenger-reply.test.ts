import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { TestClient } from '../../../test/helpers/client.js';
import { engineName } from '../../../test/helpers/db.js';
import { connectPages, messengerEnv, postWebhook } from '../../../test/helpers/messenger.js';
import { openEventStream, type EventStream } from '../../../test/helpers/sse.js';
import { fakeMid, startFakeFacebook, type FakeFacebook } from '../../../test/fakes/facebook.js';
import { processPendingWebhookEvents } from '../messenger/process-webhook-events.js';

const HOUR = 3600_000;
let t: TestApp;
let fb: FakeFacebook;
let client: TestClient;
let workspaceId: string;
let page: { id: string; pageId: string };
let stream: EventStream;
let seq = 0;

const q = async <T = Record<string, any>>(text: string, params: unknown[] = []) => (await t.deps.database.sql.query<T>(text, params)).rows;
const sendCalls = () => fb.requestsTo('/me/messages', 'POST');

/** Someone writes to the page `ago` ms ago, through the signed webhook, and the events are processed. */
async function personWrites(ago: number, text = 'Is the blue one in stock?') {
  const at = Date.now() - ago;
  const person = fb.addPerson({ pageId: page.pageId, at, firstName: 'Lena', lastName: `Ng${++seq}` });
  const mid = fakeMid(`inbox-${seq}`);
  const res = await postWebhook(t.app, fb, fb.webhookPayload([{ pageId: page.pageId, events: [{ sender: { id: person.psid }, recipient: { id: page.pageId }, timestamp: at, message: { mid, text } }] }]));
  expect(res.statusCode).toBe(200);
  await processPendingWebhookEvents(t.deps);
  const [row] = await q<{ conversation_id: string }>('SELECT conversation_id FROM conversation_messages WHERE external_id = $1', [mid]);
  return { person, conversationId: row!.conversation_id };
}
const reply = (conversationId: string, body: object) => client.post(`/api/v1/conversations/${conversationId}/reply`, body);

beforeAll(async () => {
  fb = await startFakeFacebook();
  t = await createTestApp({ env: messengerEnv(fb) });
  client = new TestClient(t.app);
  workspaceId = (await client.signup({ name: 'Mia Agent' })).workspace.id;
  await connectPages(client);
  page = (await client.get('/api/v1/pages')).body.items.find((p: { name: string }) => p.name === 'Acme Bikes');
}, 120_000);
afterAll(async () => {
  stream?.close();
  await t?.close();
  await fb?.close();
});

describe(`Messenger conversations in the inbox (${engineName})`, () => {
  it('a message arriving through the webhook is pushed to the open inbox and listed with the page', async () => {
    stream = await openEventStream(t.app, client, `/api/v1/inbox/events?workspaceId=${workspaceId}`);
    expect(stream.status).toBe(200);
    await stream.next((e) => e.event === 'ready');
    const { conversationId } = await personWrites(HOUR, 'Hi! Do you rent bikes?');
    const event = await stream.next((e) => e.event === 'conversation.updated');
    expect(JSON.parse(event.data)).toEqual({ conversationId });
    const listed = (await client.get('/api/v1/conversations?channel=messenger')).body.items[0];
    expect(listed).toMatchObject({ id: conversationId, unreadCount: 1, lastPreview: 'Hi! Do you rent bikes?', account: { kind: 'page', label: 'Acme Bikes' }, contact: { name: `Lena Ng${seq}` } });
    expect((await client.get('/api/v1/conversations/counts')).body.channels.messenger).toBe(1);
  });

  it('inside 24 hours the reply goes as RESPONSE and the Send API gets exactly that body', async () => {
    const { person, conversationId } = await personWrites(2 * HOUR);
    const thread = await client.get(`/api/v1/conversations/${conversationId}`);
    expect(thread.body.reply).toMatchObject({ channel: 'messenger', allowed: true, messagingType: 'RESPONSE', tag: null });
    expect(Date.parse(thread.body.reply.windowClosesAt) - Date.now()).toBeGreaterThan(21 * HOUR);
    const res = await reply(conversationId, { text: 'Yes, €25 a day.' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.message).toMatchObject({ direction: 'out', status: 'sent', text: 'Yes, €25 a day.', sentBy: { name: 'Mia Agent' } });
    expect(sendCalls().at(-1)!.json).toEqual({ recipient: { id: person.psid }, messaging_type: 'RESPONSE', message: { text: 'Yes, €25 a day.' } });
    const after = await client.get(`/api/v1/conversations/${conversationId}`);
    expect(after.body.messages.map((m: any) => [m.direction, m.text])).toEqual([['in', 'Is the blue one in stock?'], ['out', 'Yes, €25 a day.']]);
  });

  it('between 24 hours and 7 days a typed reply goes with the HUMAN_AGENT tag', async () => {
    const { person, conversationId } = await personWrites(3 * 24 * HOUR);
    expect((await client.get(`/api/v1/conversations/${conversationId}`)).body.reply).toMatchObject({ allowed: true, messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    const res = await reply(conversationId, { text: 'Sorry for the wait!', tag: 'HUMAN_AGENT' });
    expect(res.status).toBe(201);
    expect(sendCalls().at(-1)!.json).toEqual({ recipient: { id: person.psid }, messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT', message: { text: 'Sorry for the wait!' } });
  });

  it('outside the window the reply is blocked before any API call: 422 with the reason, kept as blocked', async () => {
    const { conversationId } = await personWrites(8 * 24 * HOUR);
    const thread = await client.get(`/api/v1/conversations/${conversationId}`);
    expect(thread.body.reply).toMatchObject({ allowed: false, reason: expect.stringContaining("outside Messenger's 24-hour window") });
    const calls = sendCalls().length;
    const res = await reply(conversationId, { text: 'Still interested?' });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ type: expect.stringContaining('outside-messaging-window'), detail: expect.stringContaining('8 days ago'), message: { status: 'blocked', text: 'Still interested?' } });
    expect(sendCalls().length).toBe(calls);
    const [row] = await q('SELECT status, error FROM conversation_messages WHERE id = $1', [res.body.message.id]);
    expect(row).toEqual({ status: 'blocked', error: res.body.detail });
  });

  it('Facebook throttling keeps the reply queued (503 with Retry-After); retrying sends that same message', async () => {
    const { conversationId } = await personWrites(HOUR);
    fb.failNext(1, 'rateLimit613', { estimatedMinutes: 2 });
    const res = await reply(conversationId, { text: 'One moment please' });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('120');
    expect(res.body.message).toMatchObject({ status: 'queued' });
    const retried = await client.post(`/api/v1/conversations/${conversationId}/messages/${res.body.message.id}/retry`);
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    expect(retried.body.message).toMatchObject({ id: res.body.message.id, status: 'sent' });
    expect((await client.post(`/api/v1/conversations/${conversationId}/messages/${res.body.message.id}/retry`)).status).toBe(404);
  });

  it('a page that needs reconnecting answers 409; HTML and other tags are refused naming the field', async () => {
    const { conversationId } = await personWrites(HOUR);
    const html = await reply(conversationId, { text: 'hi', html: '<b>hi</b>' });
    expect(html.status).toBe(422);
    expect(html.body.errors[0].field).toBe('html');
    await q(`UPDATE facebook_pages SET status = 'reconnect_needed', status_reason = 'token expired' WHERE id = $1`, [page.id]);
    const calls = sendCalls().length;
    const res = await reply(conversationId, { text: 'hello' });
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain('needs reconnecting');
    expect(sendCalls().length).toBe(calls);
    await q(`UPDATE facebook_pages SET status = 'active', status_reason = NULL WHERE id = $1`, [page.id]);
  });

  it('every reply was pushed to the open inbox too', () => {
    const updates = stream.events.filter((e) => e.event === 'conversation.updated').map((e) => JSON.parse(e.data).conversationId);
    expect(new Set(updates).size).toBeGreaterThanOrEqual(6);
  });
});
