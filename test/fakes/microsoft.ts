/**
 * Fake Microsoft: identity platform v2.0 (authorization code + PKCE, refresh with rotation) and the
 * slice of Microsoft Graph v1.0 mail MessageSender uses — one node:http server with Microsoft's real
 * paths, params, JSON bodies, AADSTS error shapes, OData links and throttling answers.
 *
 * login.microsoftonline.com and graph.microsoft.com paths do not overlap ("/{tenant}/oauth2/v2.0/…"
 * vs "/v1.0/…"), so one server serves both: loginBaseUrl === graphBaseUrl === baseUrl.
 *
 * Stricter than Microsoft at /authorize: state, PKCE (S256) and the scopes offline_access, Mail.Send,
 * Mail.Read are our client's contract, so leaving one out is an error here.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';

const REQUIRED_SCOPES = ['offline_access', 'mail.send', 'mail.read'];
const READ_SCOPES = ['mail.read', 'mail.readwrite'];
/** Graph accepts the well-known names; messages report these opaque ids as parentFolderId. */
const FOLDERS: Record<string, string> = { inbox: 'AQMkADAwATZiZmYAZC1pbmJveAAuAAAD', sentitems: 'AQMkADAwATZiZmYAZC1zZW50aXRlbXMAAAA=' };
const DEFAULT_DELTA_PAGE = 10;

export type MicrosoftFailure = 'throttle429' | 'unavailable503';

export interface FakeMicrosoftOptions {
  clientId?: string;
  clientSecret?: string;
  /** Registered redirect URIs; when omitted any is accepted (the token call must still repeat it). */
  redirectUris?: string[];
  /** Account that signs in at the consent screen unless state.consent.email or login_hint says otherwise. */
  email?: string;
  accessTokenTtlSeconds?: number;
  now?: () => number;
}

export interface RecordedRequest { method: string; path: string; query: URLSearchParams; headers: IncomingHttpHeaders; body: string }
export interface Header { name: string; value: string }
export interface GraphMessage { id: string; folder: 'inbox' | 'sentitems'; conversationId: string; mime: Buffer; headers: Header[]; seq: number; receivedAt: number; isRead: boolean }
export interface Grant { email: string; clientId: string; scopes: string[]; revoked: boolean }
interface SyncState { folder: string; fromSeq: number; toSeq: number; offset: number; select: string[] }

export interface FakeMicrosoftState {
  requests: RecordedRequest[];
  /** Mailboxes by address; each holds its Inbox and Sent Items. */
  mailboxes: Map<string, GraphMessage[]>;
  /** Every accepted sendMail, including saveToSentItems=false ones that never reach Sent Items. */
  outbox: { from: string; mime: Buffer; form: 'mime' | 'json'; savedToSentItems: boolean }[];
  consent: { email: string; deny: boolean; dropScopes: string[] };
  codes: Map<string, { grant: Grant; redirectUri: string; challenge: string; expiresAt: number; used: boolean }>;
  accessTokens: Map<string, { grant: Grant; expiresAt: number }>;
  refreshTokens: Map<string, Grant>;
  skipTokens: Map<string, SyncState>;
  deltaTokens: Map<string, SyncState>;
  failures: { kind: MicrosoftFailure; retryAfter: string }[];
}

export interface FakeMicrosoft {
  baseUrl: string; loginBaseUrl: string; graphBaseUrl: string;
  clientId: string; clientSecret: string;
  state: FakeMicrosoftState;
  /** The next n Graph calls (after auth) are throttled (429) or unavailable (503), with Retry-After. */
  failNext(n: number, kind: MicrosoftFailure, opts?: { retryAfter?: string | number }): void;
  /** An inbound message lands in the Inbox of `mailbox` (default: the consenting account). */
  deliverToInbox(rawMime: string | Buffer, mailbox?: string): GraphMessage;
  messages(mailbox?: string): GraphMessage[];
  /** Skips the browser dance: tokens for `email` as if the user had consented to `scopes`. */
  issueTokens(email?: string, scopes?: string[]): { accessToken: string; refreshToken: string };
  /** Revokes the grant behind a refresh token (all its rotated siblings too). Access tokens live on until expiry, like Entra's JWTs. */
  revokeRefreshToken(refreshToken: string): void;
  expireAccessTokens(): void;
  /** Every delta/skip token becomes unknown: the next delta call answers 410 SyncStateNotFound. */
  expireDeltaTokens(): void;
  close(): Promise<void>;
}

// ── small helpers ────────────────────────────────────────────────────────────
const rand = (n = 24) => randomBytes(n).toString('base64url');
const short = (scope: string) => scope.replace(/^https:\/\/graph\.microsoft\.com\//i, '').toLowerCase();
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const readBody = (req: IncomingMessage) => new Promise<string>((resolve, reject) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks).toString('utf8'))).on('error', reject);
});
function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));
}
/** Graph's error envelope; innerError carries per-request ids like the real service. */
function graphError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}) {
  const id = randomUUID();
  json(res, status, { error: { code, message, innerError: { date: iso(Date.now()), 'request-id': id, 'client-request-id': id } } }, headers);
}
/** Entra's token-endpoint error: {error, error_description "AADSTSn: …", error_codes, timestamp, trace_id, correlation_id, error_uri}. */
function aadError(res: ServerResponse, status: number, error: string, code: number, text: string, loginBase: string) {
  const timestamp = new Date().toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
  const [trace_id, correlation_id] = [randomUUID(), randomUUID()];
  json(res, status, { error, error_description: `AADSTS${code}: ${text} Trace ID: ${trace_id} Correlation ID: ${correlation_id} Timestamp: ${timestamp}`, error_codes: [code], timestamp, trace_id, correlation_id, error_uri: `${loginBase}/error?code=${code}` });
}

// ── RFC 5322 / MIME, just enough to fill Graph's message resource ────────────
function splitMessage(text: string) {
  const m = /\r?\n\r?\n/.exec(text);
  return m ? { head: text.slice(0, m.index), body: text.slice(m.index + m[0].length) } : { head: text, body: '' };
}
function parseHeaders(head: string): Header[] {
  return head.replace(/\r?\n(?=[ \t])/g, '').split(/\r?\n/).filter((l) => l.includes(':'))
    .map((l) => ({ name: l.slice(0, l.indexOf(':')).trim(), value: l.slice(l.indexOf(':') + 1).trim() }));
}
const header = (hs: Header[], name: string) => hs.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
/** RFC 2047 encoded-words (=?utf-8?Q?…?=): Graph shows subjects and names decoded. */
const decodeWords = (v: string) => v.replace(/=\?([^?]+)\?([BQ])\?([^?]*)\?=/gi, (_, cs: string, enc: string, data: string) => {
  const bytes = enc.toUpperCase() === 'B' ? Buffer.from(data, 'base64')
    : Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (__, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
  try { return new TextDecoder(cs).decode(bytes); } catch { return bytes.toString('latin1'); }
});
const addresses = (v = '') => [...v.matchAll(/(?:"?([^"<,]*?)"?\s*<([^>]+)>)|([^\s,<>"]+@[^\s,<>"]+)/g)]
  .map((m) => ({ emailAddress: { name: decodeWords((m[1] ?? '').trim()) || (m[2] ?? m[3] ?? ''), address: m[2] ?? m[3] ?? '' } }));
/** First text/html (else text/plain) leaf, transfer-decoded: Graph's `body`. */
function findBody(text: string): { contentType: 'html' | 'text'; content: string } | null {
  const { head, body } = splitMessage(text);
  const hs = parseHeaders(head);
  const ct = header(hs, 'content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(ct)?.[1];
  if (/^multipart\//i.test(ct) && boundary) {
    const parts = body.split(`--${boundary}`).slice(1).filter((c) => !c.startsWith('--')).map((c) => findBody(c.replace(/^\r?\n/, '')));
    return parts.find((p) => p?.contentType === 'html') ?? parts.find((p) => p) ?? null;
  }
  if (!/^text\/(html|plain)/i.test(ct)) return null;
  const cte = header(hs, 'content-transfer-encoding') ?? '';
  const bytes = /base64/i.test(cte) ? Buffer.from(body.replace(/\s/g, ''), 'base64')
    : Buffer.from(/quoted-printable/i.test(cte) ? body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))) : body, 'latin1');
  return { contentType: /^text\/html/i.test(ct) ? 'html' : 'text', content: bytes.toString('utf8').replace(/\r?\n$/, '') };
}
const referencedIds = (hs: Header[]): string[] => `${header(hs, 'in-reply-to') ?? ''} ${header(hs, 'references') ?? ''}`.match(/<[^>]+>/g) ?? [];
const recipientsOf = (hs: Header[]) => ['to', 'cc', 'bcc'].flatMap((n) => addresses(header(hs, n)).map((a) => a.emailAddress.address.toLowerCase()));

export async function startFakeMicrosoft(opts: FakeMicrosoftOptions = {}): Promise<FakeMicrosoft> {
  const clientId = opts.clientId ?? '11111111-2222-3333-4444-555555555555';
  const clientSecret = opts.clientSecret ?? 'fake~client~secret';
  const ttl = opts.accessTokenTtlSeconds ?? 3599;
  const now = opts.now ?? Date.now;
  const state: FakeMicrosoftState = {
    requests: [], mailboxes: new Map(), outbox: [], consent: { email: opts.email ?? 'sender@contoso.test', deny: false, dropScopes: [] },
    codes: new Map(), accessTokens: new Map(), refreshTokens: new Map(), skipTokens: new Map(), deltaTokens: new Map(), failures: [],
  };
  let seq = 0; // change counter across all mailboxes: drives delta rounds
  let base = '';
  const mailbox = (email: string) => {
    const key = email.toLowerCase();
    if (!state.mailboxes.has(key)) state.mailboxes.set(key, []);
    return state.mailboxes.get(key)!;
  };

  /** Files a MIME message; replies join the conversation of the message they reference. */
  function store(email: string, mime: Buffer, folder: GraphMessage['folder']): GraphMessage {
    const box = mailbox(email);
    const headers = parseHeaders(splitMessage(mime.toString('latin1')).head);
    const refs = referencedIds(headers);
    const conversationId = box.find((m) => refs.includes(header(m.headers, 'message-id') ?? ''))?.conversationId ?? `AAQkAD${rand(30)}=`;
    const msg: GraphMessage = { id: `AAMkAD${rand(45)}AAA=`, folder, conversationId, mime, headers, seq: ++seq, receivedAt: now(), isRead: folder === 'sentitems' };
    box.push(msg);
    return msg;
  }

  function toGraph(m: GraphMessage, select: string[]) {
    const hs = m.headers;
    const body = findBody(m.mime.toString('latin1')) ?? { contentType: 'text', content: '' };
    const date = Date.parse(header(hs, 'date') ?? '') || m.receivedAt;
    const from = addresses(header(hs, 'from'))[0] ?? null;
    const full: Record<string, unknown> = {
      '@odata.etag': `W/"CQAAABYAAAA${createHash('sha1').update(m.id).digest('base64').slice(0, 16)}"`, id: m.id,
      createdDateTime: iso(m.receivedAt), lastModifiedDateTime: iso(m.receivedAt), receivedDateTime: iso(m.receivedAt), sentDateTime: iso(date),
      hasAttachments: false, internetMessageId: header(hs, 'message-id') ?? null, subject: decodeWords(header(hs, 'subject') ?? ''),
      bodyPreview: body.content.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 255), importance: 'normal',
      parentFolderId: FOLDERS[m.folder], conversationId: m.conversationId, isRead: m.isRead, isDraft: false, body,
      sender: from, from, toRecipients: addresses(header(hs, 'to')), ccRecipients: addresses(header(hs, 'cc')), bccRecipients: addresses(header(hs, 'bcc')), replyTo: addresses(header(hs, 'reply-to')),
    };
    if (!select.length) return full;
    // $select: only what was asked (id always); internetMessageHeaders exists only on request, as in Graph.
    const picked: Record<string, unknown> = { '@odata.etag': full['@odata.etag'], id: m.id };
    for (const s of select) {
      if (s.toLowerCase() === 'internetmessageheaders') picked.internetMessageHeaders = hs;
      else { const key = Object.keys(full).find((k) => k.toLowerCase() === s.toLowerCase()); if (key) picked[key] = full[key]; }
    }
    return picked;
  }

  function issue(grant: Grant, withRefresh: boolean) {
    const seg = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const iat = Math.floor(now() / 1000);
    const oid = randomUUID();
    const accessToken = `${seg({ typ: 'JWT', alg: 'RS256', kid: 'fake' })}.${seg({ aud: '00000003-0000-0000-c000-000000000000', upn: grant.email, scp: grant.scopes.join(' '), iat, exp: iat + ttl })}.${rand(64)}`;
    state.accessTokens.set(accessToken, { grant, expiresAt: now() + ttl * 1000 });
    const body: Record<string, unknown> = { token_type: 'Bearer', scope: grant.scopes.filter((s) => s !== 'offline_access').join(' '), expires_in: ttl, ext_expires_in: ttl, access_token: accessToken };
    const refreshToken = withRefresh ? `1.A${rand(120)}` : undefined;
    if (refreshToken) { state.refreshTokens.set(refreshToken, grant); body.refresh_token = refreshToken; }
    if (grant.scopes.includes('openid')) {
      body.id_token = `${seg({ typ: 'JWT', alg: 'RS256', kid: 'fake' })}.${seg({ ver: '2.0', iss: `${base}/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0`, aud: grant.clientId, sub: rand(32), oid, preferred_username: grant.email, email: grant.email, iat, exp: iat + ttl })}.${rand(64)}`;
    }
    return { accessToken, refreshToken, body };
  }

  // ── identity platform: /authorize ──────────────────────────────────────────
  function authorize(tenant: string, q: URLSearchParams, res: ServerResponse) {
    const page = (text: string) => res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' }).end(`<html><body><h1>Sign in</h1><p>${text}</p></body></html>`);
    if (q.get('client_id') !== clientId) return page(`AADSTS700016: Application with identifier '${q.get('client_id') ?? ''}' was not found in the directory '${tenant}'.`);
    const redirectUri = q.get('redirect_uri') ?? '';
    if (!redirectUri || (opts.redirectUris && !opts.redirectUris.includes(redirectUri))) {
      return page(`AADSTS50011: The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'.`);
    }
    // From here on Microsoft reports errors back to the app on its redirect URI.
    const target = new URL(redirectUri);
    const back = (params: Record<string, string>) => {
      for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
      if (q.get('state')) target.searchParams.set('state', q.get('state')!);
      res.writeHead(302, { location: target.toString() }).end();
    };
    const missing = ['response_type', 'scope', 'state', 'code_challenge'].find((p) => !q.get(p));
    if (missing) return back({ error: 'invalid_request', error_description: `AADSTS900144: The request body must contain the following parameter: '${missing}'.` });
    if (q.get('response_type') !== 'code') return back({ error: 'unsupported_response_type', error_description: `AADSTS700054: response_type '${q.get('response_type')}' is not enabled for the application.` });
    if (q.get('code_challenge_method') !== 'S256') return back({ error: 'invalid_request', error_description: 'fake microsoft: code_challenge_method must be S256' });
    const requested = q.get('scope')!.split(' ').filter(Boolean);
    const lacking = REQUIRED_SCOPES.filter((r) => !requested.some((s) => short(s) === r));
    if (lacking.length) return back({ error: 'invalid_request', error_description: `fake microsoft: scope must include offline_access Mail.Send Mail.Read (missing: ${lacking.join(', ')})` });
    if (state.consent.deny) return back({ error: 'access_denied', error_description: 'AADSTS65004: User declined to consent to access the app.' });
    const scopes = requested.filter((s) => !state.consent.dropScopes.some((d) => short(d) === short(s)));
    const code = `0.A${rand(90)}`;
    const grant: Grant = { email: (q.get('login_hint') || state.consent.email).toLowerCase(), clientId, scopes, revoked: false };
    state.codes.set(code, { grant, redirectUri, challenge: q.get('code_challenge')!, expiresAt: now() + 10 * 60_000, used: false });
    back({ code, session_state: randomUUID() }); // no scope echo: Microsoft reports granted scopes only at /token
  }

  // ── identity platform: /token ──────────────────────────────────────────────
  function token(raw: string, res: ServerResponse) {
    const f = new URLSearchParams(raw);
    const fail = (status: number, error: string, code: number, text: string) => aadError(res, status, error, code, text, base);
    const grantType = f.get('grant_type');
    if (!grantType) return fail(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'grant_type'.");
    if (f.get('client_id') !== clientId) return fail(400, 'unauthorized_client', 700016, `Application with identifier '${f.get('client_id') ?? ''}' was not found in the directory.`);
    if (!f.get('client_secret')) return fail(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    if (f.get('client_secret') !== clientSecret) return fail(401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.');
    if (grantType === 'authorization_code') {
      const c = state.codes.get(f.get('code') ?? '');
      if (!f.get('code')) return fail(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'code'.");
      if (!c) return fail(400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.');
      if (c.used) return fail(400, 'invalid_grant', 54005, 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.');
      if (c.expiresAt < now()) return fail(400, 'invalid_grant', 70008, 'The provided authorization code or refresh token has expired due to inactivity.');
      if (f.get('redirect_uri') !== c.redirectUri) return fail(400, 'invalid_grant', 50011, `The redirect URI '${f.get('redirect_uri') ?? ''}' specified in the request does not match the redirect URI used to obtain the authorization code.`);
      const verifier = f.get('code_verifier') ?? '';
      if (createHash('sha256').update(verifier).digest('base64url') !== c.challenge) return fail(400, 'invalid_grant', 501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.');
      c.used = true;
      return json(res, 200, issue(c.grant, c.grant.scopes.some((s) => short(s) === 'offline_access')).body);
    }
    if (grantType === 'refresh_token') {
      const grant = state.refreshTokens.get(f.get('refresh_token') ?? '');
      if (!grant || grant.revoked) return fail(400, 'invalid_grant', 70000, "The provided value for the input parameter 'refresh_token' or 'assertion' is not valid.");
      return json(res, 200, issue(grant, true).body); // rotation: a new refresh token every time; the old one stays valid
    }
    fail(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grantType}'.`);
  }

  // ── Graph v1.0 ─────────────────────────────────────────────────────────────
  function graph(req: IncomingMessage, res: ServerResponse, path: string, q: URLSearchParams, raw: string) {
    const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const t = bearer ? state.accessTokens.get(bearer) : undefined;
    const wwwAuth = { 'www-authenticate': `Bearer realm="", authorization_uri="${base}/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"` };
    if (!bearer) return graphError(res, 401, 'InvalidAuthenticationToken', 'Access token is empty.', wwwAuth);
    if (!t || t.expiresAt <= now()) return graphError(res, 401, 'InvalidAuthenticationToken', 'Access token has expired or is not yet valid.', wwwAuth);
    const failure = state.failures.shift();
    if (failure?.kind === 'throttle429') return graphError(res, 429, 'TooManyRequests', 'Please retry again later.', { 'retry-after': failure.retryAfter });
    if (failure?.kind === 'unavailable503') return graphError(res, 503, 'serviceNotAvailable', 'The service is temporarily unavailable. Please retry after the time given in Retry-After.', { 'retry-after': failure.retryAfter });
    const { grant } = t;
    const allowed = (scopes: string[]) => {
      if (grant.scopes.some((s) => scopes.includes(short(s)))) return true;
      graphError(res, 403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
      return false;
    };
    const box = mailbox(grant.email);
    const select = (q.get('$select') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    let m: RegExpExecArray | null;

    if (req.method === 'GET' && /^\/me\/?$/i.test(path)) {
      return json(res, 200, { '@odata.context': `${base}/v1.0/$metadata#users/$entity`, id: createHash('sha1').update(grant.email).digest('hex').slice(0, 32), displayName: grant.email.split('@')[0], mail: grant.email, userPrincipalName: grant.email });
    }
    if (req.method === 'POST' && /^\/me\/sendmail$/i.test(path)) return allowed(['mail.send']) && sendMail(req, res, grant.email, raw);
    if (req.method === 'GET' && (m = /^\/me\/mailfolders(?:\/([^/]+)|\('([^']+)'\))\/messages\/delta$/i.exec(path))) {
      return allowed(READ_SCOPES) && delta(req, res, folderOf(m[1] ?? m[2]!), q, select, box);
    }
    if (req.method === 'GET' && (m = /^\/me(?:\/mailfolders(?:\/([^/]+)|\('([^']+)'\)))?\/messages$/i.exec(path))) {
      if (!allowed(READ_SCOPES)) return;
      const folderArg = m[1] ?? m[2];
      const folder = folderArg ? folderOf(folderArg) : null;
      if (folderArg && !folder) return graphError(res, 404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
      let found = box.filter((x) => !folder || x.folder === folder).sort((a, b) => b.seq - a.seq);
      const filter = q.get('$filter');
      if (filter) {
        const f = /^internetMessageId eq '((?:[^']|'')*)'$/i.exec(filter.trim());
        if (!f) return graphError(res, 400, 'BadRequest', `fake microsoft: unsupported $filter ${JSON.stringify(filter)} (only internetMessageId eq '…')`);
        found = found.filter((x) => header(x.headers, 'message-id') === f[1]!.replace(/''/g, "'"));
      }
      const top = Number(q.get('$top') ?? 10) || 10;
      const skip = Number(q.get('$skip') ?? 0) || 0;
      const next = new URL(`${base}/v1.0${path}`);
      q.forEach((v, k) => next.searchParams.set(k, v));
      next.searchParams.set('$skip', String(skip + top));
      return json(res, 200, { '@odata.context': `${base}/v1.0/$metadata#users('${encodeURIComponent(grant.email)}')/messages`, value: found.slice(skip, skip + top).map((x) => toGraph(x, select)), ...(skip + top < found.length && { '@odata.nextLink': next.toString() }) });
    }
    if (req.method === 'GET' && (m = /^\/me\/messages\/([^/]+)(\/\$value)?$/i.exec(path))) {
      if (!allowed(READ_SCOPES)) return;
      const msg = box.find((x) => x.id === m![1]);
      if (!msg) return graphError(res, 404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
      if (m[2]) return res.writeHead(200, { 'content-type': 'text/plain' }).end(msg.mime); // the MIME, byte for byte
      return json(res, 200, { '@odata.context': `${base}/v1.0/$metadata#users('${encodeURIComponent(grant.email)}')/messages/$entity`, ...toGraph(msg, select) });
    }
    graphError(res, 400, 'BadRequest', `Resource not found for the segment '${path.split('/').pop() ?? ''}'.`);
  }

  const folderOf = (arg: string) => (Object.entries(FOLDERS).find(([name, id]) => name === arg.toLowerCase() || id === arg)?.[0] ?? null) as GraphMessage['folder'] | null;

  /** POST /me/sendMail: text/plain = base64 MIME ("send as MIME"); application/json = {message, saveToSentItems}. */
  function sendMail(req: IncomingMessage, res: ServerResponse, from: string, raw: string) {
    const contentType = req.headers['content-type'] ?? '';
    let mime: Buffer;
    let save = true;
    if (/^text\/plain/i.test(contentType)) {
      const b64 = raw.replace(/\s/g, '');
      if (!b64 || !/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) return graphError(res, 400, 'ErrorMimeContentInvalidBase64String', 'Invalid base64 string for MIME content.');
      mime = Buffer.from(b64, 'base64');
    } else {
      let body: { message?: JsonMessage; saveToSentItems?: boolean | string };
      try { body = JSON.parse(raw); } catch { return graphError(res, 400, 'BadRequest', 'Empty Payload. JSON content expected.'); }
      if (!body.message) return graphError(res, 400, 'ErrorInvalidParameter', "The value of the parameter 'Message' is empty.");
      // Graph only takes custom x- headers in JSON; List-Unsubscribe etc. need the MIME form.
      const bad = (body.message.internetMessageHeaders ?? []).find((h) => !/^x-/i.test(h.name));
      if (bad) return graphError(res, 400, 'InvalidInternetMessageHeader', `The internet message header name '${bad.name}' should start with 'x-' or 'X-'.`);
      save = String(body.saveToSentItems ?? true) !== 'false';
      mime = mimeFromJson(from, body.message);
    }
    let headers = parseHeaders(splitMessage(mime.toString('latin1')).head);
    const rcpts = recipientsOf(headers);
    if (!rcpts.length) return graphError(res, 400, 'ErrorInvalidRecipients', "At least one recipient isn't valid., A message can't be sent because it contains no recipients.");
    if (!header(headers, 'message-id')) mime = Buffer.concat([Buffer.from(`Message-ID: <${rand(18)}@${from.split('@')[1]?.replace(/\W/g, '') ?? 'x'}.prod.outlook.com>\r\n`), mime]);
    headers = parseHeaders(splitMessage(mime.toString('latin1')).head);
    state.outbox.push({ from, mime, form: /^text\/plain/i.test(contentType) ? 'mime' : 'json', savedToSentItems: save });
    if (save) store(from, mime, 'sentitems');
    for (const r of rcpts) if (r !== from && state.mailboxes.has(r)) store(r, mime, 'inbox');
    res.writeHead(202).end();
  }

  /** Delta rounds: initial call snapshots the folder, $skiptoken pages through it, $deltatoken resumes after it. */
  function delta(req: IncomingMessage, res: ServerResponse, folder: GraphMessage['folder'] | null, q: URLSearchParams, select: string[], box: GraphMessage[]) {
    if (!folder) return graphError(res, 404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
    const skip = q.get('$skiptoken');
    const dt = q.get('$deltatoken');
    let sync: SyncState | undefined;
    if (skip) sync = state.skipTokens.get(skip);
    else if (dt) sync = state.deltaTokens.get(dt) && { ...state.deltaTokens.get(dt)!, offset: 0, toSeq: seq };
    else sync = { folder, fromSeq: 0, toSeq: seq, offset: 0, select };
    if (!sync || sync.folder !== folder) return graphError(res, 410, 'SyncStateNotFound', 'The sync state is not found or has expired. A full synchronization is required.');
    const size = Number(/odata\.maxpagesize=(\d+)/i.exec(String(req.headers.prefer ?? ''))?.[1] ?? DEFAULT_DELTA_PAGE);
    const changed = box.filter((x) => x.folder === folder && x.seq > sync.fromSeq && x.seq <= sync.toSeq).sort((a, b) => a.seq - b.seq);
    const page = changed.slice(sync.offset, sync.offset + size);
    const link = (param: string, tok: string) => `${base}/v1.0/me/mailFolders('${FOLDERS[folder]}')/messages/delta?${param}=${tok}`;
    const tok = rand(36);
    const more = sync.offset + size < changed.length;
    if (more) state.skipTokens.set(tok, { ...sync, offset: sync.offset + size });
    else state.deltaTokens.set(tok, { ...sync, fromSeq: sync.toSeq, offset: 0 });
    json(res, 200, {
      '@odata.context': `${base}/v1.0/$metadata#Collection(message)`,
      [more ? '@odata.nextLink' : '@odata.deltaLink']: link(more ? '$skiptoken' : '$deltatoken', tok),
      value: page.map((x) => ({ '@odata.type': '#microsoft.graph.message', ...toGraph(x, sync.select) })),
    }, req.headers.prefer ? { 'preference-applied': `odata.maxpagesize=${size}` } : {});
  }

  // ── server ────────────────────────────────────────────────────────────────
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://fake-microsoft');
      const path = decodeURIComponent(url.pathname);
      state.requests.push({ method: req.method ?? 'GET', path, query: url.searchParams, headers: req.headers, body });
      let m: RegExpExecArray | null;
      if (req.method === 'GET' && (m = /^\/([^/]+)\/oauth2\/v2\.0\/authorize$/.exec(path))) return authorize(m[1]!, url.searchParams, res);
      if (req.method === 'POST' && /^\/[^/]+\/oauth2\/v2\.0\/token$/.test(path)) return token(body, res);
      if ((m = /^\/v1\.0(\/.*)$/.exec(path))) return graph(req, res, m[1]!, url.searchParams, body);
      graphError(res, 404, 'NotFound', `fake microsoft: no route ${req.method} ${path}`);
    })().catch((e: unknown) => { if (!res.headersSent) json(res, 500, { error: String(e) }); });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    baseUrl: base, loginBaseUrl: base, graphBaseUrl: base, clientId, clientSecret, state,
    failNext(n, kind, o = {}) { for (let i = 0; i < n; i++) state.failures.push({ kind, retryAfter: String(o.retryAfter ?? 1) }); },
    deliverToInbox: (rawMime, email = state.consent.email) => store(email, Buffer.isBuffer(rawMime) ? rawMime : Buffer.from(rawMime, 'utf8'), 'inbox'),
    messages: (email = state.consent.email) => mailbox(email),
    issueTokens(email = state.consent.email, scopes = ['openid', 'email', 'offline_access', 'Mail.Send', 'Mail.Read']) {
      const t = issue({ email: email.toLowerCase(), clientId, scopes, revoked: false }, true);
      return { accessToken: t.accessToken, refreshToken: t.refreshToken! };
    },
    revokeRefreshToken(t) { const g = state.refreshTokens.get(t); if (g) g.revoked = true; },
    expireAccessTokens() { for (const t of state.accessTokens.values()) t.expiresAt = 0; },
    expireDeltaTokens() { state.skipTokens.clear(); state.deltaTokens.clear(); },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

interface JsonMessage {
  subject?: string; body?: { contentType?: string; content?: string };
  toRecipients?: Recipient[]; ccRecipients?: Recipient[]; bccRecipients?: Recipient[];
  internetMessageHeaders?: { name: string; value: string }[];
}
interface Recipient { emailAddress?: { address?: string; name?: string } }

/** What Exchange would put on the wire for a JSON sendMail, so $value and look-ups work the same for both forms. */
function mimeFromJson(from: string, msg: JsonMessage): Buffer {
  const list = (rs?: Recipient[]) => (rs ?? []).map((r) => r.emailAddress?.address).filter(Boolean).join(', ');
  const encode = (s: string) => (/^[\x20-\x7e]*$/.test(s) ? s : `=?utf-8?B?${Buffer.from(s).toString('base64')}?=`);
  const lines = [`From: ${from}`, `To: ${list(msg.toRecipients)}`];
  if (msg.ccRecipients?.length) lines.push(`Cc: ${list(msg.ccRecipients)}`);
  if (msg.bccRecipients?.length) lines.push(`Bcc: ${list(msg.bccRecipients)}`);
  lines.push(`Subject: ${encode(msg.subject ?? '')}`, `Date: ${new Date().toUTCString()}`, 'MIME-Version: 1.0');
  for (const h of msg.internetMessageHeaders ?? []) lines.push(`${h.name}: ${h.value}`);
  const html = /^html$/i.test(msg.body?.contentType ?? '');
  lines.push(`Content-Type: text/${html ? 'html' : 'plain'}; charset=utf-8`, 'Content-Transfer-Encoding: base64', '', Buffer.from(msg.body?.content ?? '').toString('base64'));
  return Buffer.from(lines.join('\r\n'));
}
