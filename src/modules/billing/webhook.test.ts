import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { checkout, deliver, deliverAll, TEST_PLANS, upgrade } from '../../../test/helpers/billing.js';
import { TestClient } from '../../../test/helpers/client.js';
import { engineName } from '../../../test/helpers/db.js';
import { startFakeStripe, type FakeStripe, type StripeEvent } from '../../../test/fakes/stripe.js';
import { memberships } from '../../db/schema/index.js';
import { queryRows } from '../../db/sql-helpers.js';

let t: TestApp;
let fake: FakeStripe;

beforeAll(async () => {
  fake = await startFakeStripe();
  t = await createTestApp({ env: { ...fake.env(), BILLING_PLANS: TEST_PLANS(fake), BILLING_GRACE_DAYS: '7' } });
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

const DAY_MS = 86_400_000;

async function owner() {
  const client = new TestClient(t.app);
  const s = await client.signup();
  return { client, workspaceId: s.workspace.id as string };
}

const billing = async (c: TestClient) => {
  const res = await c.get('/api/v1/billing');
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

const rowOf = async (workspaceId: string) =>
  (await queryRows<{ plan: string; status: string; stripe_subscription_id: string | null; grace_until: Date | null; cancel_at_period_end: boolean }>(t.deps.db, sql`
    SELECT plan, status, stripe_subscription_id, grace_until, cancel_at_period_end FROM workspace_billing WHERE workspace_id = ${workspaceId}`))[0] ?? null;

const stripeEventCount = async () => (await queryRows<{ n: number }>(t.deps.db, sql`SELECT count(*)::int AS n FROM webhook_events WHERE source = 'stripe'`))[0]!.n;
const subscriptionFetches = () => fake.state.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/v1/subscriptions/')).length;
const ofType = (events: StripeEvent[], type: string) => events.find((e) => e.type === type)!;

const addSender = (c: TestClient, n: number) => c.post('/api/v1/senders', {
  email: `rep${n}.${Date.now()}@acme.test`,
  smtp: { host: 'smtp.acme.test', port: 587, security: 'starttls', user: 'rep', password: 'smtp-password' },
  imap: { host: 'imap.acme.test', port: 993, secure: true, user: 'rep', password: 'imap-password' },
});

describe(`Stripe billing webhooks (${engineName})`, () => {
  it('upgrades through Checkout (subscription mode, client_reference_id = the workspace) and the signed events put it on the plan', async () => {
    const { client, workspaceId } = await owner();
    const before = await billing(client);
    expect(before).toMatchObject({ plan: { key: 'free', name: 'Free' }, standing: 'free', subscription: null, canManage: true, hasCustomer: false });
    expect(before.usage).toEqual({ messagesPerMonth: 0, senders: 0, pages: 0, contacts: 0, seats: 1 });
    expect(before.plans.map((p: { key: string; purchasable: boolean }) => [p.key, p.purchasable])).toEqual([['free', false], ['starter', true], ['pro', true], ['agency', true]]);

    const requestsBefore = fake.state.requests.length;
    const { url, events } = await checkout(client, fake, 'starter');
    expect(url).toMatch(new RegExp(`^${fake.baseUrl}/c/pay/cs_test_`));
    const calls = fake.state.requests.slice(requestsBefore);
    const customer = calls.find((r) => r.path === '/v1/customers')!;
    expect(customer.idempotencyKey).toBe(`customer-${workspaceId}`);
    expect(customer.params.metadata).toEqual({ workspace_id: workspaceId });
    const session = calls.find((r) => r.path === '/v1/checkout/sessions')!;
    expect(session.idempotencyKey).toMatch(new RegExp(`^checkout-${workspaceId}-`));
    expect(session.headers['stripe-version']).toBeTruthy();
    expect(session.params).toMatchObject({
      mode: 'subscription', client_reference_id: workspaceId, customer: expect.stringMatching(/^cus_/),
      line_items: [{ price: fake.prices.starter, quantity: '1' }],
      subscription_data: { metadata: { workspace_id: workspaceId, plan: 'starter' } },
      success_url: 'http://app.test/billing?checkout=success',
    });

    for (const e of events) expect(await deliver(t.app, fake, e)).toMatchObject({ status: 200, body: { received: true, outcome: 'processed' } });
    const after = await billing(client);
    expect(after).toMatchObject({ plan: { key: 'starter' }, standing: 'active', hasCustomer: true, subscription: { status: 'active', cancelAtPeriodEnd: false, graceUntil: null, plan: { key: 'starter' } } });
    expect(Math.abs(Date.parse(after.subscription.currentPeriodEnd) - (Date.now() + 30 * DAY_MS))).toBeLessThan(60_000);
    // One subscription per workspace: changing plans is the portal's job.
    expect((await client.post('/api/v1/billing/checkout', { plan: 'pro' })).status).toBe(409);
  });

  for (const only of ['checkout.session.completed', 'customer.subscription.created', 'invoice.paid']) {
    it(`${only} alone is enough to put the workspace on its plan (whichever arrives first)`, async () => {
      const { client, workspaceId } = await owner();
      const { events } = await checkout(client, fake, 'starter');
      expect((await deliver(t.app, fake, ofType(events, only))).body.outcome).toBe('processed');
      expect(await rowOf(workspaceId)).toMatchObject({ plan: 'starter', status: 'active' });
      expect((await billing(client)).standing).toBe('active');
    });
  }

  it('customer.subscription.updated changes the plan and shows a cancellation at period end', async () => {
    const { client, workspaceId } = await owner();
    const { subscriptionId } = await upgrade(t.app, client, fake, 'starter');
    await deliverAll(t.app, fake, await fake.updateSubscription(subscriptionId, { price: fake.prices.pro }));
    expect(await rowOf(workspaceId)).toMatchObject({ plan: 'pro', status: 'active' });
    await deliverAll(t.app, fake, await fake.updateSubscription(subscriptionId, { cancelAtPeriodEnd: true }));
    expect((await billing(client)).subscription).toMatchObject({ plan: { key: 'pro' }, cancelAtPeriodEnd: true, status: 'active' });
  });

  it('a failed payment keeps the paid limits for the grace period, then the free ones apply; nothing is deleted; paying restores the plan', async () => {
    const { client, workspaceId } = await owner();
    const { subscriptionId } = await upgrade(t.app, client, fake, 'starter');
    expect((await addSender(client, 1)).status).toBe(201);
    expect((await addSender(client, 2)).status).toBe(201);

    const failed = await fake.failPayment(subscriptionId);
    for (const r of await deliverAll(t.app, fake, failed)) expect(r.body.outcome).toBe('processed');
    const inGrace = await billing(client);
    expect(inGrace).toMatchObject({ standing: 'grace', plan: { key: 'starter' }, subscription: { status: 'past_due' } });
    expect(Date.parse(inGrace.subscription.graceUntil)).toBe((ofType(failed, 'invoice.payment_failed').created * 1000) + 7 * DAY_MS);
    const third = await addSender(client, 3);
    expect(third.status).toBe(402);
    expect(third.body).toMatchObject({ type: 'https://messagesender.dev/problems/plan-limit', limit: 'senders', plan: 'Starter', allowed: 2, used: 2, upgradeUrl: 'http://app.test/billing' });

    // The grace period runs out.
    await t.deps.db.execute(sql`UPDATE workspace_billing SET grace_until = now() - interval '1 minute' WHERE workspace_id = ${workspaceId}`);
    const lapsed = await billing(client);
    expect(lapsed).toMatchObject({ standing: 'lapsed', plan: { key: 'free' }, usage: { senders: 2 } });
    expect((await client.get('/api/v1/senders')).body.items).toHaveLength(2);
    expect((await addSender(client, 4)).body).toMatchObject({ status: 402, plan: 'Free', allowed: 1, used: 2 });

    for (const r of await deliverAll(t.app, fake, await fake.payInvoice(subscriptionId))) expect(r.body.outcome).toBe('processed');
    expect(await billing(client)).toMatchObject({ standing: 'active', plan: { key: 'starter' }, subscription: { status: 'active', graceUntil: null } });
  });

  it('customer.subscription.deleted moves the workspace to the free plan and keeps its data', async () => {
    const { client, workspaceId } = await owner();
    const { subscriptionId } = await upgrade(t.app, client, fake, 'starter');
    for (let i = 0; i < 5; i++) expect((await client.post('/api/v1/contacts', { email: `keep${i}@prospect.test` })).status).toBe(201);
    await deliverAll(t.app, fake, await fake.cancelSubscription(subscriptionId));
    expect(await rowOf(workspaceId)).toMatchObject({ plan: 'starter', status: 'canceled' });
    expect(await billing(client)).toMatchObject({ standing: 'free', plan: { key: 'free' }, usage: { contacts: 5 } });
    expect((await client.post('/api/v1/contacts', { email: 'one-more@prospect.test' })).body).toMatchObject({ status: 402, limit: 'contacts', allowed: 3, used: 5 });
    // A new subscription after the old one ended is fine.
    await upgrade(t.app, client, fake, 'pro');
    expect(await rowOf(workspaceId)).toMatchObject({ plan: 'pro', status: 'active' });
  });

  it('a redelivered event is acknowledged, not fetched again and changes nothing', async () => {
    const { client, workspaceId } = await owner();
    const { subscriptionId } = await upgrade(t.app, client, fake, 'starter');
    const [toPro] = await fake.updateSubscription(subscriptionId, { price: fake.prices.pro });
    fake.state.outbox.length = 0;
    expect((await deliver(t.app, fake, toPro!)).body.outcome).toBe('processed');
    // Stripe's state moves on, and the same event is delivered again (Stripe retries on timeouts).
    await fake.updateSubscription(subscriptionId, { price: fake.prices.agency });
    fake.state.outbox.length = 0;
    const [events, fetches] = [await stripeEventCount(), subscriptionFetches()];
    expect(await deliver(t.app, fake, toPro!)).toMatchObject({ status: 200, body: { outcome: 'duplicate' } });
    expect(await deliver(t.app, fake, toPro!)).toMatchObject({ status: 200, body: { outcome: 'duplicate' } });
    expect(await rowOf(workspaceId)).toMatchObject({ plan: 'pro' });
    expect(await stripeEventCount()).toBe(events);
    expect(subscriptionFetches()).toBe(fetches);
  });

  it('events delivered out of order end in the state Stripe has now', async () => {
    const { client, workspaceId } = await owner();
    const first = await upgrade(t.app, client, fake, 'starter');
    const [toPro] = await fake.updateSubscription(first.subscriptionId, { price: fake.prices.pro });
    const [toAgency] = await fake.updateSubscription(first.subscriptionId, { price: fake.prices.agency });
    fake.state.outbox.length = 0;
    await deliver(t.app, fake, toAgency!);
    await deliver(t.app, fake, toPro!);
    expect(await rowOf(workspaceId)).toMatchObject({ plan: 'agency' });

    // A payment failure reported after the retry that paid it starts no grace period.
    const failed = await fake.failPayment(first.subscriptionId);
    const paid = await fake.payInvoice(first.subscriptionId);
    fake.state.outbox.length = 0;
    await deliverAll(t.app, fake, paid);
    await deliverAll(t.app, fake, failed);
    expect(await rowOf(workspaceId)).toMatchObject({ status: 'active', grace_until: null });

    // The old subscription's "deleted" arriving after a new subscription started changes nothing.
    const [deleted] = await fake.cancelSubscription(first.subscriptionId);
    fake.state.outbox.length = 0;
    const second = await upgrade(t.app, client, fake, 'starter');
    expect((await deliver(t.app, fake, deleted!)).status).toBe(200);
    expect(await rowOf(workspaceId)).toMatchObject({ plan: 'starter', status: 'active', stripe_subscription_id: second.subscriptionId });
  });

  it('bad, stale or missing signatures are refused with 400 and change nothing', async () => {
    const { client, workspaceId } = await owner();
    const { events } = await checkout(client, fake, 'starter');
    const event = ofType(events, 'customer.subscription.created');
    const { payload, signature } = fake.signed(event);
    const now = Math.floor(Date.now() / 1000);
    const post = (body: string, headers: Record<string, string>) =>
      t.app.inject({ method: 'POST', url: '/api/v1/webhooks/stripe', payload: body, headers: { 'content-type': 'application/json', ...headers } });
    const before = await stripeEventCount();
    const attempts = [
      await post(payload, {}),
      await post(payload, { 'stripe-signature': fake.signed(event, { secret: 'whsec_not_the_endpoint_secret' }).signature }),
      await post(payload.replace('"active"', '"canceled"'), { 'stripe-signature': signature }),
      await post(payload, { 'stripe-signature': fake.signed(event, { timestamp: now - 301 }).signature }),
      await post(payload, { 'stripe-signature': 'not a signature' }),
    ];
    for (const res of attempts) {
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.json()).toMatchObject({ type: 'https://messagesender.dev/problems/invalid-signature', status: 400 });
    }
    expect(await stripeEventCount()).toBe(before);
    expect(await rowOf(workspaceId)).toMatchObject({ status: 'none', stripe_subscription_id: null });
    // Inside the 300 s tolerance it is accepted.
    expect((await deliver(t.app, fake, event, { timestamp: now - 290 })).body.outcome).toBe('processed');
    expect(await rowOf(workspaceId)).toMatchObject({ plan: 'starter', status: 'active' });
  });

  it('acknowledges events it does not handle, and events for no known workspace, without changing anything', async () => {
    const before = await stripeEventCount();
    const other: StripeEvent = { ...fake.state.events[0]!, id: `evt_other_${Date.now()}`, type: 'customer.created', data: { object: { id: 'cus_unknown', object: 'customer' } } };
    expect((await deliver(t.app, fake, other)).body.outcome).toBe('ignored');
    const stranger: StripeEvent = { ...fake.state.events[0]!, id: `evt_stranger_${Date.now()}`, type: 'invoice.paid', data: { object: { id: 'in_x', object: 'invoice', customer: 'cus_nobody', parent: null } } };
    expect((await deliver(t.app, fake, stranger)).body.outcome).toBe('ignored');
    expect(await stripeEventCount()).toBe(before + 2);
  });

  it('a Stripe answer lost on the way back is retried with the same Idempotency-Key: one Checkout session', async () => {
    const { client } = await owner();
    const sessionsBefore = fake.state.sessions.size;
    const requestsBefore = fake.state.requests.length;
    fake.dropResponseNext(1, '/v1/checkout/sessions');
    const res = await client.post('/api/v1/billing/checkout', { plan: 'pro' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const attempts = fake.state.requests.slice(requestsBefore).filter((r) => r.path === '/v1/checkout/sessions');
    expect(attempts).toHaveLength(2);
    expect(attempts[1]!.idempotencyKey).toBe(attempts[0]!.idempotencyKey);
    expect(fake.state.sessions.size).toBe(sessionsBefore + 1);
    expect(res.body.sessionId).toBe([...fake.state.sessions.keys()].at(-1));
  });

  it('a Stripe error becomes a 502 problem with Stripe\'s words', async () => {
    const { client } = await owner();
    const price = fake.state.prices.get(fake.prices.agency);
    fake.state.prices.delete(fake.prices.agency);
    try {
      const res = await client.post('/api/v1/billing/checkout', { plan: 'agency' });
      expect(res.status).toBe(502);
      expect(res.body).toMatchObject({ type: 'https://messagesender.dev/problems/billing-provider-error', stripeCode: 'resource_missing' });
      expect(res.body.detail).toContain(`No such price: '${fake.prices.agency}'`);
    } finally {
      fake.state.prices.set(fake.prices.agency, price);
    }
    expect((await client.post('/api/v1/billing/checkout', { plan: 'free' })).body).toMatchObject({ status: 422, errors: [{ field: 'plan' }] });
  });

  it('the owner manages billing in the Customer Portal and sees invoices; members see the plan but cannot pay', async () => {
    const { client, workspaceId } = await owner();
    expect((await client.post('/api/v1/billing/portal')).status).toBe(409);
    const { subscriptionId } = await upgrade(t.app, client, fake, 'starter');
    await deliverAll(t.app, fake, await fake.failPayment(subscriptionId));
    await deliverAll(t.app, fake, await fake.payInvoice(subscriptionId));

    const portal = await client.post('/api/v1/billing/portal');
    expect(portal.status).toBe(200);
    expect(portal.body.url).toMatch(new RegExp(`^${fake.baseUrl}/p/session/bps_`));
    expect([...fake.state.portalSessions.values()].at(-1)).toMatchObject({ return_url: 'http://app.test/billing' });

    const invoices = await client.get('/api/v1/billing/invoices');
    expect(invoices.status).toBe(200);
    expect(invoices.body.items).toHaveLength(2);
    expect(invoices.body.items.map((i: { status: string; amountPaid: number }) => [i.status, i.amountPaid])).toEqual([['paid', 2900], ['paid', 2900]]);
    expect(invoices.body.items[0].hostedInvoiceUrl).toMatch(new RegExp(`^${fake.baseUrl}/i/in_`));

    const member = new TestClient(t.app);
    const m = await member.signup();
    await t.deps.db.insert(memberships).values({ workspaceId, userId: m.user.id, role: 'member' });
    member.workspaceId = workspaceId;
    expect(await billing(member)).toMatchObject({ plan: { key: 'starter' }, canManage: false });
    expect((await member.post('/api/v1/billing/checkout', { plan: 'pro' })).status).toBe(403);
    expect((await member.post('/api/v1/billing/portal')).status).toBe(403);
    expect((await member.get('/api/v1/billing/invoices')).status).toBe(403);
  });
});
