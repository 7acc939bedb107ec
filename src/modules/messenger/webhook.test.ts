import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { TestClient } from '../../../test/helpers/client.js';
import { engineName } from '../../../test/helpers/db.js';
import { connectPages, messengerEnv, postWebhook, VERIFY_TOKEN } from '../../../test/helpers/messenger.js';
import { waitFor } from '../../../test/helpers/wait.js';
import { fakeMid, startFakeFacebook, type FakeFacebook, type Person } from '../../../test/fakes/facebook.js';
import { pruneProcessedEvents } from './process-webhook-events.js';
import { sendMessengerReply } from './send-messenger-reply.js';

let t: TestApp;
let fb: FakeFacebook;
let workspaceId: string;
let pageA: { id: string; pageId: string };
let pageB: { id: string; pageId: string };

const q = async <T = Record<string, any>>(text: string, params: unknown[] = []) => (await t.deps.database.sql.query<T>(text, params)).rows;
const countEvents = async () => (await q<{ n: number }>('SELECT count(*)::int AS n FROM webhook_events'))[0]!.n;
/** The worker picks deliveries up in the background; wait until nothing is pending. */
const settled = () => waitFor(async () => (await q<{ n: number }>('SELECT count(*)::int AS n FROM webhook_events WHERE processed_at IS NULL'))[0]!.n === 0, 'webhook events processed');

const message = (p: Person, mid: string, text: string, extra: Record<string, unknown> = {}) =>
  ({ sender: { id: p.psid }, recipient: { id: p.pageId }, timestamp: Date.now(), message: { mid, text, ...extra } });

async function contactOf(p: Person) {
  const [row] = await q('SELECT * FROM contacts WHERE workspace_id = $1 AND messenger_psid = $2', [workspaceId, p.psid]);
  return row;
}
async function conversationOf(p: Person, pageRowId: string) {
  const contact = await contactOf(p);
  const [row] = await q('SELECT * FROM conversations WHERE workspace_id = $1 AND thread_key = $2', [workspaceId, `messenger:${pageRowId}:${contact!.id}`]);
  return row;
}
const messagesIn = (conversationId: string) => q('SELECT * FROM conversation_messages WHERE conversation_id = $1 ORDER BY occurred_at, created_at', [conversationId]);

beforeAll(async () => {
  fb = await startFakeFacebook();
  t = await createTestApp({ worker: true, env: messengerEnv(fb) });
  const c = new TestClient(t.app);
  workspaceId = (await c.signup()).workspace.id;
  const { result } = await connectPages(c);
  expect(result.searchParams.get('connected')).toBe('2');
  const pages = (await c.get('/api/v1/pages')).body.items as { id: string; pageId: string; name: string }[];
  pageA = pages.find((p) => p.name === 'Acme Bikes')!;
  pageB = pages.find((p) => p.name === 'Acme Outlet')!;
});
afterAll(async () => {
  await t?.close();
  await fb?.close();
});

describe(`Facebook webhook verification (${engineName})`, () => {
  it('echoes hub.challenge as plain text when the verify token matches', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/webhooks/facebook?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toBe('1158201444');
  });

  it('refuses a wrong token or another mode with 403', async () => {
    const wrong = await t.app.inject({ method: 'GET', url: '/api/v1/webhooks/facebook?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1' });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json()).toMatchObject({ type: expect.stringContaining('webhook-verification-failed'), status: 403 });
    const mode = await t.app.inject({ method: 'GET', url: `/api/v1/webhooks/facebook?hub.mode=unsubscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1` });
    expect(mode.statusCode).toBe(403);
    expect(mode.body).not.toContain('"1"');
  });
});

describe(`Facebook webhook signature (${engineName})`, () => {
  const person = () => fb.addPerson({ pageId: pageA.pageId });
  const payloadFor = (p: Person) => fb.webhookPayload([{ pageId: pageA.pageId, events: [message(p, fakeMid(`sig-${p.psid}`), 'hello')] }]);

  it('a correctly signed delivery is stored before the 200 EVENT_RECEIVED', async () => {
    const before = await countEvents();
    const res = await postWebhook(t.app, fb, payloadFor(person()));
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('EVENT_RECEIVED');
    expect(await countEvents()).toBe(before + 1);
  });

  const refused: [string, (raw: string, p: Person) => Record<string, string>][] = [
    ['signed with another secret', (raw) => ({ 'x-hub-signature-256': `sha256=${hmacHex('not-the-app-secret', raw)}` })],
    ['missing', () => ({})],
    ['sha1 only (X-Hub-Signature)', (raw) => ({ 'x-hub-signature': fb.sign(raw)['x-hub-signature'] })],
    ['malformed', () => ({ 'x-hub-signature-256': 'sha256=not-hex' })],
    ['a bare hex digest without "sha256="', (raw) => ({ 'x-hub-signature-256': fb.sign(raw)['x-hub-signature-256'].slice(7) })],
  ];
  it.each(refused)('a signature that is %s gets 403 and nothing is stored', async (_name, headersFor) => {
    const p = person();
    const raw = JSON.stringify(payloadFor(p));
    const before = await countEvents();
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/webhooks/facebook', headers: { 'content-type': 'application/json', ...headersFor(raw, p) }, payload: raw });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ type: expect.stringContaining('invalid-signature'), status: 403 });
    expect(await countEvents()).toBe(before);
  });

  it('a re-serialised (pretty-printed) body carrying the original body\'s signature gets 403', async () => {
    const payload = payloadFor(person());
    const before = await countEvents();
    const res = await postWebhook(t.app, fb, payload, { raw: JSON.stringify(payload, null, 2), signWith: JSON.stringify(payload) });
    expect(res.statusCode).toBe(403);
    expect(await countEvents()).toBe(before);
  });

  it('the raw-body parser is scoped to the webhook: other routes still parse JSON', async () => {
    const c = new TestClient(t.app);
    await c.signup();
    expect((await c.post('/api/v1/contacts', { email: 'raw-check@example.com' })).status).toBe(201);
  });
});

describe(`Messenger events (${engineName})`, () => {
  it('a batched delivery (2 pages, several events) creates the right contacts, conversations and messages', async () => {
    const ana = fb.addPerson({ pageId: pageA.pageId, firstName: 'Ana', lastName: 'Lopez' });
    const ben = fb.addPerson({ pageId: pageA.pageId, firstName: 'Ben', lastName: 'Okafor' });
    const cai = fb.addPerson({ pageId: pageB.pageId, firstName: 'Cai', lastName: 'Wen' });
    const payload = fb.webhookPayload([
      { pageId: pageA.pageId, events: [
        message(ana, fakeMid('ana-1'), 'Hi, is the blue bike in stock?'),
        message(ben, fakeMid('ben-1'), 'Opening hours?', { quick_reply: { payload: 'HOURS' } }),
        { sender: { id: ana.psid }, recipient: { id: pageA.pageId }, timestamp: Date.now() + 1, message: { mid: fakeMid('ana-2'), attachments: [{ type: 'image', payload: { url: 'https://scontent.test/bike.jpg' } }] } },
      ] },
      { pageId: pageB.pageId, events: [{ sender: { id: cai.psid }, recipient: { id: pageB.pageId }, timestamp: Date.now(), postback: { title: 'Get started', payload: 'GET_STARTED', mid: fakeMid('cai-pb') } }] },
    ]);
    const res = await postWebhook(t.app, fb, payload);
    expect(res.statusCode).toBe(200);
    await settled();

    for (const [p, first, last] of [[ana, 'Ana', 'Lopez'], [ben, 'Ben', 'Okafor'], [cai, 'Cai', 'Wen']] as const) {
      expect(await contactOf(p)).toMatchObject({ first_name: first, last_name: last, source: 'messenger', email: null, messenger_page_id: p.pageId, status: 'active' });
    }
    const anaConv = (await conversationOf(ana, pageA.id))!;
    expect(anaConv).toMatchObject({ channel: 'messenger', page_id: pageA.id, unread_count: 2, last_preview: '[image]', status: 'open' });
    expect(anaConv.last_inbound_at).not.toBeNull();
    const anaMessages = await messagesIn(anaConv.id);
    expect(anaMessages.map((m) => [m.direction, m.status, m.text, m.external_id])).toEqual([
      ['in', 'received', 'Hi, is the blue bike in stock?', fakeMid('ana-1')],
      ['in', 'received', null, fakeMid('ana-2')],
    ]);
    expect(anaMessages[1]!.metadata.attachments).toEqual([{ type: 'image', url: 'https://scontent.test/bike.jpg' }]);
    expect(anaMessages[0]!.from_name).toBe('Ana Lopez');

    const benMessages = await messagesIn((await conversationOf(ben, pageA.id))!.id);
    expect(benMessages[0]!.metadata.quickReply).toEqual({ payload: 'HOURS' });
    const caiConv = (await conversationOf(cai, pageB.id))!;
    expect(caiConv.page_id).toBe(pageB.id);
    const [pb] = await messagesIn(caiConv.id);
    expect(pb).toMatchObject({ direction: 'in', text: 'Get started', metadata: expect.objectContaining({ postback: { title: 'Get started', payload: 'GET_STARTED' } }) });

    const events = await q('SELECT type, channel FROM contact_events WHERE contact_id = $1 ORDER BY id', [(await contactOf(ana))!.id]);
    expect(events).toEqual([
      { type: 'received', channel: 'messenger' }, { type: 'replied', channel: 'messenger' },
      { type: 'received', channel: 'messenger' }, { type: 'replied', channel: 'messenger' },
    ]);
  });

  it('a redelivered event (same mid), even repeated inside one batch, is stored and counted once', async () => {
    const dee = fb.addPerson({ pageId: pageA.pageId, firstName: 'Dee' });
    const event = message(dee, fakeMid('dee-1'), 'Hello?');
    const payload = fb.webhookPayload([{ pageId: pageA.pageId, events: [event, event] }]);
    expect((await postWebhook(t.app, fb, payload)).statusCode).toBe(200);
    await settled();
    expect((await postWebhook(t.app, fb, payload)).statusCode).toBe(200);
    await settled();
    expect((await q('SELECT count(*)::int AS n FROM webhook_events WHERE dedupe_key = $1', [fakeMid('dee-1')]))[0]!.n).toBe(1);
    const conv = (await conversationOf(dee, pageA.id))!;
    expect(await messagesIn(conv.id)).toHaveLength(1);
    expect(conv.unread_count).toBe(1);
    expect((await q('SELECT count(*)::int AS n FROM contact_events WHERE contact_id = $1', [(await contactOf(dee))!.id]))[0]!.n).toBe(2);
  });

  it('a refused profile does not block the message: the contact is created unnamed', async () => {
    const eve = fb.addPerson({ pageId: pageA.pageId, firstName: 'Eve' });
    fb.failNext(1, 'profileDenied100', { on: 'profile' });
    await postWebhook(t.app, fb, fb.webhookPayload([{ pageId: pageA.pageId, events: [message(eve, fakeMid('eve-1'), 'hey')] }]));
    await settled();
    expect(await contactOf(eve)).toMatchObject({ first_name: null, last_name: null, source: 'messenger' });
    expect(await messagesIn((await conversationOf(eve, pageA.id))!.id)).toHaveLength(1);
  });

  it('echoes, deliveries and reads: our own echo is not duplicated, a Page-inbox reply is added, receipts move statuses forward', async () => {
    const fay = fb.addPerson({ pageId: pageA.pageId, firstName: 'Fay' });
    await postWebhook(t.app, fb, fb.webhookPayload([{ pageId: pageA.pageId, events: [message(fay, fakeMid('fay-1'), 'Do you ship to Lyon?')] }]));
    await settled();
    const conv = (await conversationOf(fay, pageA.id))!;
    const sent = await sendMessengerReply(t.deps, { workspaceId, conversationId: conv.id, text: 'We do, 3 days.', typedByHuman: true });
    expect(sent.status).toBe('sent');
    const mid = sent.status === 'sent' ? sent.mid : '';

    const echo = (m: string, text: string, appId: number | string) => ({ sender: { id: pageA.pageId }, recipient: { id: fay.psid }, timestamp: Date.now(), message: { mid: m, text, is_echo: true, app_id: appId } });
    await postWebhook(t.app, fb, fb.webhookPayload([{ pageId: pageA.pageId, events: [echo(mid, 'We do, 3 days.', Number(fb.appId)), echo(fakeMid('fay-inbox'), 'Sent by Jo from the Page inbox', 263902037430900)] }]));
    await settled();
    let rows = await messagesIn(conv.id);
    expect(rows.map((r) => [r.direction, r.status, r.text])).toEqual([
      ['in', 'received', 'Do you ship to Lyon?'],
      ['out', 'sent', 'We do, 3 days.'],
      ['out', 'sent', 'Sent by Jo from the Page inbox'],
    ]);
    expect(rows[2]!.metadata).toMatchObject({ echo: true, source: 'page_inbox' });
    expect((await q('SELECT unread_count FROM conversations WHERE id = $1', [conv.id]))[0]!.unread_count).toBe(1);

    await postWebhook(t.app, fb, fb.webhookPayload([{ pageId: pageA.pageId, events: [{ sender: { id: fay.psid }, recipient: { id: pageA.pageId }, delivery: { mids: [mid], watermark: Date.now() - 60_000 } }] }]));
    await settled();
    rows = await messagesIn(conv.id);
    expect(rows.find((r) => r.external_id === mid)!.status).toBe('delivered');
    expect(rows.find((r) => r.external_id === fakeMid('fay-inbox'))!.status).toBe('sent');

    await postWebhook(t.app, fb, fb.webhookPayload([{ pageId: pageA.pageId, events: [{ sender: { id: fay.psid }, recipient: { id: pageA.pageId }, timestamp: Date.now(), read: { watermark: Date.now() + 1000 } }] }]));
    await settled();
    rows = await messagesIn(conv.id);
    expect(rows.filter((r) => r.direction === 'out').map((r) => r.status)).toEqual(['read', 'read']);
    // A late delivery receipt never moves a read message back.
    await postWebhook(t.app, fb, fb.webhookPayload([{ pageId: pageA.pageId, events: [{ sender: { id: fay.psid }, recipient: { id: pageA.pageId }, delivery: { mids: [mid], watermark: Date.now() + 2000 } }] }]));
    await settled();
    expect((await messagesIn(conv.id)).find((r) => r.external_id === mid)!.status).toBe('read');
  });

  it('a Messenger reply stops the contact\'s email sequences and records a replied event', async () => {
    const gus = fb.addPerson({ pageId: pageA.pageId, firstName: 'Gus' });
    const [contact] = await q<{ id: string }>(`INSERT INTO contacts (workspace_id, email, first_name, messenger_page_id, messenger_psid) VALUES ($1, 'gus@example.com', 'Gus', $2, $3) RETURNING id`, [workspaceId, pageA.pageId, gus.psid]);
    const [campaign] = await q<{ id: string }>(`INSERT INTO campaigns (workspace_id, name, status) VALUES ($1, 'Spring', 'running') RETURNING id`, [workspaceId]);
    const [enrollment] = await q<{ id: string }>('INSERT INTO enrollments (workspace_id, campaign_id, contact_id) VALUES ($1, $2, $3) RETURNING id', [workspaceId, campaign!.id, contact!.id]);
    await postWebhook(t.app, fb, fb.webhookPayload([{ pageId: pageA.pageId, events: [message(gus, fakeMid('gus-1'), 'Not interested, thanks')] }]));
    await settled();
    expect((await q('SELECT status, stop_reason FROM enrollments WHERE id = $1', [enrollment!.id]))[0]).toEqual({ status: 'stopped', stop_reason: 'replied on Messenger' });
    expect(await q(`SELECT type, channel FROM contact_events WHERE contact_id = $1 AND type = 'replied'`, [contact!.id])).toEqual([{ type: 'replied', channel: 'messenger' }]);
  });

  it('events for a page no workspace connected are acknowledged, kept, and change nothing', async () => {
    const stranger = { psid: '7000000000000001', pageId: '555000000000001' } as Person;
    const res = await postWebhook(t.app, fb, fb.webhookPayload([{ pageId: stranger.pageId, events: [message(stranger, fakeMid('stranger'), 'hi')] }]));
    expect(res.statusCode).toBe(200);
    await settled();
    expect(await q('SELECT id FROM contacts WHERE messenger_psid = $1', [stranger.psid])).toEqual([]);
  });

  it('a non-page payload (e.g. Instagram) is acknowledged and stores nothing', async () => {
    const before = await countEvents();
    const res = await postWebhook(t.app, fb, { object: 'instagram', entry: [{ id: '1', time: 1, messaging: [{ sender: { id: '2' }, message: { mid: 'ig', text: 'x' } }] }] });
    expect(res.statusCode).toBe(200);
    expect(await countEvents()).toBe(before);
  });
});

describe(`webhook_events retention (${engineName})`, () => {
  it('processed events older than 30 days are pruned; recent and pending ones stay', async () => {
    const insert = (key: string, processedDaysAgo: number | null) => q(
      `INSERT INTO webhook_events (source, dedupe_key, payload, processed_at) VALUES ('facebook', $1, '{}', CASE WHEN $2::int IS NULL THEN NULL ELSE now() - make_interval(days => $2::int) END)`, [key, processedDaysAgo]);
    await insert('prune-old', 31);
    await insert('prune-recent', 29);
    await q(`INSERT INTO webhook_events (source, dedupe_key, payload, processed_at) VALUES ('stripe', 'prune-stripe', '{}', now() - interval '90 days')`);
    expect(await pruneProcessedEvents(t.deps.db)).toBeGreaterThanOrEqual(1);
    const left = (await q<{ dedupe_key: string }>(`SELECT dedupe_key FROM webhook_events WHERE dedupe_key LIKE 'prune-%' ORDER BY dedupe_key`)).map((r) => r.dedupe_key);
    expect(left).toEqual(['prune-recent', 'prune-stripe']);
  });
});

function hmacHex(secret: string, raw: string) {
  return createHmac('sha256', secret).update(raw).digest('hex');
}
