import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { TEST_PLANS, upgrade } from '../../../test/helpers/billing.js';
import { API, readyCampaign } from '../../../test/helpers/campaigns-api.js';
import { TestClient } from '../../../test/helpers/client.js';
import { engineName } from '../../../test/helpers/db.js';
import { connectPages, messengerEnv } from '../../../test/helpers/messenger.js';
import { waitFor } from '../../../test/helpers/wait.js';
import { startFakeFacebook, type FakeFacebook } from '../../../test/fakes/facebook.js';
import { startFakeGoogle, type FakeGoogle } from '../../../test/fakes/google.js';
import { startFakeStripe, type FakeStripe } from '../../../test/fakes/stripe.js';

let t: TestApp;
let stripe: FakeStripe;
let fb: FakeFacebook;
let google: FakeGoogle;

beforeAll(async () => {
  stripe = await startFakeStripe();
  fb = await startFakeFacebook();
  google = await startFakeGoogle({ clientId: 'g-client', clientSecret: 'g-secret', email: 'sam@gmail.test' });
  // Free: 5 messages a month, 1 sending account, 1 page, 3 contacts, 2 seats. Starter: 8, 2, 2, 6, 3.
  t = await createTestApp({
    worker: true,
    env: {
      ...stripe.env(), BILLING_PLANS: TEST_PLANS(stripe), ...messengerEnv(fb),
      GOOGLE_CLIENT_ID: 'g-client', GOOGLE_CLIENT_SECRET: 'g-secret',
      GOOGLE_AUTH_URL: `${google.oauthBaseUrl}/o/oauth2/v2/auth`, GOOGLE_TOKEN_URL: `${google.oauthBaseUrl}/token`,
      GOOGLE_API_BASE_URL: google.apiBaseUrl, GOOGLE_USERINFO_URL: `${google.apiBaseUrl}/oauth2/v2/userinfo`,
    },
  });
});
afterAll(async () => {
  await t?.close();
  await stripe?.close();
  await fb?.close();
  await google?.close();
});

async function owner() {
  const client = new TestClient(t.app);
  const s = await client.signup();
  return { client, workspaceId: s.workspace.id as string };
}

const smtpSender = (email: string) => ({
  email, smtp: { host: 'smtp.acme.test', port: 587, security: 'starttls', user: email, password: 'smtp-password' },
  imap: { host: 'imap.acme.test', port: 993, secure: true, user: email, password: 'imap-password' },
});

/** A 402 that names the limit, the plan's allowance, current use and the upgrade link. */
function expectLimit(res: { status: number; body: any; headers: Record<string, unknown> }, limit: string, allowed: number, used: number, plan = 'Free') {
  expect(res.status, JSON.stringify(res.body)).toBe(402);
  expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ type: 'https://messagesender.dev/problems/plan-limit', title: 'Payment required', status: 402, limit, plan, allowed, used, upgradeUrl: 'http://app.test/billing' });
  expect(res.body.detail).toMatch(/Upgrade/);
}

async function startOAuth(c: TestClient) {
  const start = await c.get(`${API}/senders/oauth/google/start`);
  expect(start.status).toBe(302);
  return new URL(String(start.headers.location));
}
async function finishOAuth(c: TestClient, authorize: URL) {
  const consent = await fetch(authorize, { redirect: 'manual' });
  const back = new URL(consent.headers.get('location')!);
  const done = await c.get(back.pathname + back.search);
  return new URL(String(done.headers.location));
}

describe(`plan limits (${engineName})`, () => {
  it('sending accounts: the API answers 402 past the limit, and an upgrade makes room', async () => {
    const { client } = await owner();
    expect((await client.post(`${API}/senders`, smtpSender('one@acme.test'))).status).toBe(201);
    expectLimit(await client.post(`${API}/senders`, smtpSender('two@acme.test')), 'senders', 1, 1);
    await upgrade(t.app, client, stripe, 'starter');
    expect((await client.post(`${API}/senders`, smtpSender('two@acme.test'))).status).toBe(201);
    expectLimit(await client.post(`${API}/senders`, smtpSender('three@acme.test')), 'senders', 2, 2, 'Starter');
  });

  it('sending accounts: two requests racing for the last place get one account, not two', async () => {
    const { client } = await owner();
    const results = await Promise.all([client.post(`${API}/senders`, smtpSender('race1@acme.test')), client.post(`${API}/senders`, smtpSender('race2@acme.test'))]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 402]);
    expect((await client.get(`${API}/senders`)).body.items).toHaveLength(1);
  });

  it('Connect Gmail: refused before the provider at the limit, refused at the callback when the last place went meanwhile, reconnect always allowed', async () => {
    const { client } = await owner();
    const authorize = await startOAuth(client);
    expect(authorize.origin).toBe(google.oauthBaseUrl);
    // Another account takes the only place while the user is at Google's consent screen.
    expect((await client.post(`${API}/senders`, smtpSender('first@acme.test'))).status).toBe(201);
    const result = await finishOAuth(client, authorize);
    expect(result.pathname).toBe('/senders');
    expect(result.searchParams.get('error')).toBe('plan_limit');
    expect(result.searchParams.get('message')).toMatch(/Free plan allows 1 sending account/);
    expect((await client.get(`${API}/senders`)).body.items).toHaveLength(1);
    const refused = await client.get(`${API}/senders/oauth/google/start`);
    expect(refused.status).toBe(302);
    const back = new URL(String(refused.headers.location));
    expect([back.origin + back.pathname, back.searchParams.get('error')]).toEqual(['http://app.test/senders', 'plan_limit']);

    // A Gmail account whose grant died is connected again at the limit: it takes no new place.
    const other = await owner();
    const connectedId = (await finishOAuth(other.client, await startOAuth(other.client))).searchParams.get('connected');
    expect(connectedId).toMatch(/^[0-9a-f-]{36}$/);
    await t.deps.database.sql.query(`UPDATE sender_accounts SET status = 'reconnect_needed' WHERE workspace_id = $1`, [other.workspaceId]);
    const reconnected = await finishOAuth(other.client, await startOAuth(other.client));
    expect(reconnected.searchParams.get('reconnected')).toBe(connectedId);
    expect((await other.client.get(`${API}/senders`)).body.items.map((x: { status: string }) => x.status)).toEqual(['active']);
  });

  it('Facebook Pages: pages past the limit are left out at completion, and starting again at the limit is a 402', async () => {
    const { client, workspaceId } = await owner();
    const { result } = await connectPages(client);
    expect(Object.fromEntries(result.searchParams)).toEqual({ workspaceId, connected: '1', limited: '1' });
    const pages = (await client.get(`${API}/pages`)).body.items;
    expect(pages).toHaveLength(1);
    // The page left out was not subscribed to our webhook either.
    const leftOut = fb.state.user.pages.find((p) => p.id !== pages[0].pageId)!;
    expect(fb.state.requests.some((r) => r.method === 'POST' && r.path === `/${leftOut.id}/subscribed_apps`)).toBe(false);
    expectLimit(await client.get(`${API}/channels/facebook/oauth/start`), 'pages', 1, 1);
    await upgrade(t.app, client, stripe, 'starter');
    const { result: second } = await connectPages(client);
    expect(second.searchParams.get('connected')).toBe('2');
    expect((await client.get(`${API}/pages`)).body.items).toHaveLength(2);
  });

  it('seats: a pending invite holds a seat; past the limit inviting is a 402', async () => {
    const { client, workspaceId } = await owner();
    expect((await client.post(`${API}/workspaces/${workspaceId}/invites`, { email: 'ann@acme.test', role: 'member' })).status).toBe(201);
    // Sending the same invite again replaces it rather than taking another seat.
    expect((await client.post(`${API}/workspaces/${workspaceId}/invites`, { email: 'ann@acme.test', role: 'admin' })).status).toBe(201);
    expectLimit(await client.post(`${API}/workspaces/${workspaceId}/invites`, { email: 'ben@acme.test', role: 'member' }), 'seats', 2, 2);
  });

  it('contacts: creating past the limit is a 402; an import that would pass it imports nothing and says why', async () => {
    const { client } = await owner();
    for (const email of ['a@x.test', 'b@x.test']) expect((await client.post(`${API}/contacts`, { email })).status).toBe(201);
    // 2 of 3 used: a file with one existing and two new addresses would make 4.
    const upload = await client.upload(`${API}/contacts/imports`, 'leads.csv', 'email,first_name\na@x.test,Ann\nc@x.test,Cat\nd@x.test,Dan\n');
    expect(upload.status).toBe(201);
    const started = await client.post(`${API}/contacts/imports/${upload.body.id}/start`, { mapping: { email: 'email', first_name: 'firstName' } });
    expect(started.status).toBe(202);
    const done = await waitFor(async () => {
      const r = await client.get(`${API}/contacts/imports/${upload.body.id}`);
      return ['completed', 'failed'].includes(r.body.status) ? r.body : null;
    }, 'import to finish');
    expect(done).toMatchObject({ status: 'failed', createdCount: 0 });
    expect(done.error).toMatch(/Free plan allows 3 contacts; this workspace has 2 and this would add 2\. Upgrade to add more\. Nothing was imported\./);
    expect((await client.get(`${API}/contacts`)).body.items).toHaveLength(2);

    expect((await client.post(`${API}/contacts`, { email: 'c@x.test' })).status).toBe(201);
    expectLimit(await client.post(`${API}/contacts`, { email: 'd@x.test' }), 'contacts', 3, 3);
    // At the limit an import that skips existing contacts cannot add anything: refused before it runs.
    const full = await client.upload(`${API}/contacts/imports`, 'more.csv', 'email\ne@x.test\n');
    expectLimit(await client.post(`${API}/contacts/imports/${full.body.id}/start`, { mapping: { email: 'email' } }), 'contacts', 3, 3);
    // One that only updates existing contacts may still run.
    const update = await client.upload(`${API}/contacts/imports`, 'update.csv', 'email,first_name\na@x.test,Annie\n');
    expect((await client.post(`${API}/contacts/imports/${update.body.id}/start`, { mapping: { email: 'email', first_name: 'firstName' }, dedupe: 'update' })).status).toBe(202);
    const updated = await waitFor(async () => {
      const r = await client.get(`${API}/contacts/imports/${update.body.id}`);
      return ['completed', 'failed'].includes(r.body.status) ? r.body : null;
    }, 'update import');
    expect(updated).toMatchObject({ status: 'completed', updatedCount: 1, createdCount: 0 });
  });

  it('messages: launching a campaign or a broadcast with the month\'s quota used up is a 402', async () => {
    const { client, workspaceId } = await owner();
    const { campaign } = await readyCampaign(client, workspaceId);
    const month = new Date().toISOString().slice(0, 7) + '-01';
    await t.deps.database.sql.query('INSERT INTO send_counters (key, day, count) VALUES ($1, $2, 5)', [`quota:${workspaceId}`, month]);
    expectLimit(await client.post(`${API}/campaigns/${campaign.id}/launch`), 'messagesPerMonth', 5, 5);
    // Messenger broadcasts draw on the same quota.
    const { rows: [page] } = await t.deps.database.sql.query<{ id: string }>(
      `INSERT INTO facebook_pages (workspace_id, page_id, name, access_token_enc) VALUES ($1, 'p-quota', 'Quota Page', 'enc:v1:unused') RETURNING id`, [workspaceId]);
    expectLimit(await client.post(`${API}/broadcasts`, { pageId: page!.id, text: 'News!' }), 'messagesPerMonth', 5, 5);
    await upgrade(t.app, client, stripe, 'starter');
    expect((await client.post(`${API}/campaigns/${campaign.id}/launch`)).status).toBe(200);
  });
});
