/**
 * Self-test of the fake Google: drives it with plain fetch exactly as a real OAuth/Gmail client
 * would, and pins the wire format (status, headers, exact JSON) our provider code relies on.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { startFakeGoogle, type FakeGoogle } from './google.js';

const REDIRECT = 'http://app.test/api/v1/mailboxes/oauth/google/callback';
const SCOPES = ['openid', 'email', 'https://www.googleapis.com/auth/gmail.send', 'https://www.googleapis.com/auth/gmail.readonly'];
const ME = 'sender@gmail.test';

let g: FakeGoogle;
beforeEach(async () => { g = await startFakeGoogle({ redirectUris: [REDIRECT], email: ME }); });
afterEach(async () => { await g.close(); });

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authUrl(challenge: string, overrides: Record<string, string | null> = {}) {
  const u = new URL(`${g.oauthBaseUrl}/o/oauth2/v2/auth`);
  const params: Record<string, string | null> = {
    client_id: g.clientId, redirect_uri: REDIRECT, response_type: 'code', scope: SCOPES.join(' '), state: 'st-123',
    code_challenge: challenge, code_challenge_method: 'S256', access_type: 'offline', prompt: 'consent', ...overrides,
  };
  for (const [k, v] of Object.entries(params)) if (v !== null) u.searchParams.set(k, v);
  return u.toString();
}

async function authorize(overrides: Record<string, string | null> = {}) {
  const { verifier, challenge } = pkce();
  const res = await fetch(authUrl(challenge, overrides), { redirect: 'manual' });
  return { res, verifier, location: res.headers.get('location') ? new URL(res.headers.get('location')!) : null };
}

function tokenRequest(form: Record<string, string>) {
  return fetch(`${g.oauthBaseUrl}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
}

async function connect() {
  const { location, verifier } = await authorize();
  const res = await tokenRequest({ grant_type: 'authorization_code', code: location!.searchParams.get('code')!, code_verifier: verifier, client_id: g.clientId, client_secret: g.clientSecret, redirect_uri: REDIRECT });
  return (await res.json()) as { access_token: string; refresh_token: string; scope: string };
}

const api = (token: string, path: string, init: RequestInit = {}) =>
  fetch(`${g.apiBaseUrl}/gmail/v1/users/me/${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers } });

async function mime(opts: { messageId?: string; subject?: string; to?: string; inReplyTo?: string; from?: string }) {
  const composer = new MailComposer({
    from: opts.from ?? `Sender <${ME}>`, to: opts.to ?? 'lead@prospect.test', subject: opts.subject ?? 'Quick question',
    text: 'Hi Ana,\nare you the right person?', html: '<p>Hi Ana, are you the right person?</p>',
    ...(opts.messageId && { messageId: opts.messageId }),
    ...(opts.inReplyTo && { inReplyTo: opts.inReplyTo, references: [opts.inReplyTo] }),
    headers: {
      'List-Unsubscribe': '<mailto:unsubscribe@app.test?subject=unsubscribe-tok123>, <https://app.test/u/tok123-abcdefghijklmnopqrstuvwxyz>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  });
  return composer.compile().build();
}

const send = async (token: string, raw: Buffer, threadId?: string) =>
  api(token, 'messages/send', { method: 'POST', body: JSON.stringify({ raw: raw.toString('base64url'), ...(threadId && { threadId }) }) });

describe('fake google: OAuth', () => {
  it('runs the authorization-code + PKCE flow and serves userinfo', async () => {
    const { res, location, verifier } = await authorize();
    expect(res.status).toBe(302);
    expect(`${location!.origin}${location!.pathname}`).toBe(REDIRECT);
    expect(location!.searchParams.get('state')).toBe('st-123');
    expect(location!.searchParams.get('scope')).toBe(SCOPES.join(' '));
    const code = location!.searchParams.get('code')!;
    expect(code).toMatch(/^4\/0A/);

    const tokenRes = await tokenRequest({ grant_type: 'authorization_code', code, code_verifier: verifier, client_id: g.clientId, client_secret: g.clientSecret, redirect_uri: REDIRECT });
    expect(tokenRes.status).toBe(200);
    const tokens = await tokenRes.json();
    expect(tokens).toEqual({ access_token: expect.stringMatching(/^ya29\./), expires_in: 3599, refresh_token: expect.stringMatching(/^1\/\//), scope: SCOPES.join(' '), token_type: 'Bearer', id_token: expect.any(String) });
    const claims = JSON.parse(Buffer.from(tokens.id_token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ iss: 'https://accounts.google.com', aud: g.clientId, email: ME, email_verified: true });

    const v2 = await fetch(`${g.apiBaseUrl}/oauth2/v2/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(await v2.json()).toEqual({ id: claims.sub, email: ME, verified_email: true });
    const oidc = await fetch(`${g.apiBaseUrl}/v1/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(await oidc.json()).toEqual({ sub: claims.sub, email: ME, email_verified: true });

    // The code is single-use.
    const again = await tokenRequest({ grant_type: 'authorization_code', code, code_verifier: verifier, client_id: g.clientId, client_secret: g.clientSecret, redirect_uri: REDIRECT });
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ error: 'invalid_grant', error_description: 'Bad Request' });
  });

  it('narrows the granted scopes when the user unchecks one, and Gmail then refuses', async () => {
    g.state.consent.dropScopes = ['https://www.googleapis.com/auth/gmail.send'];
    const tokens = await connect();
    expect(tokens.scope).toBe('openid email https://www.googleapis.com/auth/gmail.readonly');
    const res = await send(tokens.access_token, await mime({ messageId: '<a@app.test>' }));
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="https://accounts.google.com/", error="insufficient_scope"');
    expect(await res.json()).toEqual({ error: { code: 403, message: 'Request had insufficient authentication scopes.', errors: [{ message: 'Insufficient Permission', domain: 'global', reason: 'insufficientPermissions' }], status: 'PERMISSION_DENIED' } });
  });

  it('redirects with access_denied when the user declines', async () => {
    g.state.consent.deny = true;
    const { res, location } = await authorize();
    expect(res.status).toBe(302);
    expect(Object.fromEntries(location!.searchParams)).toEqual({ state: 'st-123', error: 'access_denied' });
  });

  it('refuses malformed authorization requests on its own error page', async () => {
    const cases: [Record<string, string | null>, number, string][] = [
      [{ client_id: 'someone-else' }, 401, 'invalid_client'],
      [{ redirect_uri: 'http://evil.test/cb' }, 400, 'redirect_uri_mismatch'],
      [{ code_challenge: null }, 400, 'Missing required parameter: code_challenge'],
      [{ state: null }, 400, 'Missing required parameter: state'],
      [{ code_challenge_method: 'plain' }, 400, 'code_challenge_method must be S256'],
      [{ access_type: 'online' }, 400, 'access_type=offline is required'],
      [{ prompt: 'select_account' }, 400, 'prompt=consent is required'],
      [{ response_type: 'token' }, 400, 'Invalid response_type'],
    ];
    for (const [overrides, status, text] of cases) {
      const { res } = await authorize(overrides);
      expect(res.status, JSON.stringify(overrides)).toBe(status);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.text()).toContain(text);
    }
  });

  it('checks PKCE, redirect_uri and client credentials at the token endpoint', async () => {
    const a = await authorize();
    const base = { grant_type: 'authorization_code', code: a.location!.searchParams.get('code')!, client_id: g.clientId, client_secret: g.clientSecret, redirect_uri: REDIRECT };
    const wrongVerifier = await tokenRequest({ ...base, code_verifier: pkce().verifier });
    expect([wrongVerifier.status, await wrongVerifier.json()]).toEqual([400, { error: 'invalid_grant', error_description: 'Invalid code verifier.' }]);
    const noVerifier = await tokenRequest(base);
    expect([noVerifier.status, await noVerifier.json()]).toEqual([400, { error: 'invalid_grant', error_description: 'Missing code verifier.' }]);
    const wrongRedirect = await tokenRequest({ ...base, code_verifier: a.verifier, redirect_uri: 'http://app.test/other' });
    expect([wrongRedirect.status, await wrongRedirect.json()]).toEqual([400, { error: 'redirect_uri_mismatch', error_description: 'Bad Request' }]);
    const wrongSecret = await tokenRequest({ ...base, code_verifier: a.verifier, client_secret: 'nope' });
    expect([wrongSecret.status, await wrongSecret.json()]).toEqual([401, { error: 'invalid_client', error_description: 'Unauthorized' }]);
    const badGrant = await tokenRequest({ ...base, grant_type: 'password' });
    expect([badGrant.status, await badGrant.json()]).toEqual([400, { error: 'unsupported_grant_type', error_description: 'Invalid grant_type: password' }]);
    // Client credentials may also come as HTTP Basic; failed attempts above did not burn the code.
    const { client_id: _id, client_secret: _secret, ...form } = base;
    const basic = await fetch(`${g.oauthBaseUrl}/token`, {
      method: 'POST', body: new URLSearchParams({ ...form, code_verifier: a.verifier }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${g.clientId}:${g.clientSecret}`).toString('base64')}` },
    });
    expect(basic.status).toBe(200);
  });

  it('refreshes without rotating the refresh token; a revoked one gets invalid_grant', async () => {
    const tokens = await connect();
    const refresh = () => tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: g.clientId, client_secret: g.clientSecret });
    const res = await refresh();
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toEqual({ access_token: expect.stringMatching(/^ya29\./), expires_in: 3599, scope: SCOPES.join(' '), token_type: 'Bearer', id_token: expect.any(String) });
    expect(body.access_token).not.toBe(tokens.access_token);
    expect((await api(body.access_token, 'profile')).status).toBe(200);

    g.revokeRefreshToken(tokens.refresh_token);
    const revoked = await refresh();
    expect(revoked.status).toBe(400);
    expect(await revoked.json()).toEqual({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
    expect((await api(body.access_token, 'profile')).status).toBe(401);

    const unknown = await tokenRequest({ grant_type: 'refresh_token', refresh_token: '1//never-issued', client_id: g.clientId, client_secret: g.clientSecret });
    expect(await unknown.json()).toEqual({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
  });

  it('revokes through the /revoke endpoint', async () => {
    const tokens = await connect();
    const res = await fetch(`${g.oauthBaseUrl}/revoke`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: tokens.refresh_token }) });
    expect([res.status, await res.json()]).toEqual([200, {}]);
    const refresh = await tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: g.clientId, client_secret: g.clientSecret });
    expect(refresh.status).toBe(400);
  });

  it('answers expired or missing credentials with 401 UNAUTHENTICATED', async () => {
    const { access_token } = await connect();
    g.expireAccessTokens();
    const expired = await api(access_token, 'profile');
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toBe('Bearer realm="https://accounts.google.com/", error="invalid_token"');
    expect(await expired.json()).toEqual({ error: {
      code: 401,
      message: 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
      errors: [{ message: 'Invalid Credentials', domain: 'global', reason: 'authError', location: 'Authorization', locationType: 'header' }],
      status: 'UNAUTHENTICATED',
    } });
    const missing = await fetch(`${g.apiBaseUrl}/gmail/v1/users/me/profile`);
    expect(missing.status).toBe(401);
    expect((await missing.json()).error.errors[0]).toEqual({ message: 'Login Required.', domain: 'global', reason: 'required', location: 'Authorization', locationType: 'header' });
  });
});

describe('fake google: Gmail API', () => {
  let token: string;
  beforeEach(async () => { token = g.issueTokens(ME).accessToken; });

  it('sends raw MIME and stores it byte for byte, List-Unsubscribe and Message-ID intact', async () => {
    const raw = await mime({ messageId: '<c1.s1@app.test>' });
    const res = await send(token, raw);
    expect(res.status).toBe(200);
    const sent = await res.json();
    expect(sent).toEqual({ id: expect.stringMatching(/^[0-9a-f]{16}$/), threadId: sent.id, labelIds: ['SENT'] });
    expect(g.mailbox(ME).messages[0]!.raw.equals(raw)).toBe(true);

    const asRaw = await (await api(token, `messages/${sent.id}?format=raw`)).json();
    expect(Buffer.from(asRaw.raw, 'base64url').equals(raw)).toBe(true);

    const meta = await (await api(token, `messages/${sent.id}?format=metadata&metadataHeaders=List-Unsubscribe&metadataHeaders=List-Unsubscribe-Post&metadataHeaders=Message-ID`)).json();
    expect(meta.payload.headers).toEqual([
      { name: 'List-Unsubscribe', value: '<mailto:unsubscribe@app.test?subject=unsubscribe-tok123>, <https://app.test/u/tok123-abcdefghijklmnopqrstuvwxyz>' },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
      { name: 'Message-ID', value: '<c1.s1@app.test>' },
    ]);

    const full = await (await api(token, `messages/${sent.id}`)).json();
    expect(full).toMatchObject({ id: sent.id, threadId: sent.id, labelIds: ['SENT'], snippet: 'Hi Ana, are you the right person?', historyId: expect.stringMatching(/^\d+$/), internalDate: expect.stringMatching(/^\d+$/) });
    expect(full.payload.partId).toBe('');
    expect(full.payload.mimeType).toBe('multipart/alternative');
    expect(full.payload.parts.map((p: { partId: string; mimeType: string }) => [p.partId, p.mimeType])).toEqual([['0', 'text/plain'], ['1', 'text/html']]);
    expect(Buffer.from(full.payload.parts[1].body.data, 'base64url').toString()).toBe('<p>Hi Ana, are you the right person?</p>');
  });

  it('finds a message by rfc822msgid, with or without angle brackets', async () => {
    const sent = await (await send(token, await mime({ messageId: '<find.me@app.test>' }))).json();
    for (const q of ['rfc822msgid:<find.me@app.test>', 'rfc822msgid:find.me@app.test']) {
      const res = await api(token, `messages?q=${encodeURIComponent(q)}`);
      expect(await res.json()).toEqual({ messages: [{ id: sent.id, threadId: sent.threadId }], resultSizeEstimate: 1 });
    }
    const none = await api(token, `messages?q=${encodeURIComponent('rfc822msgid:<nope@app.test>')}`);
    expect([none.status, await none.json()]).toEqual([200, { resultSizeEstimate: 0 }]);
    const missing = await api(token, 'messages/18f0000000ffffff');
    expect([missing.status, await missing.json()]).toEqual([404, { error: { code: 404, message: 'Requested entity was not found.', errors: [{ message: 'Requested entity was not found.', domain: 'global', reason: 'notFound' }], status: 'NOT_FOUND' } }]);
  });

  it('validates the send payload like Gmail and adds a Message-ID when missing', async () => {
    const stdBase64 = await api(token, 'messages/send', { method: 'POST', body: JSON.stringify({ raw: Buffer.from([0xff, 0xff, 0xfe]).toString('base64') }) });
    expect([stdBase64.status, await stdBase64.json()]).toEqual([400, { error: { code: 400, message: "Invalid value at 'message.raw' (TYPE_BYTES), Base64 decoding failed", errors: [{ message: "Invalid value at 'message.raw' (TYPE_BYTES), Base64 decoding failed", domain: 'global', reason: 'invalidArgument' }], status: 'INVALID_ARGUMENT' } }]);
    const noRcpt = await send(token, Buffer.from('From: a@gmail.test\r\nSubject: x\r\n\r\nbody'));
    expect([noRcpt.status, (await noRcpt.json()).error.message]).toEqual([400, 'Recipient address required']);
    const noRaw = await api(token, 'messages/send', { method: 'POST', body: '{}' });
    expect((await noRaw.json()).error.message).toBe("'raw' RFC822 payload message string or uploading message via /upload/* URL required");

    const res = await send(token, Buffer.from('From: a@gmail.test\r\nTo: b@x.test\r\nSubject: x\r\n\r\nbody'));
    const { id } = await res.json();
    const meta = await (await api(token, `messages/${id}?format=metadata&metadataHeaders=Message-ID`)).json();
    expect(meta.payload.headers[0].value).toMatch(/^<[\w-]+@mail\.gmail\.com>$/);
  });

  it('threads replies only when threadId, References and subject agree; inbound replies join too', async () => {
    const first = await (await send(token, await mime({ messageId: '<step1@app.test>', subject: 'Quick question' }))).json();
    const followUp = await (await send(token, await mime({ messageId: '<step2@app.test>', subject: 'Re: Quick question', inReplyTo: '<step1@app.test>' }), first.threadId)).json();
    expect(followUp.threadId).toBe(first.threadId);
    const noRefs = await (await send(token, await mime({ messageId: '<step3@app.test>', subject: 'Re: Quick question' }), first.threadId)).json();
    expect(noRefs.threadId).toBe(noRefs.id);
    const unknownThread = await send(token, await mime({ messageId: '<step4@app.test>' }), '18f0000000abcdef');
    expect(unknownThread.status).toBe(404);

    const reply = g.deliverToInbox(ME, 'From: lead@prospect.test\r\nTo: sender@gmail.test\r\nSubject: RE: Quick question\r\nMessage-ID: <r1@prospect.test>\r\nIn-Reply-To: <step2@app.test>\r\nReferences: <step1@app.test> <step2@app.test>\r\n\r\nYes, that is me.\r\n');
    expect(reply.threadId).toBe(first.threadId);
    expect(reply.labelIds).toEqual(['UNREAD', 'CATEGORY_PERSONAL', 'INBOX']);
    const stranger = g.deliverToInbox(ME, 'From: x@y.test\r\nTo: sender@gmail.test\r\nSubject: Hello\r\nMessage-ID: <s@y.test>\r\n\r\nhi');
    expect(stranger.threadId).toBe(stranger.id);
  });

  it('pages history with nextPageToken and filters by label', async () => {
    const h0 = (await (await api(token, 'profile')).json()).historyId as string;
    const ids = [1, 2, 3].map((n) => g.deliverToInbox(ME, `From: p${n}@x.test\r\nTo: ${ME}\r\nSubject: s${n}\r\nMessage-ID: <in${n}@x.test>\r\n\r\nbody`).id);
    const sent = await (await send(token, await mime({ messageId: '<out@app.test>' }))).json();
    const profile = await (await api(token, 'profile')).json();
    expect(profile).toEqual({ emailAddress: ME, messagesTotal: 4, threadsTotal: 4, historyId: expect.any(String) });
    expect(Number(profile.historyId)).toBeGreaterThan(Number(h0));

    const page1 = await (await api(token, `history?startHistoryId=${h0}&historyTypes=messageAdded&maxResults=3`)).json();
    expect(page1.history).toHaveLength(3);
    expect(page1.history[0]).toEqual({ id: expect.any(String), messages: [{ id: ids[0], threadId: ids[0] }], messagesAdded: [{ message: { id: ids[0], threadId: ids[0], labelIds: ['UNREAD', 'CATEGORY_PERSONAL', 'INBOX'] } }] });
    expect(page1.historyId).toBe(profile.historyId);
    expect(page1.nextPageToken).toEqual(expect.any(String));
    const page2 = await (await api(token, `history?startHistoryId=${h0}&historyTypes=messageAdded&maxResults=3&pageToken=${page1.nextPageToken}`)).json();
    expect(page2).toEqual({ history: [{ id: expect.any(String), messages: [{ id: sent.id, threadId: sent.threadId }], messagesAdded: [{ message: { id: sent.id, threadId: sent.threadId, labelIds: ['SENT'] } }] }], historyId: profile.historyId });

    const inbox = await (await api(token, `history?startHistoryId=${h0}&historyTypes=messageAdded&labelId=INBOX`)).json();
    expect(inbox.history.map((h: { messagesAdded: { message: { id: string } }[] }) => h.messagesAdded[0]!.message.id)).toEqual(ids);
    const upToDate = await api(token, `history?startHistoryId=${profile.historyId}&historyTypes=messageAdded`);
    expect(await upToDate.json()).toEqual({ historyId: profile.historyId });
  });

  it('answers 404 for a startHistoryId outside the retained window', async () => {
    const h0 = (await (await api(token, 'profile')).json()).historyId as string;
    g.deliverToInbox(ME, `From: p@x.test\r\nTo: ${ME}\r\nSubject: s\r\n\r\nbody`);
    g.expireHistory(ME);
    const res = await api(token, `history?startHistoryId=${h0}&historyTypes=messageAdded`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 404, message: 'Requested entity was not found.', errors: [{ message: 'Requested entity was not found.', domain: 'global', reason: 'notFound' }], status: 'NOT_FOUND' } });
    const current = (await (await api(token, 'profile')).json()).historyId as string;
    expect((await api(token, `history?startHistoryId=${current}`)).status).toBe(200);
  });

  it('injects each rate-limit / backend failure with the exact status, headers and body', async () => {
    const expected = {
      rateLimit429: [429, '7', { error: { code: 429, message: 'Too many concurrent requests for user', errors: [{ message: 'Too many concurrent requests for user', domain: 'usageLimits', reason: 'rateLimitExceeded' }], status: 'RESOURCE_EXHAUSTED' } }],
      userRateLimit403: [403, null, { error: { code: 403, message: 'User Rate Limit Exceeded', errors: [{ message: 'User Rate Limit Exceeded', domain: 'usageLimits', reason: 'userRateLimitExceeded' }], status: 'PERMISSION_DENIED' } }],
      dailyLimit403: [403, null, { error: { code: 403, message: 'Daily Limit Exceeded', errors: [{ message: 'Daily Limit Exceeded', domain: 'usageLimits', reason: 'dailyLimitExceeded' }], status: 'PERMISSION_DENIED' } }],
      backend500: [500, null, { error: { code: 500, message: 'Backend Error', errors: [{ message: 'Backend Error', domain: 'global', reason: 'backendError' }], status: 'INTERNAL' } }],
    } as const;
    for (const [kind, [status, retryAfter, body]] of Object.entries(expected)) {
      g.failNext(2, kind as keyof typeof expected, { retryAfter: 7 });
      for (let i = 0; i < 2; i++) {
        const res = await send(token, await mime({ messageId: `<${kind}${i}@app.test>` }));
        expect(res.status, kind).toBe(status);
        expect(res.headers.get('retry-after'), kind).toBe(retryAfter);
        expect(await res.json(), kind).toEqual(body);
      }
      expect((await api(token, 'profile')).status, `${kind} clears after n`).toBe(200);
    }
    expect(g.mailbox(ME).messages).toHaveLength(0); // failed sends stored nothing
  });

  it('logs every request for assertions', async () => {
    await send(token, await mime({ messageId: '<log@app.test>' }));
    const req = g.state.requests.find((r) => r.path === '/gmail/v1/users/me/messages/send')!;
    expect(req.method).toBe('POST');
    expect(req.headers.authorization).toBe(`Bearer ${token}`);
    expect(Buffer.from(JSON.parse(req.body).raw, 'base64url').toString()).toContain('Message-ID: <log@app.test>');
  });
});
