/**
 * Fake Stripe: the slice of the REST API our billing module calls through the official `stripe`
 * SDK — customers, Checkout sessions, Customer Portal sessions, subscriptions, invoices — on one
 * node:http server. It speaks Stripe's wire protocol: Bearer secret-key auth, form-encoded
 * bodies with bracket notation (`line_items[0][price]=…`), JSON objects carrying `object`,
 * list envelopes, the `{ error: { type, code, message, param } }` envelope with Stripe's statuses,
 * and Idempotency-Key semantics (a replay returns the first response; other parameters under the
 * same key are an idempotency_error). The SDK runs unmodified against it (STRIPE_API_BASE).
 *
 * It also plays the hosted pages: the Checkout page (a "Subscribe" button that completes the
 * session) and the Customer Portal (a link back). Whatever changes a subscription emits the
 * events Stripe would, signed with the SDK's own `webhooks.generateTestHeaderString`, and delivers
 * them to `webhookUrl` when one is set (otherwise they wait in `outbox` for the test to deliver,
 * in any order it likes).
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

export interface StripeRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed form (POST) or query (GET), brackets expanded into objects and arrays. */
  params: Record<string, any>;
  rawBody: string;
  idempotencyKey: string | null;
}

export interface StripeEvent {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  type: string;
  data: { object: any; previous_attributes?: Record<string, unknown> };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
}

export interface FakeStripeState {
  requests: StripeRequest[];
  customers: Map<string, any>;
  sessions: Map<string, any>;
  portalSessions: Map<string, any>;
  subscriptions: Map<string, any>;
  invoices: Map<string, any>;
  /** Known prices by id (anything else is `resource_missing`). */
  prices: Map<string, any>;
  /** Every event emitted, in order. */
  events: StripeEvent[];
  /** Events not delivered yet (no webhookUrl). */
  outbox: StripeEvent[];
  /** Deliveries made to webhookUrl and the status our server answered. */
  deliveries: { eventId: string; type: string; status: number }[];
}

export interface FakeStripe {
  baseUrl: string;
  secretKey: string;
  webhookSecret: string;
  /** Price ids of the plans the tests configure. */
  prices: { starter: string; pro: string; agency: string };
  state: FakeStripeState;
  /** Set to our webhook URL to have events POSTed (signed) as they happen. */
  webhookUrl: string | null;
  /** Seconds since the epoch for `created` and periods; tests may move it. */
  clock: () => number;
  /** Environment for loadConfig pointing the SDK here. */
  env(): Record<string, string>;
  /** The hosted Checkout page's "Subscribe": subscription, paid invoice, session complete; returns the events. */
  completeCheckout(sessionId: string): Promise<StripeEvent[]>;
  /** A plan change or status change made in the portal or by Stripe. */
  updateSubscription(id: string, change: { price?: string; status?: string; cancelAtPeriodEnd?: boolean }): Promise<StripeEvent[]>;
  /** A renewal charge fails: the subscription goes past_due and the invoice stays open. */
  failPayment(subscriptionId: string): Promise<StripeEvent[]>;
  /** The open invoice gets paid (card updated, retry succeeded): active again. */
  payInvoice(subscriptionId: string): Promise<StripeEvent[]>;
  /** Canceled now (or Stripe gave up retrying). */
  cancelSubscription(subscriptionId: string): Promise<StripeEvent[]>;
  /** The body and Stripe-Signature header Stripe would send for an event. */
  signed(event: StripeEvent, opts?: { timestamp?: number; secret?: string }): { payload: string; signature: string };
  /** The next n requests whose path starts with `prefix` are processed, then the connection drops before the answer. */
  dropResponseNext(n: number, prefix?: string): void;
  close(): Promise<void>;
}

const API_VERSION = Stripe.API_VERSION;
const DAY = 86_400;
const signer = new Stripe('sk_test_signer_only', { telemetry: false });

const newId = (prefix: string) => `${prefix}_${randomBytes(18).toString('base64url').replace(/[^A-Za-z0-9]/g, '').slice(0, 24)}`;

class StripeApiError extends Error {
  constructor(readonly status: number, readonly body: { type: string; code?: string; message: string; param?: string }) {
    super(body.message);
  }
}
const missing = (what: string, id: string, param = 'id') =>
  new StripeApiError(404, { type: 'invalid_request_error', code: 'resource_missing', message: `No such ${what}: '${id}'`, param });
const invalid = (message: string, param?: string) => new StripeApiError(400, { type: 'invalid_request_error', code: 'parameter_missing', message, ...(param ? { param } : {}) });

/** `a[b][0][c]=v` pairs into nested objects; objects whose keys are all indexes become arrays. */
export function parseStripeForm(text: string): Record<string, any> {
  const root: Record<string, any> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const path = key.replace(/\]/g, '').split('[');
    let node = root;
    path.forEach((segment, i) => {
      if (i === path.length - 1) node[segment] = value;
      else node = node[segment] ??= {};
    });
  }
  const arrays = (v: any): any => {
    if (v === null || typeof v !== 'object') return v;
    const keys = Object.keys(v);
    const out = Object.fromEntries(keys.map((k) => [k, arrays(v[k])]));
    return keys.length && keys.every((k) => /^\d+$/.test(k)) ? keys.sort((a, b) => Number(a) - Number(b)).map((k) => out[k]) : out;
  };
  return arrays(root);
}

export async function startFakeStripe(opts: { prices?: Partial<FakeStripe['prices']> } = {}): Promise<FakeStripe> {
  const secretKey = `sk_test_${randomBytes(12).toString('hex')}`;
  const webhookSecret = `whsec_${randomBytes(16).toString('hex')}`;
  const prices = { starter: 'price_starter_monthly', pro: 'price_pro_monthly', agency: 'price_agency_monthly', ...opts.prices };
  const state: FakeStripeState = {
    requests: [], customers: new Map(), sessions: new Map(), portalSessions: new Map(), subscriptions: new Map(), invoices: new Map(),
    prices: new Map(), events: [], outbox: [], deliveries: [],
  };
  const amounts: Record<string, number> = { [prices.starter]: 2900, [prices.pro]: 9900, [prices.agency]: 29900 };
  for (const [id, unit] of Object.entries(amounts)) {
    state.prices.set(id, { id, object: 'price', active: true, currency: 'usd', unit_amount: unit, type: 'recurring', recurring: { interval: 'month', interval_count: 1 }, product: newId('prod'), livemode: false, metadata: {} });
  }
  const idempotent = new Map<string, { fingerprint: string; status: number; body: unknown }>();
  const drops: { n: number; prefix: string }[] = [];
  let invoiceNumber = 0;
  let baseUrl = '';

  const fake: FakeStripe = {
    baseUrl: '', secretKey, webhookSecret, prices, state, webhookUrl: null,
    clock: () => Math.floor(Date.now() / 1000),
    env: () => ({
      STRIPE_SECRET_KEY: secretKey, STRIPE_WEBHOOK_SECRET: webhookSecret, STRIPE_API_BASE: baseUrl,
      STRIPE_PRICE_STARTER: prices.starter, STRIPE_PRICE_PRO: prices.pro, STRIPE_PRICE_AGENCY: prices.agency,
    }),
    completeCheckout, updateSubscription, failPayment, payInvoice, cancelSubscription,
    signed(event, o = {}) {
      const payload = JSON.stringify(event, null, 2);
      const signature = signer.webhooks.generateTestHeaderString({ payload, secret: o.secret ?? webhookSecret, ...(o.timestamp !== undefined ? { timestamp: o.timestamp } : {}) });
      return { payload, signature };
    },
    dropResponseNext(n, prefix = '/v1/') {
      drops.push({ n, prefix });
    },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };

  const snapshot = <T>(o: T): T => JSON.parse(JSON.stringify(o));

  async function emit(type: string, object: any, previous?: Record<string, unknown>): Promise<StripeEvent> {
    const event: StripeEvent = {
      id: newId('evt'), object: 'event', api_version: API_VERSION, created: fake.clock(), type,
      data: { object: snapshot(object), ...(previous ? { previous_attributes: previous } : {}) },
      livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null },
    };
    state.events.push(event);
    if (!fake.webhookUrl) state.outbox.push(event);
    else {
      const { payload, signature } = fake.signed(event);
      const res = await fetch(fake.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature, 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' }, body: payload });
      state.deliveries.push({ eventId: event.id, type, status: res.status });
      await res.arrayBuffer();
    }
    return event;
  }

  function priceOf(id: string) {
    const price = state.prices.get(id);
    if (!price) throw missing('price', id);
    return price;
  }

  function createCustomer(p: Record<string, any>) {
    const customer = {
      id: newId('cus'), object: 'customer', created: fake.clock(), email: p.email ?? null, name: p.name ?? null, description: p.description ?? null,
      metadata: p.metadata ?? {}, livemode: false, currency: null, delinquent: false, invoice_prefix: randomBytes(4).toString('hex').toUpperCase(),
    };
    state.customers.set(customer.id, customer);
    return customer;
  }

  function createSession(p: Record<string, any>) {
    if (p.mode !== 'subscription') throw invalid('This fake supports mode=subscription only.', 'mode');
    if (!p.success_url) throw invalid('Missing required param: success_url.', 'success_url');
    const items = Array.isArray(p.line_items) ? p.line_items : [];
    if (!items.length) throw invalid('Missing required param: line_items.', 'line_items');
    items.forEach((item: any, i: number) => {
      if (!state.prices.has(item.price)) throw missing('price', item.price, `line_items[${i}][price]`);
    });
    if (p.customer && !state.customers.has(p.customer)) throw missing('customer', p.customer, 'customer');
    const id = newId('cs_test');
    const session = {
      id, object: 'checkout.session', mode: 'subscription', status: 'open', payment_status: 'unpaid', url: `${baseUrl}/c/pay/${id}`,
      client_reference_id: p.client_reference_id ?? null, customer: p.customer ?? null, customer_email: p.customer_email ?? null,
      subscription: null, success_url: p.success_url, cancel_url: p.cancel_url ?? null, metadata: p.metadata ?? {},
      created: fake.clock(), expires_at: fake.clock() + DAY, livemode: false, currency: 'usd',
      amount_total: items.reduce((sum: number, item: any) => sum + (priceOf(item.price).unit_amount * Number(item.quantity ?? 1)), 0),
    };
    state.sessions.set(id, { ...session, _items: items, _subscriptionMetadata: p.subscription_data?.metadata ?? {} });
    return session;
  }

  const publicSession = (s: any) => Object.fromEntries(Object.entries(s).filter(([k]) => !k.startsWith('_')));

  function makeInvoice(sub: any, paid: boolean) {
    const item = sub.items.data[0];
    const amount = item.price.unit_amount * item.quantity;
    const customer = state.customers.get(sub.customer);
    const id = newId('in');
    const invoice = {
      id, object: 'invoice', customer: sub.customer, status: paid ? 'paid' : 'open', currency: 'usd', created: fake.clock(),
      number: `${customer?.invoice_prefix ?? 'INV'}-${String(++invoiceNumber).padStart(4, '0')}`,
      amount_due: amount, amount_paid: paid ? amount : 0, amount_remaining: paid ? 0 : amount, attempt_count: 1, attempted: true,
      billing_reason: sub.latest_invoice ? 'subscription_cycle' : 'subscription_create',
      period_start: item.current_period_start, period_end: item.current_period_end,
      hosted_invoice_url: `${baseUrl}/i/${id}`, invoice_pdf: `${baseUrl}/i/${id}/pdf`, livemode: false,
      parent: { type: 'subscription_details', quote_details: null, subscription_details: { subscription: sub.id, metadata: sub.metadata } },
    };
    state.invoices.set(id, invoice);
    sub.latest_invoice = id;
    return invoice;
  }

  async function completeCheckout(sessionId: string) {
    const session = state.sessions.get(sessionId);
    if (!session) throw new Error(`no checkout session ${sessionId}`);
    if (session.status !== 'open') throw new Error(`checkout session ${sessionId} is ${session.status}`);
    const customerId = session.customer ?? createCustomer({ email: session.customer_email }).id;
    const start = fake.clock();
    const subId = newId('sub');
    const sub = {
      id: subId, object: 'subscription', customer: customerId, status: 'active', cancel_at_period_end: false, canceled_at: null, ended_at: null,
      created: start, start_date: start, metadata: session._subscriptionMetadata, latest_invoice: null as string | null, livemode: false,
      currency: 'usd', collection_method: 'charge_automatically',
      items: {
        object: 'list', has_more: false, total_count: session._items.length, url: `/v1/subscription_items?subscription=${subId}`,
        data: session._items.map((item: any) => ({
          id: newId('si'), object: 'subscription_item', created: start, price: priceOf(item.price), quantity: Number(item.quantity ?? 1),
          subscription: subId, current_period_start: start, current_period_end: start + 30 * DAY, metadata: {},
        })),
      },
    };
    state.subscriptions.set(subId, sub);
    const invoice = makeInvoice(sub, true);
    Object.assign(session, { status: 'complete', payment_status: 'paid', customer: customerId, subscription: subId });
    return [
      await emit('customer.subscription.created', sub),
      await emit('invoice.paid', invoice),
      await emit('checkout.session.completed', publicSession(session)),
    ];
  }

  function subscription(id: string) {
    const sub = state.subscriptions.get(id);
    if (!sub) throw new Error(`no subscription ${id}`);
    return sub;
  }

  async function updateSubscription(id: string, change: { price?: string; status?: string; cancelAtPeriodEnd?: boolean }) {
    const sub = subscription(id);
    const previous: Record<string, unknown> = {};
    if (change.price) {
      previous.items = snapshot(sub.items);
      sub.items.data[0].price = priceOf(change.price);
    }
    if (change.status) {
      previous.status = sub.status;
      sub.status = change.status;
    }
    if (change.cancelAtPeriodEnd !== undefined) {
      previous.cancel_at_period_end = sub.cancel_at_period_end;
      sub.cancel_at_period_end = change.cancelAtPeriodEnd;
    }
    return [await emit('customer.subscription.updated', sub, previous)];
  }

  async function failPayment(subscriptionId: string) {
    const sub = subscription(subscriptionId);
    const item = sub.items.data[0];
    item.current_period_start = item.current_period_end;
    item.current_period_end += 30 * DAY;
    const invoice = makeInvoice(sub, false);
    const previous = { status: sub.status };
    sub.status = 'past_due';
    return [await emit('invoice.payment_failed', invoice), await emit('customer.subscription.updated', sub, previous)];
  }

  async function payInvoice(subscriptionId: string) {
    const sub = subscription(subscriptionId);
    const invoice = state.invoices.get(sub.latest_invoice);
    Object.assign(invoice, { status: 'paid', amount_paid: invoice.amount_due, amount_remaining: 0, attempt_count: invoice.attempt_count + 1 });
    const previous = { status: sub.status };
    sub.status = 'active';
    return [await emit('invoice.paid', invoice), await emit('customer.subscription.updated', sub, previous)];
  }

  async function cancelSubscription(subscriptionId: string) {
    const sub = subscription(subscriptionId);
    Object.assign(sub, { status: 'canceled', canceled_at: fake.clock(), ended_at: fake.clock() });
    return [await emit('customer.subscription.deleted', sub)];
  }

  /** The REST API: returns [status, body]. */
  function api(method: string, path: string, p: Record<string, any>): [number, unknown] {
    let m: RegExpExecArray | null;
    if (method === 'POST' && path === '/v1/customers') return [200, createCustomer(p)];
    if (method === 'GET' && (m = /^\/v1\/customers\/([^/]+)$/.exec(path))) {
      const customer = state.customers.get(m[1]!);
      if (!customer) throw missing('customer', m[1]!);
      return [200, customer];
    }
    if (method === 'POST' && path === '/v1/checkout/sessions') return [200, createSession(p)];
    if (method === 'GET' && (m = /^\/v1\/checkout\/sessions\/([^/]+)$/.exec(path))) {
      const session = state.sessions.get(m[1]!);
      if (!session) throw missing('checkout.session', m[1]!, 'session');
      return [200, publicSession(session)];
    }
    if (method === 'POST' && path === '/v1/billing_portal/sessions') {
      if (!p.customer) throw invalid('Missing required param: customer.', 'customer');
      if (!state.customers.has(p.customer)) throw missing('customer', p.customer, 'customer');
      const id = newId('bps');
      const session = { id, object: 'billing_portal.session', customer: p.customer, return_url: p.return_url ?? null, url: `${baseUrl}/p/session/${id}`, created: fake.clock(), livemode: false, configuration: 'bpc_default', flow: null, locale: null, on_behalf_of: null };
      state.portalSessions.set(id, session);
      return [200, session];
    }
    if (method === 'GET' && (m = /^\/v1\/subscriptions\/([^/]+)$/.exec(path))) {
      const sub = state.subscriptions.get(m[1]!);
      if (!sub) throw missing('subscription', m[1]!);
      return [200, sub];
    }
    if (method === 'GET' && path === '/v1/invoices') {
      const limit = Math.min(100, Number(p.limit ?? 10));
      const all = [...state.invoices.values()].filter((i) => !p.customer || i.customer === p.customer).sort((a, b) => b.created - a.created || (b.number > a.number ? 1 : -1));
      return [200, { object: 'list', data: all.slice(0, limit), has_more: all.length > limit, url: '/v1/invoices' }];
    }
    throw new StripeApiError(404, { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.` });
  }

  function page(res: ServerResponse, title: string, body: string) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><main>${body}</main></body></html>`);
  }

  /** Hosted pages: Checkout and the Customer Portal. */
  async function hosted(req: IncomingMessage, res: ServerResponse, path: string) {
    let m: RegExpExecArray | null;
    if ((m = /^\/c\/pay\/([^/]+)$/.exec(path))) {
      const session = state.sessions.get(m[1]!);
      if (!session) return page(res, 'Not found', '<h1>This checkout session does not exist</h1>');
      if (req.method === 'POST') {
        if (session.status === 'open') await completeCheckout(session.id);
        res.writeHead(303, { location: String(session.success_url).replace('{CHECKOUT_SESSION_ID}', session.id) });
        return res.end();
      }
      const price = priceOf(session._items[0].price);
      return page(res, 'Checkout', `<h1>Subscribe</h1><p>${(price.unit_amount / 100).toFixed(2)} USD per month</p>
        <form method="post" action="/c/pay/${session.id}"><label>Card number <input name="card" value="4242 4242 4242 4242"></label><button type="submit">Subscribe</button></form>
        ${session.cancel_url ? `<a href="${session.cancel_url}">Back</a>` : ''}`);
    }
    if ((m = /^\/p\/session\/([^/]+)$/.exec(path))) {
      const session = state.portalSessions.get(m[1]!);
      if (!session) return page(res, 'Not found', '<h1>This portal session does not exist</h1>');
      return page(res, 'Customer portal', `<h1>Manage your subscription</h1><a href="${session.return_url}">Return to MessageSender</a>`);
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://stripe.local');
        const path = url.pathname;
        const rawBody = Buffer.concat(chunks).toString('utf8');
        if (!path.startsWith('/v1/')) return hosted(req, res, path);
        const method = req.method ?? 'GET';
        const params = parseStripeForm(method === 'GET' || method === 'DELETE' ? url.search.slice(1) : rawBody);
        const idempotencyKey = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : null;
        state.requests.push({ method, path, headers: req.headers, params, rawBody, idempotencyKey });
        const send = (status: number, body: unknown, extra: Record<string, string> = {}) => {
          const drop = drops.find((d) => d.n > 0 && path.startsWith(d.prefix));
          if (drop) {
            drop.n--;
            // Processed, but the answer never arrives: the client only sees the connection close.
            req.socket.destroy();
            return;
          }
          res.writeHead(status, { 'content-type': 'application/json', 'request-id': newId('req'), 'stripe-version': API_VERSION, ...extra });
          res.end(JSON.stringify(body));
        };
        if (req.headers.authorization !== `Bearer ${secretKey}`) {
          const given = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
          return send(401, { error: { type: 'invalid_request_error', message: given ? `Invalid API Key provided: ${given.slice(0, 8)}${'*'.repeat(8)}` : 'You did not provide an API key.' } });
        }
        if (method === 'POST' && idempotencyKey) {
          const seen = idempotent.get(idempotencyKey);
          if (seen && seen.fingerprint !== rawBody) {
            return send(400, { error: { type: 'idempotency_error', message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.` } });
          }
          if (seen) return send(seen.status, seen.body, { 'idempotent-replayed': 'true' });
        }
        let status: number;
        let body: unknown;
        try {
          [status, body] = api(method, path, params);
        } catch (err) {
          if (!(err instanceof StripeApiError)) throw err;
          [status, body] = [err.status, { error: { ...err.body, ...(err.body.code ? { doc_url: `https://stripe.com/docs/error-codes/${err.body.code.replace(/_/g, '-')}` } : {}) } }];
        }
        if (method === 'POST' && idempotencyKey) idempotent.set(idempotencyKey, { fingerprint: rawBody, status, body });
        send(status, body);
      })().catch((err) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { type: 'api_error', message: (err as Error).message } }));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.baseUrl = baseUrl;
  return fake;
}
