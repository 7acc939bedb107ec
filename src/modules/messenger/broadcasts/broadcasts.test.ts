import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { TestClient } from '../../../../test/helpers/client.js';
import { engineName } from '../../../../test/helpers/db.js';
import { connectPages, messengerEnv, postWebhook } from '../../../../test/helpers/messenger.js';
import { fakeMid, startFakeFacebook, type FakeFacebook } from '../../../../test/fakes/facebook.js';
import { processPendingWebhookEvents } from '../process-webhook-events.js';
import { processBroadcast } from './process-broadcast.js';
import { MAX_ATTEMPTS } from './record-send.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
let t: TestApp;
let fb: FakeFacebook;
let client: TestClient;
let page: { id: string; pageId: string; name: string };

const q = async <T = Record<string, any>>(text: string, params: unknown[] = []) => (await t.deps.database.sql.query<T>(text, params)).rows;
let seq = 0;

/** Someone who last wrote to the page `ago` ms ago, through the real webhook: a Messenger subscriber with a conversation. */
async function subscriber(ago: number, name: { firstName?: string; lastName?: string } = {}) {
  const at = Date.now() - ago;
  const person = fb.addPerson({ pageId: page.pageId, at, ...name });
  const mid = fakeMid(`broadcast-${++seq}`);
  const res = await postWebhook(t.app, fb, fb.webhookPayload([{ pageId: page.pageId, events: [{ sender: { id: person.psid }, recipient: { id: page.pageId }, timestamp: at, message: { mid, text: 'Hi!' } }] }]));
  expect(res.statusCode).toBe(200);
  await processPendingWebhookEvents(t.deps);
  const [row] = await q<{ id: string }>('SELECT id FROM contacts WHERE messenger_psid = $1', [person.psid]);
  // The profile the webhook processing fetched names the contact.
  return { psid: person.psid, contactId: row!.id };
}

/** A new list holding these contacts. */
async function listOf(contactIds: string[]) {
  const list = await client.post('/api/v1/lists', { name: `Broadcast list ${++seq}` });
  expect(list.status).toBe(201);
  const added = await client.post('/api/v1/contacts/bulk', { ids: contactIds, action: 'add_to_list', listId: list.body.id });
  expect(added.status).toBe(200);
  return list.body.id as string;
}

const broadcast = (body: Record<string, unknown>) => client.post('/api/v1/broadcasts', { pageId: page.id, ...body });
const detail = async (id: string, query = '') => {
  const res = await client.get(`/api/v1/broadcasts/${id}${query}`);
  expect(res.status).toBe(200);
  return res.body;
};
const sentTo = (psid: string) => fb.state.sent.filter((s) => s.recipientId === psid);
const run = (id: string, intervalMs = 0) => processBroadcast(t.deps, id, { intervalMs });
const countsAddUp = (c: Record<string, number>) => expect(c.sent! + c.skipped! + c.failed! + c.pending! + c.sending!).toBe(c.recipients);

beforeAll(async () => {
  fb = await startFakeFacebook();
  // No background worker: each test runs the broadcast itself, so what it asserts is settled.
  t = await createTestApp({ env: messengerEnv(fb) });
  client = new TestClient(t.app);
  await client.signup();
  await connectPages(client);
  page = (await client.get('/api/v1/pages')).body.items.find((p: { name: string }) => p.name === 'Acme Bikes');
});
afterAll(async () => {
  await t?.close();
  await fb?.close();
});
beforeEach(async () => {
  await q('UPDATE facebook_pages SET next_send_at = NULL');
});

describe(`Messenger broadcasts: who gets it (${engineName})`, () => {
  it('inside the window: UPDATE; outside without a tag: skipped with the reason, before any API call', async () => {
    const inside = await subscriber(2 * HOUR);
    const outside = await subscriber(3 * DAY);
    const justOutside = await subscriber(25 * HOUR);
    // Not recipients at all: an email-only contact and an unsubscribed subscriber.
    const emailOnly = await client.post('/api/v1/contacts', { email: `someone${seq}@example.com` });
    const gone = await subscriber(HOUR);
    await q("UPDATE contacts SET status = 'unsubscribed' WHERE id = $1", [gone.contactId]);
    const listId = await listOf([inside.contactId, outside.contactId, justOutside.contactId, emailOnly.body.id, gone.contactId]);

    const created = await broadcast({ listId, text: 'Our shop opens at 9 tomorrow.' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ status: 'queued', tag: null, list: { id: listId }, counts: { recipients: 3, pending: 1, skipped: 2, sent: 0, failed: 0 } });
    // The skip list is there before anything is sent.
    const skipped = (await detail(created.body.id, '?status=skipped')).recipients.items;
    expect(skipped.map((r: { contactId: string }) => r.contactId).sort()).toEqual([outside.contactId, justOutside.contactId].sort());
    expect(skipped.find((r: { contactId: string }) => r.contactId === outside.contactId).reason).toBe("outside Messenger's 24-hour window and the broadcast has no message tag (their last message was 3 days ago)");
    expect(skipped.find((r: { contactId: string }) => r.contactId === justOutside.contactId).reason).toMatch(/no message tag \(their last message was 1 day ago\)$/);

    const result = await run(created.body.id);
    expect(result).toMatchObject({ sent: 1, state: 'done' });
    expect(sentTo(inside.psid)).toHaveLength(1);
    expect(fb.requestsTo('/me/messages', 'POST').at(-1)!.json).toEqual({ recipient: { id: inside.psid }, messaging_type: 'UPDATE', message: { text: 'Our shop opens at 9 tomorrow.' } });
    for (const p of [outside, justOutside, gone]) expect(sentTo(p.psid)).toHaveLength(0);

    const done = await detail(created.body.id);
    expect(done).toMatchObject({ status: 'finished', finishedAt: expect.any(String), pausedReason: null, counts: { recipients: 3, sent: 1, skipped: 2, failed: 0, pending: 0 } });
    countsAddUp(done.counts);
    const sentRow = done.recipients.items.find((r: { contactId: string }) => r.contactId === inside.contactId);
    expect(sentRow).toMatchObject({ status: 'sent', reason: null, mid: sentTo(inside.psid)[0]!.mid, sentAt: expect.any(String) });
  });

  it('with a permitted tag, people outside the window get MESSAGE_TAG; those inside still get an untagged UPDATE', async () => {
    const inside = await subscriber(HOUR);
    const outside = await subscriber(10 * DAY);
    const listId = await listOf([inside.contactId, outside.contactId]);
    const created = await broadcast({ listId, text: 'Your order has shipped.', tag: 'POST_PURCHASE_UPDATE' });
    expect(created.body.counts).toMatchObject({ recipients: 2, pending: 2, skipped: 0 });
    await run(created.body.id);
    expect(sentTo(outside.psid)).toMatchObject([{ messagingType: 'MESSAGE_TAG', tag: 'POST_PURCHASE_UPDATE' }]);
    expect(sentTo(inside.psid)).toMatchObject([{ messagingType: 'UPDATE', tag: null }]);
    const call = fb.requestsTo('/me/messages', 'POST').find((r) => r.json.recipient.id === outside.psid)!;
    expect(call.json).toEqual({ recipient: { id: outside.psid }, messaging_type: 'MESSAGE_TAG', tag: 'POST_PURCHASE_UPDATE', message: { text: 'Your order has shipped.' } });
    expect((await detail(created.body.id)).counts).toMatchObject({ sent: 2, skipped: 0 });
  });

  it('HUMAN_AGENT and unknown tags are refused, naming the field; so is an empty text or a list without subscribers', async () => {
    const one = await subscriber(HOUR);
    const listId = await listOf([one.contactId]);
    const human = await broadcast({ listId, text: 'hello', tag: 'HUMAN_AGENT' });
    expect(human.status).toBe(422);
    expect(human.body.errors).toEqual([{ field: 'tag', message: expect.stringContaining('only for a reply a person types') }]);
    const unknown = await broadcast({ listId, text: 'hello', tag: 'NON_PROMOTIONAL_SUBSCRIPTION' });
    expect(unknown.body.errors).toEqual([{ field: 'tag', message: 'must be one of ACCOUNT_UPDATE, CONFIRMED_EVENT_UPDATE, POST_PURCHASE_UPDATE' }]);
    expect((await broadcast({ listId, text: '  ' })).body.errors).toEqual([{ field: 'text', message: 'is required' }]);
    expect((await broadcast({ listId, text: 'Hi {{ first_name | nosuchfilter }}' })).body.errors[0]).toMatchObject({ field: 'text' });
    expect((await broadcast({ text: 'hello' })).body.errors[0]).toMatchObject({ field: 'segmentId' });
    const emptyList = await client.post('/api/v1/lists', { name: `Empty ${++seq}` });
    const empty = await broadcast({ listId: emptyList.body.id, text: 'hello' });
    expect(empty.status).toBe(422);
    expect(empty.body.errors).toEqual([{ field: 'listId', message: `has no active Messenger subscribers of the page "${page.name}"` }]);
  });

  it('a segment picks its Messenger subscribers; personalised like email, spintax seeded per contact', async () => {
    const ana = await subscriber(HOUR, { firstName: 'Ana', lastName: 'Lopez' });
    await client.patch(`/api/v1/contacts/${ana.contactId}`, { tags: ['vip'] });
    const bo = await subscriber(HOUR, { firstName: 'Bo', lastName: 'Chen' });
    await client.patch(`/api/v1/contacts/${bo.contactId}`, { tags: ['vip'] });
    const unnamed = await subscriber(HOUR);
    await q('UPDATE contacts SET first_name = NULL, last_name = NULL, tags = $2 WHERE id = $1', [unnamed.contactId, ['vip']]);
    const notVip = await subscriber(HOUR);
    const segment = await client.post('/api/v1/segments', { name: `VIP ${++seq}`, filter: { match: 'all', conditions: [{ type: 'tag', op: 'has', value: 'vip' }] } });
    expect(segment.status).toBe(201);

    const created = await broadcast({ segmentId: segment.body.id, text: 'Hi {{ first_name | default: "there" }}, news from {{ page_name }}!' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ segment: { id: segment.body.id, name: segment.body.name }, counts: { recipients: 3 } });
    await run(created.body.id);
    expect(sentTo(ana.psid)[0]!.text).toBe('Hi Ana, news from Acme Bikes!');
    expect(sentTo(bo.psid)[0]!.text).toBe('Hi Bo, news from Acme Bikes!');
    expect(sentTo(unnamed.psid)[0]!.text).toBe('Hi there, news from Acme Bikes!');
    expect(sentTo(notVip.psid)).toHaveLength(0);

    // The message is in Ana's Messenger conversation, as sent by the page, and on her activity.
    const [msg] = await q(`SELECT m.direction, m.status, m.text, m.external_id, m.metadata, c.last_preview FROM conversation_messages m JOIN conversations c ON c.id = m.conversation_id
      WHERE c.contact_id = $1 AND m.direction = 'out'`, [ana.contactId]);
    expect(msg).toMatchObject({ direction: 'out', status: 'sent', text: 'Hi Ana, news from Acme Bikes!', external_id: sentTo(ana.psid)[0]!.mid, last_preview: 'Hi Ana, news from Acme Bikes!' });
    expect(msg!.metadata).toMatchObject({ source: 'broadcast', broadcastId: created.body.id, messagingType: 'UPDATE' });
    const [event] = await q("SELECT channel FROM contact_events WHERE contact_id = $1 AND type = 'sent'", [ana.contactId]);
    expect(event).toMatchObject({ channel: 'messenger' });
  });
});

describe(`Messenger broadcasts: pacing and exactly once (${engineName})`, () => {
  it('two processors at once send to each recipient exactly once', async () => {
    const people = [];
    for (let i = 0; i < 24; i++) people.push(await subscriber(HOUR));
    const created = await broadcast({ listId: await listOf(people.map((p) => p.contactId)), text: 'Flash sale today.' });
    const before = fb.state.sent.length;
    const [a, b] = await Promise.all([run(created.body.id), run(created.body.id)]);
    expect(a.sent + b.sent).toBe(24);
    const sent = fb.state.sent.slice(before);
    expect(sent).toHaveLength(24);
    expect(new Set(sent.map((s) => s.recipientId))).toEqual(new Set(people.map((p) => p.psid)));
    expect((await detail(created.body.id)).counts).toMatchObject({ recipients: 24, sent: 24, pending: 0, sending: 0 });
    const [stored] = await q<{ n: number }>("SELECT count(*)::int AS n FROM conversation_messages WHERE metadata->>'broadcastId' = $1", [created.body.id]);
    expect(stored!.n).toBe(24);
  });

  it('sends from one page are spaced by its pace, even with two processors', async () => {
    const people = [];
    for (let i = 0; i < 5; i++) people.push(await subscriber(HOUR));
    const created = await broadcast({ listId: await listOf(people.map((p) => p.contactId)), text: 'Paced.' });
    const before = fb.state.sent.length;
    await Promise.all([run(created.body.id, 250), run(created.body.id, 250)]);
    const times = fb.state.sent.slice(before).map((s) => s.at);
    expect(times).toHaveLength(5);
    // Claims are 250 ms apart; what the fake sees also carries each call's own latency.
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(4 * 250 - 100);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(150);
    const [row] = await q<{ next_send_at: Date }>('SELECT next_send_at FROM facebook_pages WHERE id = $1', [page.id]);
    expect(new Date(row!.next_send_at).getTime()).toBeGreaterThan(times.at(-1)! - 50);
  });
});

describe(`Messenger broadcasts: Send API errors (${engineName})`, () => {
  it('190: the page needs reconnecting and the broadcast pauses; after reconnecting it goes on, nobody twice', async () => {
    const people = [await subscriber(HOUR), await subscriber(HOUR), await subscriber(HOUR)];
    const created = await broadcast({ listId: await listOf(people.map((p) => p.contactId)), text: 'Reconnect test.' });
    fb.failNext(1, 'invalidToken190');
    const before = fb.state.sent.length;
    const paused = await run(created.body.id);
    expect(paused).toMatchObject({ state: 'paused', sent: 0, pausedReason: expect.stringContaining('reconnect the page') });
    expect((await q('SELECT status FROM facebook_pages WHERE id = $1', [page.id]))[0]!.status).toBe('reconnect_needed');
    const view = await detail(created.body.id);
    expect(view).toMatchObject({ status: 'sending', pausedReason: expect.stringContaining('needs reconnecting'), counts: { pending: 3, sent: 0, failed: 0 } });
    // While the page needs reconnecting nothing is sent, and no new broadcast may start from it.
    expect(await run(created.body.id)).toMatchObject({ state: 'paused', sent: 0 });
    expect((await broadcast({ listId: created.body.list.id, text: 'again' })).status).toBe(409);

    await connectPages(client);
    expect(await run(created.body.id)).toMatchObject({ state: 'done', sent: 3 });
    expect(fb.state.sent.slice(before).map((s) => s.recipientId).sort()).toEqual(people.map((p) => p.psid).sort());
    expect((await detail(created.body.id)).counts).toMatchObject({ sent: 3, pending: 0, failed: 0 });
  });

  it('outside the window by Facebook (10/2018278): failed and not retried; 551: failed as contact unavailable', async () => {
    const a = await subscriber(HOUR);
    const b = await subscriber(HOUR);
    const c = await subscriber(HOUR);
    const created = await broadcast({ listId: await listOf([a.contactId, b.contactId, c.contactId]), text: 'Errors.' });
    fb.failNext(1, 'outsideWindow');
    fb.failNext(1, 'unavailable551');
    const calls = fb.requestsTo('/me/messages', 'POST').length;
    expect(await run(created.body.id)).toMatchObject({ state: 'done', sent: 1, failed: 2, retried: 0 });
    expect(fb.requestsTo('/me/messages', 'POST').length).toBe(calls + 3);
    const failed = (await detail(created.body.id, '?status=failed')).recipients.items;
    expect(failed.map((r: { reason: string }) => r.reason).sort()).toEqual([
      expect.stringMatching(/^contact unavailable: Facebook error 551/),
      expect.stringMatching(/^outside Messenger's messaging window .*not retried/),
    ]);
    // Running again sends nothing more: failures are final.
    expect(await run(created.body.id)).toMatchObject({ sent: 0, failed: 0 });
    expect(fb.requestsTo('/me/messages', 'POST').length).toBe(calls + 3);
  });

  it('613: the recipient and the whole page wait for what Graph says, then it is sent', async () => {
    const a = await subscriber(HOUR);
    const b = await subscriber(HOUR);
    const created = await broadcast({ listId: await listOf([a.contactId, b.contactId]), text: 'Rate limited.' });
    fb.failNext(1, 'rateLimit613', { estimatedMinutes: 5 });
    const started = Date.now();
    const first = await run(created.body.id);
    // The page may not send for 5 minutes: the other recipient waits too.
    expect(first).toMatchObject({ state: 'later', sent: 0, retried: 1 });
    expect(first.next!.getTime() - started).toBeGreaterThanOrEqual(299_000);
    const [p] = await q<{ next_send_at: Date }>('SELECT next_send_at FROM facebook_pages WHERE id = $1', [page.id]);
    expect(new Date(p!.next_send_at).getTime() - started).toBeGreaterThanOrEqual(299_000);
    const waiting = (await detail(created.body.id)).recipients.items.find((r: { attempts: number }) => r.attempts === 1);
    expect(waiting).toMatchObject({ status: 'pending', reason: expect.stringMatching(/^retrying after 300 s: Facebook error 613/) });
    expect(await run(created.body.id)).toMatchObject({ state: 'later', sent: 0 });

    // Five minutes later.
    await q("UPDATE facebook_pages SET next_send_at = now() - interval '1 second' WHERE id = $1", [page.id]);
    await q("UPDATE broadcast_recipients SET send_at = now() - interval '1 second' WHERE broadcast_id = $1 AND status = 'pending' AND send_at IS NOT NULL", [created.body.id]);
    expect(await run(created.body.id)).toMatchObject({ state: 'done', sent: 2 });
    expect(sentTo(a.psid)).toHaveLength(1);
    expect(sentTo(b.psid)).toHaveLength(1);
  });

  it(`a passing failure (code 2) backs off and retries; after ${MAX_ATTEMPTS} attempts it fails`, async () => {
    const a = await subscriber(HOUR);
    const created = await broadcast({ listId: await listOf([a.contactId]), text: 'Transient.' });
    const due = () => q("UPDATE broadcast_recipients SET send_at = now() - interval '1 second' WHERE broadcast_id = $1 AND status = 'pending'", [created.body.id]);
    fb.failNext(1, 'transient2');
    const first = await run(created.body.id);
    expect(first).toMatchObject({ state: 'later', retried: 1 });
    expect(first.next!.getTime() - Date.now()).toBeGreaterThan(25_000);
    await due();
    expect(await run(created.body.id)).toMatchObject({ sent: 1 });

    const b = await subscriber(HOUR);
    const again = await broadcast({ listId: await listOf([b.contactId]), text: 'Transient forever.' });
    fb.failNext(MAX_ATTEMPTS, 'transient2');
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      await q("UPDATE broadcast_recipients SET send_at = now() - interval '1 second' WHERE broadcast_id = $1 AND status = 'pending'", [again.body.id]);
      await run(again.body.id);
    }
    const [row] = (await detail(again.body.id)).recipients.items;
    expect(row).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS, reason: expect.stringMatching(new RegExp(`^gave up after ${MAX_ATTEMPTS} attempts: `)) });
    expect(sentTo(b.psid)).toHaveLength(0);
    expect((await detail(again.body.id)).status).toBe('finished');
  });

  it('a send interrupted by a dead worker is not sent again', async () => {
    const a = await subscriber(HOUR);
    const created = await broadcast({ listId: await listOf([a.contactId]), text: 'Interrupted.' });
    // What a worker killed mid-call leaves: the row held with a lease that ran out.
    await q("UPDATE broadcast_recipients SET status = 'sending', attempts = 1, send_at = now() - interval '1 second' WHERE broadcast_id = $1", [created.body.id]);
    expect(await run(created.body.id)).toMatchObject({ sent: 0 });
    const view = await detail(created.body.id);
    expect(view.recipients.items[0]).toMatchObject({ status: 'failed', reason: expect.stringContaining('may or may not have been delivered') });
    expect(view.status).toBe('finished');
    expect(sentTo(a.psid)).toHaveLength(0);
  });
});

describe(`Messenger broadcasts: API (${engineName})`, () => {
  it('lists newest first with counts; another workspace sees none of it (404)', async () => {
    const a = await subscriber(HOUR);
    const listId = await listOf([a.contactId]);
    const first = await broadcast({ listId, text: 'First.' });
    const second = await broadcast({ listId, text: 'Second.' });
    const page1 = await client.get('/api/v1/broadcasts?limit=1');
    expect(page1.status).toBe(200);
    expect(page1.body.items.map((b: { id: string }) => b.id)).toEqual([second.body.id]);
    const page2 = await client.get(`/api/v1/broadcasts?limit=1&cursor=${page1.body.nextCursor}`);
    expect(page2.body.items.map((b: { id: string }) => b.id)).toEqual([first.body.id]);
    expect(page2.body.items[0].counts).toMatchObject({ recipients: 1 });

    const other = new TestClient(t.app);
    await other.signup();
    expect((await other.get(`/api/v1/broadcasts/${first.body.id}`)).status).toBe(404);
    expect((await other.get('/api/v1/broadcasts')).body.items).toEqual([]);
    expect((await other.post('/api/v1/broadcasts', { pageId: page.id, listId, text: 'x' })).status).toBe(404);
  });

  it('recipients page by keyset', async () => {
    const people = [await subscriber(HOUR), await subscriber(HOUR), await subscriber(HOUR)];
    const created = await broadcast({ listId: await listOf(people.map((p) => p.contactId)), text: 'Pages.' });
    const seen: string[] = [];
    let cursor = '';
    for (let i = 0; i < 3; i++) {
      const body = await detail(created.body.id, `?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...body.recipients.items.map((r: { contactId: string }) => r.contactId));
      cursor = body.recipients.nextCursor;
    }
    expect(cursor).toBeNull();
    expect(seen).toEqual(people.map((p) => p.contactId).sort());
    expect((await client.get(`/api/v1/broadcasts/${created.body.id}?cursor=nonsense`)).status).toBe(400);
  });
});
