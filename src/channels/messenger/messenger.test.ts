import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { startFakeFacebook, type FakeFacebook, type FacebookFailure } from '../../../test/fakes/facebook.js';
import { closedPort } from '../../../test/helpers/closed-port.js';
import { exchangeCode, exchangeToken, getPermissions, getProfile, listPages, loginDialogUrl, sendMessage, subscribeApp, WEBHOOK_FIELDS, type GraphSettings } from './index.js';
import { retryAfterFromHeaders } from './errors.js';

const REDIRECT = 'http://app.test/api/v1/channels/facebook/oauth/callback';
let fb: FakeFacebook;
let s: GraphSettings;

beforeAll(async () => {
  fb = await startFakeFacebook({ appId: '4242', appSecret: 'app-secret-for-tests' });
  s = { graphUrl: fb.graphUrl, apiVersion: 'v21.0', appId: '4242', appSecret: 'app-secret-for-tests' };
});
afterAll(async () => { await fb?.close(); });
beforeEach(() => { fb.state.failures.length = 0; });

/** Connects the fake's user the way the product does and returns a page token. */
async function pageToken(pageIndex = 0) {
  const short = await exchangeCode(s, fb.issueCode(REDIRECT), REDIRECT);
  if (!short.ok) throw new Error(short.message);
  const long = await exchangeToken(s, short.data.accessToken);
  if (!long.ok) throw new Error(long.message);
  const pages = await listPages(s, long.data.accessToken);
  if (!pages.ok) throw new Error(pages.message);
  return pages.data[pageIndex]!;
}

describe('Messenger Graph client: login and pages', () => {
  it('builds the Login dialog URL with the pinned version, state and comma-separated scopes', () => {
    const url = new URL(loginDialogUrl({ oauthUrl: 'https://www.facebook.com', apiVersion: 'v21.0', appId: '4242', redirectUri: REDIRECT, state: 'st' }));
    expect(url.origin + url.pathname).toBe('https://www.facebook.com/v21.0/dialog/oauth');
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: '4242', redirect_uri: REDIRECT, state: 'st', response_type: 'code', scope: 'pages_show_list,pages_messaging,pages_manage_metadata,pages_read_engagement' });
  });

  it('exchanges the code, then the short-lived token for a long-lived one, on the versioned token endpoint', async () => {
    const short = await exchangeCode(s, fb.issueCode(REDIRECT), REDIRECT);
    expect(short.ok && short.data.expiresIn).toBeLessThan(10_000);
    const long = await exchangeToken(s, short.ok ? short.data.accessToken : '');
    expect(long.ok && long.data.expiresIn).toBeGreaterThan(5_000_000);
    const [codeCall, exchangeCall] = fb.requestsTo('/oauth/access_token').slice(-2);
    expect(codeCall!.version).toBe('v21.0');
    expect(Object.fromEntries(codeCall!.query)).toMatchObject({ client_id: '4242', client_secret: 'app-secret-for-tests', redirect_uri: REDIRECT });
    expect(Object.fromEntries(exchangeCall!.query)).toMatchObject({ grant_type: 'fb_exchange_token', fb_exchange_token: short.ok ? short.data.accessToken : '' });
  });

  it('a reused code or a different redirect URI is refused with Graph\'s error, as a permanent failure', async () => {
    const code = fb.issueCode(REDIRECT);
    const wrong = await exchangeCode(s, code, 'http://evil.test/cb');
    expect(wrong).toMatchObject({ ok: false, kind: 'permanent', code: 100, subcode: 36008 });
    await exchangeCode(s, code, REDIRECT);
    expect(await exchangeCode(s, code, REDIRECT)).toMatchObject({ ok: false, code: 100, subcode: 36009, message: expect.stringContaining('has been used') });
  });

  it('lists every page across Graph paging links, each with its own page token, and signs calls with appsecret_proof', async () => {
    const extra = Array.from({ length: 130 }, (_, i) => ({ id: String(900000000000000 + i), name: `Page ${i}`, category: 'Shop', tasks: ['MESSAGING'] }));
    const original = fb.state.user.pages;
    fb.state.user.pages = [...original, ...extra];
    try {
      const short = await exchangeCode(s, fb.issueCode(REDIRECT), REDIRECT);
      const before = fb.requestsTo('/me/accounts').length;
      const pages = await listPages(s, short.ok ? short.data.accessToken : '');
      expect(pages.ok && pages.data.length).toBe(132);
      expect(fb.requestsTo('/me/accounts').length - before).toBe(2);
      const call = fb.requestsTo('/me/accounts').at(-1)!;
      const token = call.query.get('access_token')!;
      expect(call.query.get('appsecret_proof')).toBe(createHmac('sha256', 'app-secret-for-tests').update(token).digest('hex'));
      expect(pages.ok && new Set(pages.data.map((p) => p.accessToken)).size).toBe(132);
    } finally {
      fb.state.user.pages = original;
    }
  });

  it('reads granted and declined permissions', async () => {
    fb.state.permissions.set('pages_messaging', 'declined');
    try {
      const short = await exchangeCode(s, fb.issueCode(REDIRECT), REDIRECT);
      const perms = await getPermissions(s, short.ok ? short.data.accessToken : '');
      expect(perms.ok && perms.data.declined).toEqual(['pages_messaging']);
      expect(perms.ok && perms.data.granted).toContain('pages_manage_metadata');
    } finally {
      fb.state.permissions.set('pages_messaging', 'granted');
    }
  });

  it('subscribes the app to the page\'s webhook fields with the page token', async () => {
    const page = await pageToken();
    expect(await subscribeApp(s, page.id, page.accessToken)).toEqual({ ok: true, data: { success: true } });
    const call = fb.requestsTo(`/${page.id}/subscribed_apps`, 'POST').at(-1)!;
    expect(call.query.get('subscribed_fields')).toBe('messages,messaging_postbacks,message_echoes,message_deliveries,message_reads');
    expect(fb.state.subscriptions.get(page.id)).toEqual([...WEBHOOK_FIELDS]);
  });

  it('a wrong app secret makes every token call fail (appsecret_proof does not match)', async () => {
    const page = await pageToken();
    const res = await subscribeApp({ ...s, appSecret: 'not-the-secret' }, page.id, page.accessToken);
    expect(res).toMatchObject({ ok: false, kind: 'permanent', code: 100, message: expect.stringContaining('appsecret_proof') });
  });
});

describe('Messenger Graph client: profiles', () => {
  it('reads first name, last name and picture for a PSID', async () => {
    const page = await pageToken();
    const person = fb.addPerson({ pageId: page.id, firstName: 'Lena', lastName: 'Berg' });
    const res = await getProfile(s, page.accessToken, person.psid);
    expect(res).toEqual({ ok: true, data: { firstName: 'Lena', lastName: 'Berg', profilePic: person.profile_pic } });
    expect(fb.requestsTo(`/${person.psid}`).at(-1)!.query.get('fields')).toBe('first_name,last_name,profile_pic');
  });

  it('a refused profile (error 100 / permissions) is a failure value, not an exception', async () => {
    const page = await pageToken();
    const person = fb.addPerson({ pageId: page.id });
    fb.failNext(1, 'profileDenied100', { on: 'profile' });
    expect(await getProfile(s, page.accessToken, person.psid)).toMatchObject({ ok: false, kind: 'permanent', code: 100, subcode: 33 });
    fb.failNext(1, 'permission200', { on: 'profile' });
    expect(await getProfile(s, page.accessToken, person.psid)).toMatchObject({ ok: false, kind: 'permanent', code: 200, status: 403 });
  });
});

describe('Messenger Send API', () => {
  it('sends RESPONSE text and returns the mid; the body is exactly what the Send API documents', async () => {
    const page = await pageToken();
    const person = fb.addPerson({ pageId: page.id });
    const res = await sendMessage(s, { pageToken: page.accessToken, psid: person.psid, text: 'Hi Ana!', messagingType: 'RESPONSE' });
    expect(res).toMatchObject({ ok: true, recipientId: person.psid, mid: expect.stringMatching(/^m_/) });
    const call = fb.requestsTo('/me/messages', 'POST').at(-1)!;
    expect(call.json).toEqual({ recipient: { id: person.psid }, messaging_type: 'RESPONSE', message: { text: 'Hi Ana!' } });
    expect(call.headers['content-type']).toBe('application/json');
    expect(call.query.get('appsecret_proof')).toBe(createHmac('sha256', 'app-secret-for-tests').update(page.accessToken).digest('hex'));
  });

  it('sends MESSAGE_TAG with the HUMAN_AGENT tag', async () => {
    const page = await pageToken();
    const person = fb.addPerson({ pageId: page.id, at: Date.now() - 3 * 86_400_000 });
    const res = await sendMessage(s, { pageToken: page.accessToken, psid: person.psid, text: 'Following up', messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    expect(res.ok).toBe(true);
    expect(fb.requestsTo('/me/messages', 'POST').at(-1)!.json).toEqual({ recipient: { id: person.psid }, messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT', message: { text: 'Following up' } });
  });

  const cases: [FacebookFailure, Record<string, unknown>][] = [
    ['invalidToken190', { kind: 'auth', code: 190, subcode: 460 }],
    ['outsideWindow', { kind: 'outside_window', code: 10, subcode: 2018278 }],
    ['policyBlocked', { kind: 'outside_window', code: 10, subcode: 2018108 }],
    ['unavailable551', { kind: 'unavailable', code: 551, subcode: 1545041 }],
    ['rateLimit613', { kind: 'rate_limited', code: 613, retryAfterSeconds: 300 }],
    ['appLimit4', { kind: 'rate_limited', code: 4, retryAfterSeconds: 60 }],
    ['transient2', { kind: 'transient', code: 2, status: 500 }],
    ['serverError', { kind: 'transient', code: 1, status: 500 }],
    ['noMatchingUser100', { kind: 'permanent', code: 100, subcode: 2018001 }],
  ];
  it.each(cases)('Graph error %s is classified %o', async (failure, expected) => {
    const page = await pageToken();
    const person = fb.addPerson({ pageId: page.id });
    fb.failNext(1, failure, { estimatedMinutes: 5 });
    const res = await sendMessage(s, { pageToken: page.accessToken, psid: person.psid, text: 'hello', messagingType: 'RESPONSE' });
    expect(res).toMatchObject({ ok: false, ...expected });
    expect(!res.ok && res.message).toMatch(/^Facebook error \d+/);
  });

  it('the real window check: RESPONSE more than 24 hours after the last message is refused as outside_window', async () => {
    const page = await pageToken();
    const person = fb.addPerson({ pageId: page.id, at: Date.now() - 25 * 3600_000 });
    const res = await sendMessage(s, { pageToken: page.accessToken, psid: person.psid, text: 'late', messagingType: 'RESPONSE' });
    expect(res).toMatchObject({ ok: false, kind: 'outside_window', code: 10, subcode: 2018278 });
  });

  it('a token that stopped working (password changed) is an auth failure', async () => {
    const page = await pageToken();
    const person = fb.addPerson({ pageId: page.id });
    fb.invalidateTokens();
    const res = await sendMessage(s, { pageToken: page.accessToken, psid: person.psid, text: 'x', messagingType: 'RESPONSE' });
    expect(res).toMatchObject({ ok: false, kind: 'auth', code: 190 });
  });

  it('Facebook unreachable is transient, with no Graph code', async () => {
    const res = await sendMessage({ ...s, graphUrl: `http://127.0.0.1:${await closedPort()}` }, { pageToken: 'EAAx', psid: '123', text: 'x', messagingType: 'RESPONSE' });
    expect(res).toMatchObject({ ok: false, kind: 'transient', code: null, status: null, message: expect.stringContaining('could not be reached') });
  });
});

describe('rate-limit hints', () => {
  it('reads estimated_time_to_regain_access (minutes) from the usage headers, or Retry-After', () => {
    expect(retryAfterFromHeaders(new Headers({ 'x-business-use-case-usage': JSON.stringify({ 123: [{ type: 'messenger', estimated_time_to_regain_access: 7 }] }) }))).toBe(420);
    expect(retryAfterFromHeaders(new Headers({ 'x-app-usage': JSON.stringify({ call_count: 100, estimated_time_to_regain_access: 2 }) }))).toBe(120);
    expect(retryAfterFromHeaders(new Headers({ 'retry-after': '9' }))).toBe(9);
    expect(retryAfterFromHeaders(new Headers({ 'x-app-usage': 'not json' }))).toBeUndefined();
  });
});
