import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { TestClient } from '../../../test/helpers/client.js';
import { engineName } from '../../../test/helpers/db.js';
import { connectPages, messengerEnv, postWebhook } from '../../../test/helpers/messenger.js';
import { startFakeFacebook, type FakeFacebook } from '../../../test/fakes/facebook.js';
import { randomBytes } from 'node:crypto';
import { keyIdOf } from '../../lib/crypto.js';
import { openPageToken, type PageRow } from './pages.js';
import { reencryptPageTokens } from './rotate-page-tokens.js';

let t: TestApp;
let fb: FakeFacebook;

const q = async <T = Record<string, any>>(text: string, params: unknown[] = []) => (await t.deps.database.sql.query<T>(text, params)).rows;
async function pageRows(workspaceId: string): Promise<PageRow[]> {
  const rows = await q('SELECT * FROM facebook_pages WHERE workspace_id = $1 ORDER BY name', [workspaceId]);
  return rows.map((r) => ({ id: r.id, workspaceId: r.workspace_id, pageId: r.page_id, name: r.name, accessTokenEnc: r.access_token_enc, status: r.status, statusReason: r.status_reason, subscribedFields: r.subscribed_fields, nextSendAt: r.next_send_at, createdAt: r.created_at, updatedAt: r.updated_at }));
}
async function signedUp() {
  const c = new TestClient(t.app);
  const { workspace } = await c.signup();
  return { c, workspaceId: workspace.id as string };
}

beforeAll(async () => {
  fb = await startFakeFacebook();
  t = await createTestApp({ env: messengerEnv(fb) });
});
afterAll(async () => {
  await t?.close();
  await fb?.close();
});

describe(`connect Facebook Pages (${engineName})`, () => {
  it('Login dialog → code → long-lived token → page tokens sealed at rest → app subscribed to each page', async () => {
    const { c, workspaceId } = await signedUp();
    const before = fb.state.requests.length;
    const { dialog, result } = await connectPages(c);

    expect(dialog.origin + dialog.pathname).toBe(`${fb.oauthUrl}/v21.0/dialog/oauth`);
    expect(Object.fromEntries(dialog.searchParams)).toMatchObject({
      client_id: fb.appId, redirect_uri: 'http://app.test/api/v1/channels/facebook/oauth/callback', response_type: 'code',
      scope: 'pages_show_list,pages_messaging,pages_manage_metadata,pages_read_engagement',
    });
    expect(result.origin + result.pathname).toBe('http://app.test/pages');
    expect(Object.fromEntries(result.searchParams)).toEqual({ workspaceId, connected: '2' });

    const calls = fb.state.requests.slice(before);
    const tokenCalls = calls.filter((r) => r.path === '/oauth/access_token');
    expect(tokenCalls.map((r) => r.query.get('grant_type'))).toEqual([null, 'fb_exchange_token']);
    expect(tokenCalls[0]!.query.get('redirect_uri')).toBe('http://app.test/api/v1/channels/facebook/oauth/callback');
    // Pages are read with the long-lived token, so their tokens do not expire.
    const accounts = calls.find((r) => r.path === '/me/accounts')!;
    expect(fb.state.tokens.get(accounts.query.get('access_token')!)!.kind).toBe('user_long');

    const rows = await pageRows(workspaceId);
    expect(rows.map((r) => [r.name, r.status, r.subscribedFields])).toEqual([
      ['Acme Bikes', 'active', ['messages', 'messaging_postbacks', 'message_echoes', 'message_deliveries', 'message_reads']],
      ['Acme Outlet', 'active', ['messages', 'messaging_postbacks', 'message_echoes', 'message_deliveries', 'message_reads']],
    ]);
    for (const row of rows) {
      const token = fb.pageToken(row.pageId)!;
      expect(row.accessTokenEnc).toMatch(/^enc:v1:/);
      expect(row.accessTokenEnc).not.toContain(token);
      expect(openPageToken(t.deps.config.secrets, row)).toBe(token);
      const sub = calls.find((r) => r.method === 'POST' && r.path === `/${row.pageId}/subscribed_apps`)!;
      expect(sub.query.get('subscribed_fields')).toBe('messages,messaging_postbacks,message_echoes,message_deliveries,message_reads');
      expect(sub.query.get('access_token')).toBe(token);
      expect(fb.state.subscriptions.get(row.pageId)).toHaveLength(5);
    }

    const listed = (await c.get('/api/v1/pages')).body.items;
    expect(listed.map((p: { name: string; status: string }) => [p.name, p.status])).toEqual([['Acme Bikes', 'active'], ['Acme Outlet', 'active']]);
    expect(JSON.stringify(listed)).not.toContain('enc:v1');
  });

  it('the state works once, and only for the user who started the flow', async () => {
    const { c, workspaceId } = await signedUp();
    const { callback } = await connectPages(c);
    const exchanges = fb.requestsTo('/oauth/access_token').length;
    const replay = await c.get(callback.pathname + callback.search);
    expect(new URL(String(replay.headers.location)).searchParams.get('error')).toBe('invalid_state');
    expect(fb.requestsTo('/oauth/access_token').length).toBe(exchanges);

    const start = await c.get('/api/v1/channels/facebook/oauth/start');
    const back = new URL((await fetch(start.body.url, { redirect: 'manual' })).headers.get('location')!);
    const other = await signedUp();
    const res = await other.c.get(back.pathname + back.search);
    expect(new URL(String(res.headers.location)).searchParams.get('error')).toBe('invalid_state');
    expect(await pageRows(other.workspaceId)).toEqual([]);
    expect(await pageRows(workspaceId)).toHaveLength(2);
  });

  it('a forged state never reaches Facebook', async () => {
    const { c } = await signedUp();
    const exchanges = fb.requestsTo('/oauth/access_token').length;
    const res = await c.get('/api/v1/channels/facebook/oauth/callback?code=AQxyz&state=forged');
    expect(new URL(String(res.headers.location)).searchParams.get('error')).toBe('invalid_state');
    expect(fb.requestsTo('/oauth/access_token').length).toBe(exchanges);
  });

  it('a declined permission or a refusal at the dialog is reported and connects nothing', async () => {
    const { c, workspaceId } = await signedUp();
    fb.state.consent.declinePermissions = ['pages_messaging'];
    try {
      const { result } = await connectPages(c);
      expect(result.searchParams.get('error')).toBe('missing_permissions');
      expect(result.searchParams.get('message')).toContain('pages_messaging');
    } finally {
      fb.state.consent.declinePermissions = [];
    }
    fb.state.consent.deny = true;
    try {
      const { result } = await connectPages(c);
      expect(result.searchParams.get('error')).toBe('user_denied');
    } finally {
      fb.state.consent.deny = false;
    }
    expect(await pageRows(workspaceId)).toEqual([]);
  });

  it('a page whose webhook subscription fails is stored as "reconnect needed" with Facebook\'s reason', async () => {
    const { c, workspaceId } = await signedUp();
    fb.failNext(1, 'permission200', { on: 'subscribe' });
    const { result } = await connectPages(c);
    expect(Object.fromEntries(result.searchParams)).toMatchObject({ connected: '1', failed: '1' });
    const [first, second] = await pageRows(workspaceId);
    expect(first).toMatchObject({ status: 'reconnect_needed', statusReason: expect.stringContaining('Facebook error 200'), subscribedFields: [] });
    expect(second!.status).toBe('active');
  });

  it('connecting again revives the same rows with fresh tokens and clears "reconnect needed"', async () => {
    const { c, workspaceId } = await signedUp();
    await connectPages(c);
    const [before] = await pageRows(workspaceId);
    await q(`UPDATE facebook_pages SET status = 'reconnect_needed', status_reason = 'token revoked' WHERE id = $1`, [before!.id]);
    await connectPages(c);
    const [after] = await pageRows(workspaceId);
    expect(after).toMatchObject({ id: before!.id, status: 'active', statusReason: null });
    expect(after!.accessTokenEnc).not.toBe(before!.accessTokenEnc);
    expect(openPageToken(t.deps.config.secrets, after!)).toBe(fb.pageToken(after!.pageId));
  });

  it('disconnecting a page forgets its token and unsubscribes the app; another workspace cannot touch it', async () => {
    const { c, workspaceId } = await signedUp();
    await connectPages(c);
    const [page] = (await c.get('/api/v1/pages')).body.items;
    const stranger = await signedUp();
    expect((await stranger.c.delete(`/api/v1/pages/${page.id}`)).status).toBe(404);

    // The page is connected in other test workspaces too: its subscription must stay until the last one leaves.
    const shared = (await q('SELECT count(*)::int AS n FROM facebook_pages WHERE page_id = $1 AND status <> $2', [page.pageId, 'disconnected']))[0]!.n;
    expect(shared).toBeGreaterThan(1);
    expect((await c.delete(`/api/v1/pages/${page.id}`)).status).toBe(204);
    expect(fb.requestsTo(`/${page.pageId}/subscribed_apps`, 'DELETE')).toHaveLength(0);
    expect((await c.get('/api/v1/pages')).body.items.map((p: { id: string }) => p.id)).not.toContain(page.id);
    const [row] = (await pageRows(workspaceId)).filter((r) => r.id === page.id);
    expect(row!.status).toBe('disconnected');
    expect(openPageToken(t.deps.config.secrets, row!)).toBeNull();
    expect(openPageToken(t.deps.config.secrets, { ...row!, status: 'active' })).toBeNull();

    await q('UPDATE facebook_pages SET status = $1 WHERE page_id = $2', ['disconnected', page.pageId]);
    await connectPages(c);
    expect((await c.delete(`/api/v1/pages/${page.id}`)).status).toBe(204);
    expect(fb.requestsTo(`/${page.pageId}/subscribed_apps`, 'DELETE')).toHaveLength(1);
    expect(fb.state.subscriptions.has(page.pageId)).toBe(false);
  });

  it('an API key may list pages but cannot start a browser sign-in', async () => {
    const { c } = await signedUp();
    const bot = new TestClient(t.app);
    bot.apiKey = (await c.post('/api/v1/api-keys', { name: 'k', role: 'admin' })).body.key;
    expect((await bot.get('/api/v1/pages')).status).toBe(200);
    expect((await bot.get('/api/v1/channels/facebook/oauth/start')).status).toBe(403);
  });
});

describe(`page tokens and key rotation (${engineName})`, () => {
  it('re-seals every page token under the new active key; they still open to the same token', async () => {
    const { c, workspaceId } = await signedUp();
    await connectPages(c);
    const secrets = t.deps.config.secrets;
    secrets.encryptionKeys.k2 = randomBytes(32).toString('base64');
    secrets.encryptionKeyId = 'k2';
    const first = await reencryptPageTokens(t.deps.db, secrets);
    expect(first.rotated).toBeGreaterThanOrEqual(2);
    for (const row of await pageRows(workspaceId)) {
      expect(keyIdOf(row.accessTokenEnc)).toBe('k2');
      expect(openPageToken(secrets, row)).toBe(fb.pageToken(row.pageId));
    }
    expect((await reencryptPageTokens(t.deps.db, secrets)).rotated).toBe(0);
  });
});

describe(`Messenger not configured (${engineName})`, () => {
  let bare: TestApp;
  beforeAll(async () => { bare = await createTestApp(); });
  afterAll(async () => { await bare?.close(); });

  it('every Messenger route answers a clear 503 problem naming the settings', async () => {
    const c = new TestClient(bare.app);
    await c.signup();
    const start = await c.get('/api/v1/channels/facebook/oauth/start');
    expect(start.status).toBe(503);
    expect(start.body).toMatchObject({ type: expect.stringContaining('messenger-not-configured'), detail: expect.stringContaining('FACEBOOK_APP_ID') });
    expect((await bare.app.inject({ method: 'GET', url: '/api/v1/webhooks/facebook?hub.mode=subscribe&hub.verify_token=x&hub.challenge=1' })).statusCode).toBe(503);
    const post = await postWebhook(bare.app, fb, { object: 'page', entry: [] });
    expect(post.statusCode).toBe(503);
    expect((await c.get('/api/v1/pages')).body.items).toEqual([]);
  });
});
