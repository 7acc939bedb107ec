import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { FakeStripe, StripeEvent } from '../fakes/stripe.js';
import type { TestClient } from './client.js';

/** Small plans so tests reach every limit in a few rows. */
export const TEST_PLANS = (fake: FakeStripe) => JSON.stringify([
  { key: 'free', name: 'Free', priceId: null, limits: { messagesPerMonth: 5, senders: 1, pages: 1, contacts: 3, seats: 2 } },
  { key: 'starter', name: 'Starter', priceId: fake.prices.starter, limits: { messagesPerMonth: 8, senders: 2, pages: 2, contacts: 6, seats: 3 } },
  { key: 'pro', name: 'Pro', priceId: fake.prices.pro, limits: { messagesPerMonth: 100, senders: 10, pages: 10, contacts: 100, seats: 10 } },
  { key: 'agency', name: 'Agency', priceId: fake.prices.agency, limits: { messagesPerMonth: null, senders: null, pages: null, contacts: null, seats: null } },
]);

/** POSTs an event to our webhook the way Stripe does: the exact bytes, signed with the SDK's test-header helper. */
export async function deliver(app: FastifyInstance, fake: FakeStripe, event: StripeEvent, opts: { timestamp?: number; secret?: string } = {}) {
  const { payload, signature } = fake.signed(event, opts);
  const res = await app.inject({ method: 'POST', url: '/api/v1/webhooks/stripe', payload, headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature } });
  return { status: res.statusCode, body: res.json() as { received?: boolean; outcome?: string; type?: string; detail?: string } };
}

/** Delivers the fake's undelivered events (in order, or as given) and empties its outbox. */
export async function deliverAll(app: FastifyInstance, fake: FakeStripe, events = fake.state.outbox) {
  const results = [];
  for (const e of [...events]) results.push(await deliver(app, fake, e));
  fake.state.outbox.length = 0;
  return results;
}

/** Upgrade through the API and the fake's Checkout: returns the subscription id and the events Stripe would send. */
export async function checkout(client: TestClient, fake: FakeStripe, plan: string) {
  const res = await client.post('/api/v1/billing/checkout', { plan });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const sessionId = res.body.sessionId as string;
  const events = await fake.completeCheckout(sessionId);
  fake.state.outbox.length = 0;
  const subscriptionId = fake.state.sessions.get(sessionId).subscription as string;
  return { sessionId, subscriptionId, events, url: res.body.url as string };
}

/** Upgrade and deliver the resulting events, in Stripe's order. */
export async function upgrade(app: FastifyInstance, client: TestClient, fake: FakeStripe, plan: string) {
  const done = await checkout(client, fake, plan);
  for (const e of done.events) expect((await deliver(app, fake, e)).status).toBe(200);
  return done;
}
