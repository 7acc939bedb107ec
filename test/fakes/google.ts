/**
 * Fake Google: OAuth 2.0 (authorization code + PKCE, refresh, revoke), userinfo and the slice of
 * the Gmail API v1 MessageSender uses — one node:http server speaking Google's real paths, params,
 * JSON bodies and error envelopes, so our provider code runs unmodified against it in tests.
 *
 * Real Google splits these over hosts (accounts.google.com, oauth2.googleapis.com,
 * gmail.googleapis.com); their paths do not overlap, so one server serves all and
 * oauthBaseUrl === apiBaseUrl === baseUrl.
 *
 * Deliberately stricter than Google at the authorization endpoint: state, PKCE (S256),
 * access_type=offline and prompt=consent are our client's contract, so leaving one out is a
 * 400 here (Google would accept it and silently withhold the refresh token).
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';

const G = 'https://www.googleapis.com/auth/';
/** Scopes that allow messages.send / reading mail (any one of them suffices, as in Gmail's discovery doc). */
const SEND_SCOPES = [`${G}gmail.send`, `${G}gmail.compose`, `${G}gmail.modify`, 'https://mail.google.com/'];
const READ_SCOPES = [`${G}gmail.readonly`, `${G}gmail.modify`, 'https://mail.google.com/'];
const USERINFO_PATHS = ['/oauth2/v2/userinfo', '/oauth2/v3/userinfo', '/v1/userinfo'];
const INBOUND_LABELS = ['UNREAD', 'CATEGORY_PERSONAL', 'INBOX'];
const HISTORY_STEP = 5; // Gmail historyIds grow, but not by 1: clients must not do arithmetic on them.

export type GoogleFailure = 'rateLimit429' | 'userRateLimit403' | 'dailyLimit403' | 'backend500';

export interface FakeGoogleOptions {
  clientId?: string;
  clientSecret?: string;
  /** Registered redirect URIs; when omitted any redirect_uri is accepted (the token call must still repeat it). */
  redirectUris?: string[];
  /** Mailbox that signs in at the consent screen unless login_hint or state.consent.email says otherwise. */
  email?: string;
  accessTokenTtlSeconds?: number;
  now?: () => number;
}

export interface RecordedRequest { method: string; path: string; query: URLSearchParams; headers: IncomingHttpHeaders; body: string }
export interface Header { name: string; value: string }
export interface GmailMessage { id: string; threadId: string; labelIds: string[]; historyId: number; internalDate: number; raw: Buffer; headers: Header[] }
export interface GmailMailbox { email: string; historyId: number; oldestHistoryId: number; messages: GmailMessage[]; history: { id: number; message: GmailMessage }[] }
export interface Grant { email: string; clientId: string; scopes: string[]; revoked: boolean }

export interface FakeGoogleState {
  requests: RecordedRequest[];
  mailboxes: Map<string, GmailMailbox>;
  /** What the "user" does at the consent screen: who signs in, deny outright, or uncheck scopes. */
  consent: { email: string; deny: boolean; dropScopes: string[] };
  codes: Map<string, { grant: Grant; redirectUri: string; challenge: string; expiresAt: number; used: boolean }>;
  accessTokens: Map<string, { grant: Grant; expiresAt: number }>;
  refreshTokens: Map<string, Grant>;
  failures: { kind: GoogleFailure; retryAfter: string }[];
}

export interface FakeGoogle {
  baseUrl: string; oauthBaseUrl: string; apiBaseUrl: string;
  clientId: string; clientSecret: string;
  state: FakeGoogleState;
  /** The next n Gmail API calls (after auth) fail with `kind`. */
  failNext(n: number, kind: GoogleFailure, opts?: { retryAfter?: string | number }): void;
  /** An inbound message lands in `mailbox` (INBOX, UNREAD) and shows up in history as messageAdded. */
  deliverToInbox(mailbox: string, raw: string | Buffer): GmailMessage;
  mailbox(email: string): GmailMailbox;
  /** Skips the browser dance: tokens for `email` as if the user had consented to `scopes`. */
  issueTokens(email?: string, scopes?: string[]): { accessToken: string; refreshToken: string };
  /** The user (or an admin) revoked access: the refresh token and its access tokens stop working. */
  revokeRefreshToken(refreshToken: string): void;
  expireAccessTokens(): void;
  /** History older than now is dropped: any earlier startHistoryId gets Gmail's 404. */
  expireHistory(email: string): void;
  close(): Promise<void>;
}

// ── small helpers ────────────────────────────────────────────────────────────
const rand = (n = 24) => randomBytes(n).toString('base64url');
const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');
const readBody = (req: IncomingMessage) => new Promise<string>((resolve, reject) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks).toString('utf8'))).on('error', reject);
});
function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers }).end(JSON.stringify(body));
}
/** Google's API error envelope: {error:{code,message,errors:[…],status}}. */
function apiError(code: number, status: string, message: string, item: Record<string, string> & { reason: string }) {
  return { error: { code, message, errors: [{ message: item.message ?? message, domain: 'global', ...item }], status } };
}
const notFound = () => apiError(404, 'NOT_FOUND', 'Requested entity was not found.', { reason: 'notFound' });
const badArg = (message: string) => apiError(400, 'INVALID_ARGUMENT', message, { reason: 'invalidArgument' });
/** Errors Google shows on its own page instead of redirecting (bad client, redirect_uri, malformed request). */
function errorPage(res: ServerResponse, status: number, error: string, description: string) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(`<html><body><h1>Error ${status}: ${error}</h1><p>${description}</p></body></html>`);
}

const FAILURES: Record<GoogleFailure, { status: number; body: ReturnType<typeof apiError>; retryAfter: boolean }> = {
  rateLimit429: { status: 429, retryAfter: true, body: apiError(429, 'RESOURCE_EXHAUSTED', 'Too many concurrent requests for user', { reason: 'rateLimitExceeded', domain: 'usageLimits' }) },
  userRateLimit403: { status: 403, retryAfter: false, body: apiError(403, 'PERMISSION_DENIED', 'User Rate Limit Exceeded', { reason: 'userRateLimitExceeded', domain: 'usageLimits' }) },
  dailyLimit403: { status: 403, retryAfter: false, body: apiError(403, 'PERMISSION_DENIED', 'Daily Limit Exceeded', { reason: 'dailyLimitExceeded', domain: 'usageLimits' }) },
  backend500: { status: 500, retryAfter: false, body: apiError(500, 'INTERNAL', 'Backend Error', { reason: 'backendError' }) },
};

// ── RFC 5322 / MIME, just enough for Gmail's payload view ────────────────────
function splitMessage(text: string) {
  const m = /\r?\n\r?\n/.exec(text);
  return m ? { head: text.slice(0, m.index), body: text.slice(m.index + m[0].length) } : { head: text, body: '' };
}
function parseHeaders(head: string): Header[] {
  return head.replace(/\r?\n(?=[ \t])/g, '').split(/\r?\n/).filter((l) => l.includes(':'))
    .map((l) => ({ name: l.slice(0, l.indexOf(':')).trim(), value: l.slice(l.indexOf(':') + 1).trim() }));
}
const header = (hs: Header[], name: string) => hs.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
const param = (value: string | undefined, name: string) => value && new RegExp(`${name}="?([^";]+)"?`, 'i').exec(value)?.[1];
function decodeBody(body: string, cte = '') {
  if (/base64/i.test(cte)) return Buffer.from(body.replace(/\s/g, ''), 'base64');
  if (/quoted-printable/i.test(cte)) return Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
  return Buffer.from(body, 'latin1');
}
interface Part { partId: string; mimeType: string; filename: string; headers: Header[]; body: { size: number; data?: string }; parts?: Part[] }
/** Gmail's `payload` tree: root partId "", children "0", "1", grandchildren "0.1"; leaf bodies decoded, base64url. */
function mimeTree(text: string, partId = ''): Part {
  const { head, body } = splitMessage(text);
  const headers = parseHeaders(head);
  const contentType = header(headers, 'content-type') ?? 'text/plain';
  const mimeType = contentType.split(';')[0]!.trim().toLowerCase();
  const filename = param(header(headers, 'content-disposition'), 'filename') || '';
  const boundary = param(contentType, 'boundary');
  if (mimeType.startsWith('multipart/') && boundary) {
    const chunks = body.split(`--${boundary}`).slice(1).filter((c) => !c.startsWith('--'));
    const parts = chunks.map((c, i) => mimeTree(c.replace(/^\r?\n/, '').replace(/\r?\n$/, ''), partId ? `${partId}.${i}` : String(i)));
    return { partId, mimeType, filename, headers, body: { size: 0 }, parts };
  }
  const data = decodeBody(body, header(headers, 'content-transfer-encoding'));
  return { partId, mimeType, filename, headers, body: { size: data.length, data: data.toString('base64url') } };
}
function snippet(part: Part): string {
  if (part.mimeType === 'text/plain' && part.body.data) return Buffer.from(part.body.data, 'base64url').toString('utf8').replace(/\s+/g, ' ').trim().slice(0, 200);
  for (const p of part.parts ?? []) { const s = snippet(p); if (s) return s; }
  return '';
}
const normalizeSubject = (s = '') => s.replace(/^\s*((re|fwd?|aw)\s*:\s*)+/i, '').trim().toLowerCase();
const referencedIds = (hs: Header[]): string[] => `${header(hs, 'in-reply-to') ?? ''} ${header(hs, 'references') ?? ''}`.match(/<[^>]+>/g) ?? [];
/** Google's stable numeric account id ("sub"), derived from the address so it is the same across tests. */
const subject = (email: string) => BigInt(`0x${createHash('sha1').update(email).digest('hex').slice(0, 16)}`).toString().padStart(21, '1');
const recipients = (hs: Header[]) => ['to', 'cc', 'bcc'].flatMap((n) => (header(hs, n) ?? '').match(/[^\s<>,;"]+@[^\s<>,;"]+/g) ?? []).map((a) => a.toLowerCase());

export async function startFakeGoogle(opts: FakeGoogleOptions = {}): Promise<FakeGoogle> {
  const clientId = opts.clientId ?? 'fake-client-id.apps.googleusercontent.com';
  const clientSecret = opts.clientSecret ?? 'fake-client-secret';
  const ttl = opts.accessTokenTtlSeconds ?? 3599;
  const now = opts.now ?? Date.now;
  const state: FakeGoogleState = {
    requests: [], mailboxes: new Map(), consent: { email: opts.email ?? 'sender@gmail.test', deny: false, dropScopes: [] },
    codes: new Map(), accessTokens: new Map(), refreshTokens: new Map(), failures: [],
  };
  let idSeq = 0;
  const newId = () => (0x18f0000000000000n + BigInt(++idSeq * 4099)).toString(16); // 16 hex digits, like Gmail ids

  function mailbox(email: string): GmailMailbox {
    const key = email.toLowerCase();
    let mb = state.mailboxes.get(key);
    if (!mb) state.mailboxes.set(key, (mb = { email: key, historyId: 4000, oldestHistoryId: 1, messages: [], history: [] }));
    return mb;
  }

  /** Files a message into a mailbox: threading, labels, historyId and a messageAdded record, as Gmail does. */
  function store(mb: GmailMailbox, raw: Buffer, labelIds: string[], threadId?: string): GmailMessage {
    const headers = parseHeaders(splitMessage(raw.toString('latin1')).head);
    if (!threadId) {
      // Gmail threads inbound mail that references one of ours and keeps the subject.
      const refs = referencedIds(headers);
      threadId = mb.messages.find((m) => refs.includes(header(m.headers, 'message-id') ?? '')
        && normalizeSubject(header(m.headers, 'subject')) === normalizeSubject(header(headers, 'subject')))?.threadId;
    }
    const id = newId();
    mb.historyId += HISTORY_STEP;
    const msg: GmailMessage = { id, threadId: threadId ?? id, labelIds, historyId: mb.historyId, internalDate: now(), raw, headers };
    mb.messages.push(msg);
    mb.history.push({ id: mb.historyId, message: msg });
    return msg;
  }

  function grantTokens(grant: Grant, withRefresh: boolean) {
    const accessToken = `ya29.${rand(32)}`;
    state.accessTokens.set(accessToken, { grant, expiresAt: now() + ttl * 1000 });
    const refreshToken = withRefresh ? `1//${rand(40)}` : undefined;
    if (refreshToken) state.refreshTokens.set(refreshToken, grant);
    const body: Record<string, unknown> = { access_token: accessToken, expires_in: ttl };
    if (refreshToken) body.refresh_token = refreshToken;
    Object.assign(body, { scope: grant.scopes.join(' '), token_type: 'Bearer' });
    if (grant.scopes.includes('openid')) body.id_token = idToken(grant);
    return { accessToken, refreshToken, body };
  }
  /** Shaped like Google's id_token; the signature is not real (tests must not verify it against Google's keys). */
  function idToken(grant: Grant) {
    const seg = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const iat = Math.floor(now() / 1000);
    return `${seg({ alg: 'RS256', kid: 'fake-google', typ: 'JWT' })}.${seg({ iss: 'https://accounts.google.com', aud: grant.clientId, sub: subject(grant.email), email: grant.email, email_verified: true, iat, exp: iat + ttl })}.${rand(32)}`;
  }

  // ── OAuth: authorization endpoint ──────────────────────────────────────────
  function authorize(q: URLSearchParams, res: ServerResponse) {
    if (q.get('client_id') !== clientId) return errorPage(res, 401, 'invalid_client', 'The OAuth client was not found.');
    const redirectUri = q.get('redirect_uri') ?? '';
    if (!redirectUri || (opts.redirectUris && !opts.redirectUris.includes(redirectUri))) {
      return errorPage(res, 400, 'redirect_uri_mismatch', `You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy. redirect_uri=${redirectUri}`);
    }
    const missing = ['response_type', 'scope', 'state', 'code_challenge', 'code_challenge_method', 'access_type', 'prompt'].find((p) => !q.get(p));
    if (missing) return errorPage(res, 400, 'invalid_request', `Missing required parameter: ${missing}`);
    if (q.get('response_type') !== 'code') return errorPage(res, 400, 'invalid_request', `Invalid response_type: ${q.get('response_type')}`);
    if (q.get('code_challenge_method') !== 'S256') return errorPage(res, 400, 'invalid_request', 'fake google: code_challenge_method must be S256');
    if (q.get('access_type') !== 'offline') return errorPage(res, 400, 'invalid_request', 'fake google: access_type=offline is required (no refresh token otherwise)');
    if (!q.get('prompt')!.split(' ').includes('consent')) return errorPage(res, 400, 'invalid_request', 'fake google: prompt=consent is required (no refresh token on re-consent otherwise)');
    const target = new URL(redirectUri);
    target.searchParams.set('state', q.get('state')!);
    if (state.consent.deny) {
      target.searchParams.set('error', 'access_denied');
      return res.writeHead(302, { location: target.toString() }).end();
    }
    const scopes = q.get('scope')!.split(' ').filter((s) => s && !state.consent.dropScopes.includes(s));
    const code = `4/0A${rand(40)}`;
    const grant: Grant = { email: (q.get('login_hint') || state.consent.email).toLowerCase(), clientId, scopes, revoked: false };
    state.codes.set(code, { grant, redirectUri, challenge: q.get('code_challenge')!, expiresAt: now() + 10 * 60_000, used: false });
    target.searchParams.set('code', code);
    target.searchParams.set('scope', scopes.join(' ')); // the scopes actually granted: the user may have unchecked some
    target.searchParams.set('authuser', '0');
    target.searchParams.set('prompt', 'consent');
    res.writeHead(302, { location: target.toString() }).end();
  }

  // ── OAuth: token + revoke endpoints ────────────────────────────────────────
  function token(req: IncomingMessage, raw: string, res: ServerResponse) {
    const f = new URLSearchParams(raw);
    const err = (status: number, error: string, error_description: string) => json(res, status, { error, error_description });
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return err(400, 'invalid_request', 'Invalid content type.');
    const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const [id, secret] = basic ? Buffer.from(basic, 'base64').toString().split(':') : [f.get('client_id'), f.get('client_secret')];
    if (id !== clientId) return err(401, 'invalid_client', 'The OAuth client was not found.');
    if (!secret) return err(400, 'invalid_request', 'client_secret is missing.');
    if (secret !== clientSecret) return err(401, 'invalid_client', 'Unauthorized');
    const grantType = f.get('grant_type');
    if (grantType === 'authorization_code') {
      const code = f.get('code');
      if (!code) return err(400, 'invalid_request', 'Missing required parameter: code');
      const c = state.codes.get(code);
      if (!c || c.used || c.expiresAt < now()) return err(400, 'invalid_grant', 'Bad Request');
      if (f.get('redirect_uri') !== c.redirectUri) return err(400, 'redirect_uri_mismatch', 'Bad Request');
      const verifier = f.get('code_verifier');
      if (!verifier) return err(400, 'invalid_grant', 'Missing code verifier.');
      if (s256(verifier) !== c.challenge) return err(400, 'invalid_grant', 'Invalid code verifier.');
      c.used = true;
      return json(res, 200, grantTokens(c.grant, true).body);
    }
    if (grantType === 'refresh_token') {
      const grant = state.refreshTokens.get(f.get('refresh_token') ?? '');
      if (!grant || grant.revoked) return err(400, 'invalid_grant', 'Token has been expired or revoked.');
      if (grant.clientId !== id) return err(400, 'unauthorized_client', 'Unauthorized');
      return json(res, 200, grantTokens(grant, false).body); // Google keeps the refresh token: none in the answer
    }
    return err(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType ?? ''}`);
  }
  function revoke(raw: string, q: URLSearchParams, res: ServerResponse) {
    const t = new URLSearchParams(raw).get('token') ?? q.get('token') ?? '';
    const grant = state.refreshTokens.get(t) ?? state.accessTokens.get(t)?.grant;
    if (!grant || grant.revoked) return json(res, 400, { error: 'invalid_token', error_description: 'Token expired or revoked' });
    grant.revoked = true;
    json(res, 200, {});
  }

  // ── API auth (Bearer) ──────────────────────────────────────────────────────
  function authenticate(req: IncomingMessage, res: ServerResponse): Grant | null {
    const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const t = bearer ? state.accessTokens.get(bearer) : undefined;
    if (t && !t.grant.revoked && t.expiresAt > now()) return t.grant;
    const see = 'Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';
    const body = bearer
      ? apiError(401, 'UNAUTHENTICATED', `Request had invalid authentication credentials. ${see}`, { message: 'Invalid Credentials', reason: 'authError', location: 'Authorization', locationType: 'header' })
      : apiError(401, 'UNAUTHENTICATED', `Request is missing required authentication credential. ${see}`, { message: 'Login Required.', reason: 'required', location: 'Authorization', locationType: 'header' });
    json(res, 401, body, { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' });
    return null;
  }

  // ── Gmail API v1 ───────────────────────────────────────────────────────────
  function gmail(req: IncomingMessage, res: ServerResponse, userId: string, rest: string, q: URLSearchParams, raw: string) {
    const grant = authenticate(req, res);
    if (!grant) return;
    if (userId !== 'me' && userId.toLowerCase() !== grant.email) return json(res, 403, apiError(403, 'PERMISSION_DENIED', `Delegation denied for ${grant.email}`, { reason: 'forbidden' }));
    const failure = state.failures.shift();
    if (failure) {
      const f = FAILURES[failure.kind];
      return json(res, f.status, f.body, f.retryAfter ? { 'retry-after': failure.retryAfter } : {});
    }
    const allowed = (scopes: string[]) => {
      if (grant.scopes.some((s) => scopes.includes(s))) return true;
      json(res, 403, apiError(403, 'PERMISSION_DENIED', 'Request had insufficient authentication scopes.', { message: 'Insufficient Permission', reason: 'insufficientPermissions' }),
        { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="insufficient_scope"' });
      return false;
    };
    const mb = mailbox(grant.email);
    const route = `${req.method} ${rest}`;

    if (route === 'GET profile') {
      if (!allowed([...READ_SCOPES, ...SEND_SCOPES])) return;
      return json(res, 200, { emailAddress: mb.email, messagesTotal: mb.messages.length, threadsTotal: new Set(mb.messages.map((m) => m.threadId)).size, historyId: String(mb.historyId) });
    }
    if (route === 'POST messages/send') {
      if (!allowed(SEND_SCOPES)) return;
      let body: { raw?: unknown; threadId?: unknown };
      try { body = JSON.parse(raw || '{}'); } catch { return json(res, 400, apiError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.', { reason: 'parseError' })); }
      if (typeof body.raw !== 'string' || !body.raw) return json(res, 400, badArg("'raw' RFC822 payload message string or uploading message via /upload/* URL required"));
      // The field is base64url: standard base64 ('+', '/') is refused, a common client bug.
      if (!/^[A-Za-z0-9_-]*={0,2}$/.test(body.raw)) return json(res, 400, badArg("Invalid value at 'message.raw' (TYPE_BYTES), Base64 decoding failed"));
      let mime = Buffer.from(body.raw, 'base64url');
      const headers = parseHeaders(splitMessage(mime.toString('latin1')).head);
      if (!recipients(headers).length) return json(res, 400, badArg('Recipient address required'));
      if (!header(headers, 'message-id')) mime = Buffer.concat([Buffer.from(`Message-ID: <${rand(18)}@mail.gmail.com>\r\n`), mime]);
      let threadId: string | undefined;
      if (typeof body.threadId === 'string' && body.threadId) {
        const thread = mb.messages.filter((m) => m.threadId === body.threadId);
        if (!thread.length) return json(res, 404, notFound());
        // Gmail only honours threadId when References/In-Reply-To point into the thread and the subject matches.
        const refs = referencedIds(headers);
        const fits = thread.some((m) => refs.includes(header(m.headers, 'message-id') ?? ''))
          && thread.some((m) => normalizeSubject(header(m.headers, 'subject')) === normalizeSubject(header(headers, 'subject')));
        if (fits) threadId = body.threadId;
      }
      const msg = store(mb, mime, ['SENT'], threadId);
      for (const rcpt of recipients(headers)) { const other = state.mailboxes.get(rcpt); if (other && other !== mb) store(other, mime, [...INBOUND_LABELS]); }
      return json(res, 200, { id: msg.id, threadId: msg.threadId, labelIds: msg.labelIds });
    }
    if (route === 'GET messages') {
      if (!allowed(READ_SCOPES)) return;
      let found = [...mb.messages].reverse(); // newest first
      const query = (q.get('q') ?? '').trim();
      if (query) {
        const m = /^rfc822msgid:\s*<?([^<>\s]+)>?$/i.exec(query);
        if (!m) return json(res, 400, badArg(`fake google: unsupported q ${JSON.stringify(query)} (only rfc822msgid:)`));
        found = found.filter((msg) => header(msg.headers, 'message-id') === `<${m[1]}>`);
      }
      for (const label of q.getAll('labelIds')) found = found.filter((msg) => msg.labelIds.includes(label));
      const p = paginate(found, q, res);
      if (!p) return;
      if (!p.items.length) return json(res, 200, { resultSizeEstimate: 0 });
      return json(res, 200, { messages: p.items.map((x) => ({ id: x.id, threadId: x.threadId })), ...(p.next && { nextPageToken: p.next }), resultSizeEstimate: found.length });
    }
    const get = /^messages\/([^/]+)$/.exec(rest);
    if (req.method === 'GET' && get) {
      if (!allowed(READ_SCOPES)) return;
      if (!/^[0-9a-f]+$/i.test(get[1]!)) return json(res, 400, badArg('Invalid id value'));
      const msg = mb.messages.find((m) => m.id === get[1]);
      if (!msg) return json(res, 404, notFound());
      return json(res, 200, render(msg, q.get('format') ?? 'full', q.getAll('metadataHeaders')));
    }
    if (route === 'GET history') {
      if (!allowed(READ_SCOPES)) return;
      const start = Number(q.get('startHistoryId'));
      if (!q.get('startHistoryId') || !Number.isInteger(start)) return json(res, 400, badArg('Invalid startHistoryId'));
      if (start < mb.oldestHistoryId) return json(res, 404, notFound()); // outside the retained window: client must full-sync
      const types = q.getAll('historyTypes');
      const label = q.get('labelId');
      const records = mb.history.filter((h) => h.id > start && (!types.length || types.includes('messageAdded')) && (!label || h.message.labelIds.includes(label)));
      const p = paginate(records, q, res);
      if (!p) return;
      const history = p.items.map(({ id, message: m }) => ({ id: String(id), messages: [{ id: m.id, threadId: m.threadId }], messagesAdded: [{ message: { id: m.id, threadId: m.threadId, labelIds: m.labelIds } }] }));
      return json(res, 200, { ...(history.length && { history }), ...(p.next && { nextPageToken: p.next }), historyId: String(mb.historyId) });
    }
    json(res, 404, notFound());
  }

  /** maxResults (default 100, max 500) + opaque pageToken, as list and history do. */
  function paginate<T>(items: T[], q: URLSearchParams, res: ServerResponse): { items: T[]; next?: string } | null {
    const size = Math.min(Number(q.get('maxResults') ?? 100) || 100, 500);
    const tokenParam = q.get('pageToken');
    const offset = tokenParam ? Number(Buffer.from(tokenParam, 'base64url').toString().replace(/^page:/, '')) : 0;
    if (!Number.isInteger(offset) || offset < 0) {
      json(res, 400, badArg('Invalid pageToken'));
      return null;
    }
    const next = offset + size < items.length ? Buffer.from(`page:${offset + size}`).toString('base64url') : undefined;
    return { items: items.slice(offset, offset + size), next };
  }

  function render(msg: GmailMessage, format: string, metadataHeaders: string[]) {
    const text = msg.raw.toString('latin1');
    const tree = mimeTree(text);
    const base = { id: msg.id, threadId: msg.threadId, labelIds: msg.labelIds, snippet: snippet(tree), sizeEstimate: msg.raw.length, historyId: String(msg.historyId), internalDate: String(msg.internalDate) };
    if (format === 'raw') return { ...base, raw: msg.raw.toString('base64url') };
    if (format === 'minimal') return base;
    if (format === 'metadata') {
      const wanted = metadataHeaders.map((h) => h.toLowerCase());
      const headers = wanted.length ? msg.headers.filter((h) => wanted.includes(h.name.toLowerCase())) : msg.headers;
      return { ...base, payload: { partId: '', mimeType: tree.mimeType, filename: '', headers, body: { size: 0 } } };
    }
    return { ...base, payload: tree };
  }

  // ── server ────────────────────────────────────────────────────────────────
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://fake-google');
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body });
      const p = url.pathname;
      if (req.method === 'GET' && p === '/o/oauth2/v2/auth') return authorize(url.searchParams, res);
      if (req.method === 'POST' && p === '/token') return token(req, body, res);
      if (req.method === 'POST' && p === '/revoke') return revoke(body, url.searchParams, res);
      if (req.method === 'GET' && USERINFO_PATHS.includes(p)) {
        const grant = authenticate(req, res);
        if (!grant) return;
        const sub = subject(grant.email);
        return json(res, 200, p === '/oauth2/v2/userinfo' ? { id: sub, email: grant.email, verified_email: true } : { sub, email: grant.email, email_verified: true });
      }
      const m = /^\/gmail\/v1\/users\/([^/]+)\/(.+)$/.exec(p);
      if (m) return gmail(req, res, decodeURIComponent(m[1]!), m[2]!, url.searchParams, body);
      json(res, 404, notFound());
    })().catch((e: unknown) => { if (!res.headersSent) json(res, 500, { error: String(e) }); });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    baseUrl, oauthBaseUrl: baseUrl, apiBaseUrl: baseUrl, clientId, clientSecret, state,
    failNext(n, kind, o = {}) { for (let i = 0; i < n; i++) state.failures.push({ kind, retryAfter: String(o.retryAfter ?? 1) }); },
    deliverToInbox: (email, raw) => store(mailbox(email), Buffer.isBuffer(raw) ? raw : Buffer.from(raw, 'utf8'), [...INBOUND_LABELS]),
    mailbox,
    issueTokens(email = state.consent.email, scopes = ['openid', 'email', `${G}gmail.send`, `${G}gmail.readonly`]) {
      const t = grantTokens({ email: email.toLowerCase(), clientId, scopes, revoked: false }, true);
      return { accessToken: t.accessToken, refreshToken: t.refreshToken! };
    },
    revokeRefreshToken(t) { const g = state.refreshTokens.get(t); if (g) g.revoked = true; },
    expireAccessTokens() { for (const t of state.accessTokens.values()) t.expiresAt = 0; },
    expireHistory(email) { const mb = mailbox(email); mb.oldestHistoryId = mb.historyId; mb.history = []; },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
