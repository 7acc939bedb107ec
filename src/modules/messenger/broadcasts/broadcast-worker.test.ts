import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { TestClient } from '../../../../test/helpers/client.js';
import { engineName } from '../../../../test/helpers/db.js';
import { connectPages, messengerEnv, postWebhook } from '../../../../test/helpers/messenger.js';
import { waitFor } from '../../../../test/helpers/wait.js';
import { fakeMid, startFakeFacebook, type FakeFacebook } from '../../../../test/fakes/facebook.js';
import { messagesThisMonth } from '../../billing/quota.js';

/**
 * Broadcasts through the real background worker (the messenger-broadcast queue), on an instance
 * with billing on: a free plan of 4 messages a month, so the quota shows.
 */
const MONTHLY = 4;
const plans = JSON.stringify([{ key: 'free', name: 'Free', priceId: null, limits: { messagesPerMonth: MONTHLY, senders: null, pages: null, contacts: null, seats: null } }]);
let t: TestApp;
let fb: FakeFacebook;
let client: TestClient;
let workspaceId: string;
let page: { id: string; pageId: string };
let seq = 0;

async function subscribers(n: number) {
  const ids: { psid: string; contactId: string }[] = [];
  for (let i = 0; i < n; i++) {
    const person = fb.addPerson({ pageId: page.pageId });
    const res = await postWebhook(t.app, fb, fb.webhookPayload([{ pageId: page.pageId, events: [{ sender: { id: person.psid }, recipient: { id: page.pageId }, timestamp: Date.now(), message: { mid: fakeMid(`w-${++seq}`), text: 'Hello' } }] }]));
    expect(res.statusCode).toBe(200);
    const contact = await waitFor(async () => (await t.deps.database.sql.query<{ id: string }>('SELECT id FROM contacts WHERE messenger_psid = $1', [person.psid])).rows[0], 'the webhook event to be processed by the worker');
    ids.push({ psid: person.psid, contactId: contact.id });
  }
  const list = await client.post('/api/v1/lists', { name: `Worker list ${++seq}` });
  await client.post('/api/v1/contacts/bulk', { ids: ids.map((s) => s.contactId), action: 'add_to_list', listId: list.body.id });
  return { people: ids, listId: list.body.id as string };
}

beforeAll(async () => {
  fb = await startFakeFacebook();
  t = await createTestApp({ env: { ...messengerEnv(fb), STRIPE_SECRET_KEY: 'sk_test_broadcasts', BILLING_PLANS: plans }, worker: true });
  client = new TestClient(t.app);
  workspaceId = (await client.signup()).workspace.id;
  await connectPages(client);
  page = (await client.get('/api/v1/pages')).body.items[0];
});
afterAll(async () => {
  await t?.close();
  await fb?.close();
});

describe(`Messenger broadcasts through the worker, with the monthly quota (${engineName})`, () => {
  it('the messenger-broadcast job sends it; each message counts toward the month\'s quota', async () => {
    const { people, listId } = await subscribers(3);
    const created = await client.post('/api/v1/broadcasts', { pageId: page.id, listId, text: 'Hello {{ first_name }}' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const done = await waitFor(async () => {
      const b = (await client.get(`/api/v1/broadcasts/${created.body.id}`)).body;
      return b.status === 'finished' && b;
    }, 'the broadcast to finish');
    expect(done.counts).toMatchObject({ recipients: 3, sent: 3, pending: 0 });
    expect(new Set(fb.state.sent.map((s) => s.recipientId))).toEqual(new Set(people.map((p) => p.psid)));
    expect(await messagesThisMonth(t.deps.db, workspaceId, new Date())).toBe(3);
  });

  it('when the quota runs out the broadcast waits with the reason, and a new one is refused with 402', async () => {
    const { listId } = await subscribers(3);
    const created = await client.post('/api/v1/broadcasts', { pageId: page.id, listId, text: 'Over quota' });
    expect(created.status).toBe(201);
    const paused = await waitFor(async () => {
      const b = (await client.get(`/api/v1/broadcasts/${created.body.id}`)).body;
      return b.counts.sent === 1 && b.pausedReason && b;
    }, 'the broadcast to stop at the quota');
    expect(paused).toMatchObject({ status: 'sending', counts: { recipients: 3, sent: 1, pending: 2 }, pausedReason: expect.stringMatching(/allows 4 messages a month/) });
    expect(await messagesThisMonth(t.deps.db, workspaceId, new Date())).toBe(MONTHLY);
    const refused = await client.post('/api/v1/broadcasts', { pageId: page.id, listId, text: 'More' });
    expect(refused.status).toBe(402);
    expect(refused.body).toMatchObject({ limit: 'messagesPerMonth', allowed: MONTHLY });
  });

  it('/me says Messenger is configured; an instance without a Facebook app answers 503 and says it is not', async () => {
    expect((await client.get('/api/v1/me')).body.features).toMatchObject({ messenger: true, billing: true });
    const bare = await createTestApp();
    try {
      const c = new TestClient(bare.app);
      await c.signup();
      expect((await c.get('/api/v1/me')).body.features).toMatchObject({ messenger: false });
      const res = await c.get('/api/v1/broadcasts');
      expect(res.status).toBe(503);
      expect(res.body.type).toMatch(/messenger-not-configured$/);
    } finally {
      await bare.close();
    }
  });
});
