/**
 * Self-test of the fake Microsoft: drives it with plain fetch exactly as a real identity-platform /
 * Graph client would, and pins the wire format (status, headers, exact JSON) our provider code relies on.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { startFakeMicrosoft, type FakeMicrosoft } from './microsoft.js';

const REDIRECT = 'http://app.test/api/v1/mailboxes/oauth/microsoft/callback';
const SCOPES = ['openid', 'email', 'offline_access', 'https://graph.microsoft.com/Mail.Send', 'https://graph.microsoft.com/Mail.Read'];
const ME = 'sender@contoso.test';

let ms: FakeMicrosoft;
beforeEach(async () => { ms = await startFakeMicrosoft({ redirectUris: [REDIRECT], email: ME }); });
afterEach(async () => { await ms.close(); });

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

async function authorize(overrides: Record<string, string | null> = {}) {
  const { verifier, challenge } = pkce();
  const u = new URL(`${ms.loginBaseUrl}/common/oauth2/v2.0/authorize`);
  const params: Record<string, string | null> = {
    client_id: ms.clientId, redirect_uri: REDIRECT, response_type: 'code', response_mode: 'query', scope: SCOPES.join(' '),
    state: 'st-456', code_challenge: challenge, code_challenge_method: 'S256', prompt: 'select_account', ...overrides,
  };
  for (const [k, v] of Object.entries(params)) if (v !== null) u.searchParams.set(k, v);
  const res = await fetch(u, { redirect: 'manual' });
  return { res, verifier, location: res.headers.get('location') ? new URL(res.headers.get('location')!) : null };
}

const tokenRequest = (form: Record<string, string>) =>
  fetch(`${ms.loginBaseUrl}/common/oauth2/v2.0/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
const creds = () => ({ client_id: ms.clientId, client_secret: ms.clientSecret });

async function connect() {
  const { location, verifier } = await authorize();
  const res = await tokenRequest({ ...creds(), grant_type: 'authorization_code', code: location!.searchParams.get('code')!, code_verifier: verifier, redirect_uri: REDIRECT, scope: SCOPES.join(' ') });
  return (await res.json()) as { access_token: string; refresh_token: string; scope: string };
}

const graph = (token: string, path: string, init: RequestInit = {}) =>
  fetch(path.startsWith('http') ? path : `${ms.graphBaseUrl}/v1.0${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });

/** Expected Graph error: exact code + message; innerError ids vary per request. */
const graphErr = (code: string, message: string) => ({ error: { code, message, innerError: { date: expect.any(String), 'request-id': expect.any(String), 'client-request-id': expect.any(String) } } });
/** Expected Entra token error for AADSTS `n`. */
const aadErr = (error: string, n: number, text: string) => ({
  error, error_codes: [n], timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/), trace_id: expect.any(String), correlation_id: expect.any(String),
  error_uri: `${ms.loginBaseUrl}/error?code=${n}`,
  error_description: expect.stringMatching(new RegExp(`^AADSTS${n}: ${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} Trace ID: [0-9a-f-]{36} Correlation ID: [0-9a-f-]{36} Timestamp: `)),
});

async function mime(opts: { messageId: string; subject?: string; inReplyTo?: string }) {
  return new MailComposer({
    from: `Sender <${ME}>`, to: 'Lead <lead@prospect.test>', subject: opts.subject ?? 'Quick question',
    text: 'Hi Ana,\nare you the right person?', html: '<p>Hi Ana, are you the right person?</p>', messageId: opts.messageId,
    ...(opts.inReplyTo && { inReplyTo: opts.inReplyTo, references: [opts.inReplyTo] }),
    headers: {
      'List-Unsubscribe': '<mailto:unsubscribe@app.test?subject=unsubscribe-tok123>, <https://app.test/u/tok123-abcdefghijklmnopqrstuvwxyz>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  }).compile().build();
}
const sendMime = (token: string, raw: Buffer) => graph(token, '/me/sendMail', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: raw.toString('base64') });
const byMessageId = (token: string, id: string, where = '/me/messages', select = '') =>
  graph(token, `${where}?$filter=${encodeURIComponent(`internetMessageId eq '${id}'`)}${select && `&$select=${select}`}`);

describe('fake microsoft: identity platform', () => {
  it('runs the authorization-code + PKCE flow and serves /me', async () => {
    const { res, location, verifier } = await authorize();
    expect(res.status).toBe(302);
    expect(`${location!.origin}${location!.pathname}`).toBe(REDIRECT);
    expect([...location!.searchParams.keys()].sort()).toEqual(['code', 'session_state', 'state']);
    expect(location!.searchParams.get('state')).toBe('st-456');
    const code = location!.searchParams.get('code')!;

    const tokenRes = await tokenRequest({ ...creds(), grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT });
    expect(tokenRes.status).toBe(200);
    const tokens = await tokenRes.json();
    expect(tokens).toEqual({
      token_type: 'Bearer', scope: 'openid email https://graph.microsoft.com/Mail.Send https://graph.microsoft.com/Mail.Read', expires_in: 3599, ext_expires_in: 3599,
      access_token: expect.stringMatching(/^eyJ/), refresh_token: expect.any(String), id_token: expect.any(String),
    });
    expect(JSON.parse(Buffer.from(tokens.id_token.split('.')[1], 'base64url').toString())).toMatchObject({ aud: ms.clientId, preferred_username: ME, ver: '2.0' });

    const me = await graph(tokens.access_token, '/me');
    expect(await me.json()).toEqual({ '@odata.context': `${ms.graphBaseUrl}/v1.0/$metadata#users/$entity`, id: expect.any(String), displayName: 'sender', mail: ME, userPrincipalName: ME });

    const reused = await tokenRequest({ ...creds(), grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT });
    expect([reused.status, await reused.json()]).toEqual([400, aadErr('invalid_grant', 54005, 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.')]);
  });

  it('shows its own page for an unknown client or redirect URI, and redirects other errors back', async () => {
    const unknownClient = await authorize({ client_id: 'nope' });
    expect([unknownClient.res.status, unknownClient.location]).toEqual([400, null]);
    expect(await unknownClient.res.text()).toContain("AADSTS700016: Application with identifier 'nope' was not found");
    const badRedirect = await authorize({ redirect_uri: 'http://evil.test/cb' });
    expect([badRedirect.res.status, badRedirect.location]).toEqual([400, null]);
    expect(await badRedirect.res.text()).toContain("AADSTS50011: The redirect URI 'http://evil.test/cb'");

    const cases: [Record<string, string | null>, string, string][] = [
      [{ code_challenge: null }, 'invalid_request', "AADSTS900144: The request body must contain the following parameter: 'code_challenge'."],
      [{ state: null }, 'invalid_request', "AADSTS900144: The request body must contain the following parameter: 'state'."],
      [{ code_challenge_method: 'plain' }, 'invalid_request', 'fake microsoft: code_challenge_method must be S256'],
      [{ scope: 'openid Mail.Send offline_access' }, 'invalid_request', 'fake microsoft: scope must include offline_access Mail.Send Mail.Read (missing: mail.read)'],
      [{ response_type: 'token' }, 'unsupported_response_type', "AADSTS700054: response_type 'token' is not enabled for the application."],
    ];
    for (const [overrides, error, description] of cases) {
      const { res, location } = await authorize(overrides);
      expect(res.status, JSON.stringify(overrides)).toBe(302);
      expect(location!.searchParams.get('error')).toBe(error);
      expect(location!.searchParams.get('error_description')).toBe(description);
    }
    ms.state.consent.deny = true;
    const denied = await authorize();
    expect(Object.fromEntries(denied.location!.searchParams)).toEqual({ error: 'access_denied', error_description: 'AADSTS65004: User declined to consent to access the app.', state: 'st-456' });
  });

  it('checks PKCE, the code and client credentials at /token', async () => {
    const a = await authorize();
    const form = { ...creds(), grant_type: 'authorization_code', code: a.location!.searchParams.get('code')!, redirect_uri: REDIRECT };
    const wrong = await tokenRequest({ ...form, code_verifier: pkce().verifier });
    expect([wrong.status, await wrong.json()]).toEqual([400, aadErr('invalid_grant', 501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.')]);
    const secret = await tokenRequest({ ...form, code_verifier: a.verifier, client_secret: 'bad' });
    expect([secret.status, (await secret.json()).error_codes]).toEqual([401, [7000215]]);
    const unknown = await tokenRequest({ ...form, code: '0.Anever-issued', code_verifier: a.verifier });
    expect([unknown.status, await unknown.json()]).toEqual([400, aadErr('invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.')]);
    const ok = await tokenRequest({ ...form, code_verifier: a.verifier });
    expect(ok.status).toBe(200);
  });

  it('rotates refresh tokens (old ones keep working) and answers invalid_grant once revoked', async () => {
    const tokens = await connect();
    const refresh = (rt: string) => tokenRequest({ ...creds(), grant_type: 'refresh_token', refresh_token: rt, scope: SCOPES.join(' ') });
    const first = await refresh(tokens.refresh_token);
    expect(first.status).toBe(200);
    const rotated = await first.json();
    expect(rotated).toEqual({ token_type: 'Bearer', scope: tokens.scope, expires_in: 3599, ext_expires_in: 3599, access_token: expect.any(String), refresh_token: expect.any(String), id_token: expect.any(String) });
    expect(rotated.refresh_token).not.toBe(tokens.refresh_token);
    expect((await refresh(tokens.refresh_token)).status).toBe(200); // the old one is still valid for a while
    expect((await refresh(rotated.refresh_token)).status).toBe(200);

    ms.revokeRefreshToken(tokens.refresh_token); // revokes the grant: every token of the family
    for (const rt of [tokens.refresh_token, rotated.refresh_token]) {
      const res = await refresh(rt);
      expect([res.status, await res.json()]).toEqual([400, aadErr('invalid_grant', 70000, "The provided value for the input parameter 'refresh_token' or 'assertion' is not valid.")]);
    }
  });

  it('answers expired or missing access tokens with 401 InvalidAuthenticationToken', async () => {
    const { access_token } = await connect();
    ms.expireAccessTokens();
    const res = await graph(access_token, '/me/messages');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('Bearer realm=""');
    expect(await res.json()).toEqual(graphErr('InvalidAuthenticationToken', 'Access token has expired or is not yet valid.'));
    const none = await fetch(`${ms.graphBaseUrl}/v1.0/me`);
    expect([none.status, await none.json()]).toEqual([401, graphErr('InvalidAuthenticationToken', 'Access token is empty.')]);
  });

  it('refuses Graph calls the user did not consent to', async () => {
    ms.state.consent.dropScopes = ['Mail.Send'];
    const { access_token, scope } = await connect();
    expect(scope).toBe('openid email https://graph.microsoft.com/Mail.Read');
    const res = await sendMime(access_token, await mime({ messageId: '<x@app.test>' }));
    expect([res.status, await res.json()]).toEqual([403, graphErr('ErrorAccessDenied', 'Access is denied. Check credentials and try again.')]);
  });
});

describe('fake microsoft: Graph mail', () => {
  let token: string;
  beforeEach(() => { token = ms.issueTokens(ME).accessToken; });

  it('sends base64 MIME (202, empty body) and keeps it byte for byte, headers intact', async () => {
    const raw = await mime({ messageId: '<c1.s1@app.test>' });
    const res = await sendMime(token, raw);
    expect(res.status).toBe(202);
    expect(await res.text()).toBe('');
    expect(ms.state.outbox).toEqual([{ from: ME, mime: raw, form: 'mime', savedToSentItems: true }]);

    const found = await (await byMessageId(token, '<c1.s1@app.test>', "/me/mailFolders('sentitems')/messages", 'internetMessageId,subject,internetMessageHeaders')).json();
    expect(found.value).toHaveLength(1);
    const msg = found.value[0];
    expect(msg).toEqual({ '@odata.etag': expect.any(String), id: expect.stringMatching(/^AAMkAD/), internetMessageId: '<c1.s1@app.test>', subject: 'Quick question', internetMessageHeaders: expect.any(Array) });
    expect(msg.internetMessageHeaders).toEqual(expect.arrayContaining([
      { name: 'List-Unsubscribe', value: '<mailto:unsubscribe@app.test?subject=unsubscribe-tok123>, <https://app.test/u/tok123-abcdefghijklmnopqrstuvwxyz>' },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    ]));
    const value = await graph(token, `/me/messages/${encodeURIComponent(msg.id)}/$value`);
    expect(Buffer.from(await value.arrayBuffer()).equals(raw)).toBe(true);

    const full = await (await graph(token, `/me/messages/${msg.id}`)).json();
    expect(full).toMatchObject({ internetMessageId: '<c1.s1@app.test>', parentFolderId: expect.any(String), isRead: true, from: { emailAddress: { name: 'Sender', address: ME } }, toRecipients: [{ emailAddress: { name: 'Lead', address: 'lead@prospect.test' } }], body: { contentType: 'html', content: '<p>Hi Ana, are you the right person?</p>' }, bodyPreview: 'Hi Ana, are you the right person?' });
    expect((await (await byMessageId(token, '<c1.s1@app.test>', '/me/mailFolders/inbox/messages')).json()).value).toEqual([]);
    const missing = await graph(token, '/me/messages/AAMkADnope=');
    expect([missing.status, await missing.json()]).toEqual([404, graphErr('ErrorItemNotFound', 'The specified object was not found in the store.')]);
  });

  it('refuses bad MIME and messages without recipients', async () => {
    const bad = await graph(token, '/me/sendMail', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'this is not base64!' });
    expect([bad.status, await bad.json()]).toEqual([400, graphErr('ErrorMimeContentInvalidBase64String', 'Invalid base64 string for MIME content.')]);
    const noRcpt = await sendMime(token, Buffer.from(`From: ${ME}\r\nSubject: x\r\n\r\nbody`));
    expect([noRcpt.status, await noRcpt.json()]).toEqual([400, graphErr('ErrorInvalidRecipients', "At least one recipient isn't valid., A message can't be sent because it contains no recipients.")]);
    expect(ms.state.outbox).toEqual([]);
  });

  it('accepts the JSON form, but only x- custom headers', async () => {
    const message = { subject: 'Hello', body: { contentType: 'Text', content: 'Hi!' }, toRecipients: [{ emailAddress: { address: 'lead@prospect.test' } }] };
    const post = (body: unknown) => graph(token, '/me/sendMail', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const listUnsub = await post({ message: { ...message, internetMessageHeaders: [{ name: 'List-Unsubscribe', value: '<mailto:u@app.test>' }] } });
    expect([listUnsub.status, await listUnsub.json()]).toEqual([400, graphErr('InvalidInternetMessageHeader', "The internet message header name 'List-Unsubscribe' should start with 'x-' or 'X-'.")]);

    expect((await post({ message: { ...message, internetMessageHeaders: [{ name: 'X-Campaign', value: 'c1' }] } })).status).toBe(202);
    expect((await post({ message, saveToSentItems: false })).status).toBe(202);
    expect(ms.state.outbox.map((o) => [o.form, o.savedToSentItems])).toEqual([['json', true], ['json', false]]);
    const sent = ms.messages().filter((m) => m.folder === 'sentitems');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.headers).toEqual(expect.arrayContaining([{ name: 'X-Campaign', value: 'c1' }, { name: 'Message-ID', value: expect.stringMatching(/@contosotest\.prod\.outlook\.com>$/) }]));
  });

  it('pages the inbox delta with nextLink/deltaLink and resumes from the deltaLink', async () => {
    const ids = [1, 2, 3].map((n) => ms.deliverToInbox(`From: p${n}@x.test\r\nTo: ${ME}\r\nSubject: s${n}\r\nMessage-ID: <in${n}@x.test>\r\n\r\nbody ${n}`).id);
    await sendMime(token, await mime({ messageId: '<out@app.test>' })); // Sent Items: not in the inbox delta
    const prefer = { prefer: 'odata.maxpagesize=2' };

    const p1 = await graph(token, '/me/mailFolders/inbox/messages/delta?$select=internetMessageId,subject', { headers: prefer });
    expect(p1.headers.get('preference-applied')).toBe('odata.maxpagesize=2');
    const b1 = await p1.json();
    expect(b1['@odata.context']).toBe(`${ms.graphBaseUrl}/v1.0/$metadata#Collection(message)`);
    expect(b1.value.map((m: { id: string }) => m.id)).toEqual(ids.slice(0, 2));
    expect(b1.value[0]).toEqual({ '@odata.type': '#microsoft.graph.message', '@odata.etag': expect.any(String), id: ids[0], internetMessageId: '<in1@x.test>', subject: 's1' });
    expect(b1['@odata.nextLink']).toMatch(/\/v1\.0\/me\/mailFolders\('[^']+'\)\/messages\/delta\?\$skiptoken=/);
    expect(b1['@odata.deltaLink']).toBeUndefined();

    const b2 = await (await graph(token, b1['@odata.nextLink'], { headers: prefer })).json();
    expect(b2.value.map((m: { id: string; subject: string }) => [m.id, m.subject])).toEqual([[ids[2], 's3']]); // $select carried by the token
    expect(b2['@odata.nextLink']).toBeUndefined();
    expect(b2['@odata.deltaLink']).toMatch(/\$deltatoken=/);

    const idle = await (await graph(token, b2['@odata.deltaLink'])).json();
    expect(idle.value).toEqual([]);
    const late = ms.deliverToInbox(`From: p4@x.test\r\nTo: ${ME}\r\nSubject: s4\r\n\r\nbody`);
    const b3 = await (await graph(token, idle['@odata.deltaLink'])).json();
    expect(b3.value.map((m: { id: string }) => m.id)).toEqual([late.id]);
  });

  it('answers 410 SyncStateNotFound for an expired or unknown delta token', async () => {
    ms.deliverToInbox(`From: p@x.test\r\nTo: ${ME}\r\nSubject: s\r\n\r\nbody`);
    const { '@odata.deltaLink': deltaLink } = await (await graph(token, '/me/mailFolders/inbox/messages/delta')).json();
    ms.expireDeltaTokens();
    const gone = await graph(token, deltaLink);
    expect([gone.status, await gone.json()]).toEqual([410, graphErr('SyncStateNotFound', 'The sync state is not found or has expired. A full synchronization is required.')]);
    const unknown = await graph(token, '/me/mailFolders/inbox/messages/delta?$deltatoken=never-issued');
    expect(unknown.status).toBe(410);
  });

  it('keeps inbound replies in the conversation of the message they answer', async () => {
    await sendMime(token, await mime({ messageId: '<step1@app.test>' }));
    const sent = ms.messages().find((m) => m.folder === 'sentitems')!;
    const reply = ms.deliverToInbox(`From: lead@prospect.test\r\nTo: ${ME}\r\nSubject: RE: Quick question\r\nMessage-ID: <r1@prospect.test>\r\nIn-Reply-To: <step1@app.test>\r\nReferences: <step1@app.test>\r\n\r\nYes.`);
    expect(reply.conversationId).toBe(sent.conversationId);
    const viaApi = await (await byMessageId(token, '<r1@prospect.test>', '/me/messages', 'conversationId')).json();
    expect(viaApi.value[0].conversationId).toBe(sent.conversationId);
  });

  it('injects throttling (429) and unavailability (503) with Retry-After and exact bodies', async () => {
    ms.failNext(2, 'throttle429', { retryAfter: 3 });
    for (let i = 0; i < 2; i++) {
      const res = await sendMime(token, await mime({ messageId: `<t${i}@app.test>` }));
      expect([res.status, res.headers.get('retry-after'), await res.json()]).toEqual([429, '3', graphErr('TooManyRequests', 'Please retry again later.')]);
    }
    ms.failNext(1, 'unavailable503');
    const unavailable = await graph(token, '/me/messages');
    expect([unavailable.status, unavailable.headers.get('retry-after'), await unavailable.json()]).toEqual([503, '1', graphErr('serviceNotAvailable', 'The service is temporarily unavailable. Please retry after the time given in Retry-After.')]);
    expect((await sendMime(token, await mime({ messageId: '<ok@app.test>' }))).status).toBe(202);
    expect(ms.state.outbox).toHaveLength(1);
  });

  it('logs every request for assertions', async () => {
    await sendMime(token, await mime({ messageId: '<log@app.test>' }));
    const req = ms.state.requests.find((r) => r.path === '/v1.0/me/sendMail')!;
    expect(req.headers['content-type']).toBe('text/plain');
    expect(Buffer.from(req.body, 'base64').toString()).toContain('Message-ID: <log@app.test>');
  });
});
