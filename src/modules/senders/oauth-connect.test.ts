import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { TestClient } from '../../../test/helpers/client.js';
import { engineName } from '../../../test/helpers/db.js';
import { startFakeGoogle, type FakeGoogle } from '../../../test/fakes/google.js';
import { startFakeMicrosoft, type FakeMicrosoft } from '../../../test/fakes/microsoft.js';

let t: TestApp;
let google: FakeGoogle;
let microsoft: FakeMicrosoft;

beforeAll(async () => {
  google = await startFakeGoogle({ clientId: 'g-client', clientSecret: 'g-secret', email: 'sam@gmail.test' });
  microsoft = await startFakeMicrosoft({ clientId: 'm-client', clientSecret: 'm-secret', email: 'sam@contoso.test' });
  t = await createTestApp({
    env: {
      GOOGLE_CLIENT_ID: 'g-client', GOOGLE_CLIENT_SECRET: 'g-secret',
      GOOGLE_AUTH_URL: `${google.oauthBaseUrl}/o/oauth2/v2/auth`, GOOGLE_TOKEN_URL: `${google.oauthBaseUrl}/token`,
      GOOGLE_API_BASE_URL: google.apiBaseUrl, GOOGLE_USERINFO_URL: `${google.apiBaseUrl}/oauth2/v2/userinfo`,
      MICROSOFT_CLIENT_ID: 'm-client', MICROSOFT_CLIENT_SECRET: 'm-secret',
      MICROSOFT_LOGIN_BASE_URL: microsoft.loginBaseUrl, MICROSOFT_GRAPH_BASE_URL: microsoft.graphBaseUrl,
    },
  });
});
afterAll(async () => {
  await t?.close();
  await google?.close();
  await microsoft?.close();
});

/** The browser's round trip: our start → provider consent → back to our callback → the app. */
async function connect(c: TestClient, provider: 'google' | 'microsoft') {
  const start = await c.get(`/api/v1/senders/oauth/${provider}/start`);
  expect(start.status).toBe(302);
  const authorize = new URL(String(start.headers.location));
  const consent = await fetch(authorize, { redirect: 'manual' });
  expect(consent.status, await consent.clone().text()).toBe(302);
  const back = new URL(consent.headers.get('location')!);
  expect(back.pathname).toBe(`/api/v1/senders/oauth/${provider}/callback`);
  const done = await c.get(back.pathname + back.search);
  expect(done.status).toBe(302);
  return { authorize, result: new URL(String(done.headers.location)) };
}

describe(`connect Gmail and Microsoft 365 (${engineName})`, () => {
  it('Gmail: PKCE + state, offline access, granted scopes checked, tokens stored encrypted', async () => {
    const c = new TestClient(t.app);
    await c.signup();
    const { authorize, result } = await connect(c, 'google');
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({ client_id: 'g-client', response_type: 'code', code_challenge_method: 'S256', access_type: 'offline', prompt: 'consent' });
    expect(authorize.searchParams.get('scope')).toContain('https://www.googleapis.com/auth/gmail.send');
    expect(result.searchParams.get('connected')).toMatch(/^[0-9a-f-]{36}$/);
    const [sender] = (await c.get('/api/v1/senders')).body.items;
    expect(sender).toMatchObject({ kind: 'gmail', email: 'sam@gmail.test', status: 'active' });
    const { rows } = await t.deps.database.sql.query<{ access_token_enc: string; refresh_token_enc: string; scopes: string[] }>('SELECT access_token_enc, refresh_token_enc, scopes FROM sender_accounts WHERE id = $1', [sender.id]);
    expect(rows[0]!.refresh_token_enc).toMatch(/^enc:v1:/);
    expect([...google.state.refreshTokens.keys()].some((tok) => JSON.stringify(rows[0]).includes(tok))).toBe(false);
    expect(rows[0]!.scopes).toContain('https://www.googleapis.com/auth/gmail.readonly');
    // The state works once.
    const replay = await c.get(`/api/v1/senders/oauth/google/callback?code=x&state=${authorize.searchParams.get('state')}`);
    expect(new URL(String(replay.headers.location)).searchParams.get('error')).toBe('invalid_state');
  });

  it('Gmail: a user who unticks the read permission gets a clear error and no account', async () => {
    const c = new TestClient(t.app);
    await c.signup();
    google.state.consent.dropScopes = ['https://www.googleapis.com/auth/gmail.readonly'];
    try {
      const { result } = await connect(c, 'google');
      expect(result.searchParams.get('error')).toBe('missing_scopes');
      expect(result.searchParams.get('message')).toMatch(/read/);
    } finally {
      google.state.consent.dropScopes = [];
    }
    expect((await c.get('/api/v1/senders')).body.items).toEqual([]);
  });

  it('the callback refuses a state started by another user', async () => {
    const a = new TestClient(t.app);
    await a.signup();
    const start = await a.get('/api/v1/senders/oauth/google/start');
    const consent = await fetch(String(start.headers.location), { redirect: 'manual' });
    const back = new URL(consent.headers.get('location')!);
    const b = new TestClient(t.app);
    await b.signup();
    const res = await b.get(back.pathname + back.search);
    expect(new URL(String(res.headers.location)).searchParams.get('error')).toBe('invalid_state');
    expect((await b.get('/api/v1/senders')).body.items).toEqual([]);
  });

  it('Microsoft 365: connects with offline_access, Mail.Send and Mail.Read; reconnecting replaces tokens', async () => {
    const c = new TestClient(t.app);
    await c.signup();
    const first = await connect(c, 'microsoft');
    expect(first.authorize.searchParams.get('scope')).toEqual(expect.stringContaining('offline_access'));
    const id = first.result.searchParams.get('connected');
    expect(first.result.search).toContain('connected=');
    const [sender] = (await c.get('/api/v1/senders')).body.items;
    expect(sender).toMatchObject({ id, kind: 'outlook', email: 'sam@contoso.test', status: 'active' });
    await t.deps.database.sql.query(`UPDATE sender_accounts SET status = 'reconnect_needed', status_reason = 'invalid_grant' WHERE id = $1`, [id]);
    const again = await connect(c, 'microsoft');
    expect(again.result.searchParams.get('reconnected')).toBe(id);
    expect((await c.get(`/api/v1/senders/${id}`)).body).toMatchObject({ status: 'active', statusReason: null });
  });

  it('an API key cannot start a browser sign-in', async () => {
    const c = new TestClient(t.app);
    await c.signup();
    const bot = new TestClient(t.app);
    bot.apiKey = (await c.post('/api/v1/api-keys', { name: 'k', role: 'admin' })).body.key;
    expect((await bot.get('/api/v1/senders/oauth/google/start')).status).toBe(403);
  });
});

describe(`stored OAuth accounts (${engineName})`, () => {
  const tokenCalls = () => google.state.requests.filter((r) => r.path === '/token').length;

  it('refreshes an expired access token, stores the new one sealed, and the test passes', async () => {
    const c = new TestClient(t.app);
    await c.signup();
    const id = (await connect(c, 'google')).result.searchParams.get('connected')!;
    const before = (await t.deps.database.sql.query<{ access_token_enc: string }>('SELECT access_token_enc FROM sender_accounts WHERE id = $1', [id])).rows[0]!.access_token_enc;
    google.expireAccessTokens();
    const res = await c.post(`/api/v1/senders/${id}/test`);
    expect(res.body.ok, JSON.stringify(res.body)).toBe(true);
    const after = (await t.deps.database.sql.query<{ access_token_enc: string }>('SELECT access_token_enc FROM sender_accounts WHERE id = $1', [id])).rows[0]!.access_token_enc;
    expect(after).not.toBe(before);
    expect(after).toMatch(/^enc:v1:/);
  });

  it('a revoked grant marks the account "reconnect needed" after one token call, with no retry loop', async () => {
    const c = new TestClient(t.app);
    await c.signup();
    google.state.consent.email = 'revoked@gmail.test';
    let id: string;
    try {
      id = (await connect(c, 'google')).result.searchParams.get('connected')!;
    } finally {
      google.state.consent.email = 'sam@gmail.test';
    }
    for (const token of google.state.refreshTokens.keys()) if (google.state.refreshTokens.get(token)!.email === 'revoked@gmail.test') google.revokeRefreshToken(token);
    google.expireAccessTokens();
    const calls = tokenCalls();
    const res = await c.post(`/api/v1/senders/${id}/test`);
    // The stored access token still looks fresh to us: Gmail answers 401, one refresh is tried, invalid_grant.
    expect(res.body.ok).toBe(false);
    expect(res.body.checks.some((check: { ok: boolean }) => !check.ok)).toBe(true);
    expect(tokenCalls() - calls).toBe(1);
    const sender = (await c.get(`/api/v1/senders/${id}`)).body;
    expect(sender.status).toBe('reconnect_needed');
    expect(sender.statusReason).toMatch(/invalid_grant/);
    // Reconnecting restores it.
    google.state.consent.email = 'revoked@gmail.test';
    try {
      expect((await connect(c, 'google')).result.searchParams.get('reconnected')).toBe(id);
    } finally {
      google.state.consent.email = 'sam@gmail.test';
    }
    expect((await c.get(`/api/v1/senders/${id}`)).body.status).toBe('active');
    expect((await c.post(`/api/v1/senders/${id}/test`)).body.ok).toBe(true);
  });
});
