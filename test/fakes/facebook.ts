/**
 * Fake Facebook: the Login dialog, the OAuth token endpoint, and the slice of the Graph API the
 * Messenger channel uses (/me/accounts, /me/permissions, /{page-id}/subscribed_apps, user
 * profiles, the Send API) — one node:http server speaking Graph's real paths, query parameters,
 * JSON bodies, HTTP statuses and error envelope, so our Graph client runs unmodified against it.
 *
 * Real Facebook splits this over www.facebook.com (dialog) and graph.facebook.com; their paths do
 * not overlap, so one server serves both and oauthUrl === graphUrl === baseUrl.
 *
 * Like Graph with "Require App Secret" switched on (what a production app should do), every call
 * made with an access token must carry appsecret_proof = HMAC-SHA256(app secret, token).
 * The fake also enforces Messenger's standard messaging window (24 h for RESPONSE/UPDATE, 7 days
 * for the HUMAN_AGENT tag) from each person's last message, answering 10/2018278 as Graph does.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export const ALL_WEBHOOK_FIELDS = ['messages', 'messaging_postbacks', 'message_echoes', 'message_deliveries', 'message_reads', 'messaging_optins', 'messaging_referrals', 'messaging_handovers', 'message_reactions', 'standby', 'feed'];
const DAY = 86_400_000;

export type FacebookFailure =
  | 'invalidToken190' | 'outsideWindow' | 'policyBlocked' | 'unavailable551' | 'rateLimit613' | 'appLimit4'
  | 'transient2' | 'serverError' | 'noMatchingUser100' | 'profileDenied100' | 'permission200';
/** Which kind of call a programmed failure applies to. */
export type FacebookCall = 'send' | 'profile' | 'subscribe' | 'accounts' | 'permissions' | 'token' | 'any';

export interface RecordedRequest {
  method: string;
  /** Path without the version prefix, e.g. "/me/messages". */
  path: string;
  version: string | null;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  json: any;
}
export interface FacebookPage { id: string; name: string; category: string; tasks: string[] }
export interface Person { psid: string; pageId: string; first_name: string; last_name: string; profile_pic: string; lastMessageAt: number }
export interface SentMessage { pageId: string; recipientId: string; messagingType: string; tag: string | null; text: string; mid: string; at: number }
type TokenKind = 'user_short' | 'user_long' | 'page';
interface TokenInfo { kind: TokenKind; userId: string; pageId?: string; valid: boolean; expiresAt: number | null }

export interface FakeFacebookState {
  requests: RecordedRequest[];
  /** The Facebook user who logs in at the dialog, and what they do there. */
  user: { id: string; name: string; pages: FacebookPage[] };
  consent: { deny: boolean; declinePermissions: string[] };
  /** Permissions the user granted (set by the dialog). */
  permissions: Map<string, 'granted' | 'declined'>;
  codes: Map<string, { redirectUri: string; used: boolean; expiresAt: number }>;
  tokens: Map<string, TokenInfo>;
  /** Fields each page has subscribed this app to. */
  subscriptions: Map<string, string[]>;
  people: Map<string, Person>;
  sent: SentMessage[];
  failures: { kind: FacebookFailure; on: FacebookCall; estimatedMinutes: number }[];
  requireAppSecretProof: boolean;
  /** Whether the fake refuses sends outside Messenger's window (like Graph). */
  enforceWindow: boolean;
}

export interface FakeFacebook {
  baseUrl: string; graphUrl: string; oauthUrl: string;
  appId: string; appSecret: string;
  state: FakeFacebookState;
  /** The next n calls of kind `on` (default: Send API) fail with `kind`. */
  failNext(n: number, kind: FacebookFailure, opts?: { on?: FacebookCall; estimatedMinutes?: number }): void;
  /** Someone messages a page: they exist for that page (profile, Send API) and their window opens now (or at `at`). */
  addPerson(p: { pageId: string; psid?: string; firstName?: string; lastName?: string; at?: number }): Person;
  /** Skips the dialog: a login code for `redirectUri`, as if the user had consented. */
  issueCode(redirectUri: string): string;
  /** The user changed their password: every token (user and page) stops working with 190/460. */
  invalidateTokens(): void;
  /** Page tokens handed out so far, by page id (the last one for each page). */
  pageToken(pageId: string): string | undefined;
  /** X-Hub-Signature-256 (and the legacy sha1 X-Hub-Signature) for a raw body, as Facebook signs webhooks. */
  sign(rawBody: string | Buffer): { 'x-hub-signature-256': string; 'x-hub-signature': string };
  /** A page webhook payload (object: "page") around `events`, grouped into one entry per page. */
  webhookPayload(entries: { pageId: string; events: object[]; time?: number }[]): { object: 'page'; entry: object[] };
  requestsTo(path: string | RegExp, method?: string): RecordedRequest[];
  close(): Promise<void>;
}

// ── helpers ─────────────────────────────────────────────────────────────────
const rand = (n = 24) => randomBytes(n).toString('base64url');
const digits = (n: number) => Array.from(randomBytes(n), (b) => String(b % 10)).join('').replace(/^0/, '1');
const readBody = (req: IncomingMessage) => new Promise<string>((resolve, reject) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks).toString('utf8'))).on('error', reject);
});
function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'x-fb-trace-id': rand(8), ...headers }).end(JSON.stringify(body));
}

interface GraphErr { status: number; message: string; type: string; code: number; subcode?: number; transient?: boolean; headers?: Record<string, string> }
/** Graph's error envelope: {error:{message,type,code,error_subcode,is_transient?,fbtrace_id}}. */
function graphError(res: ServerResponse, e: GraphErr) {
  json(res, e.status, {
    error: {
      message: e.message, type: e.type, code: e.code,
      ...(e.subcode !== undefined && { error_subcode: e.subcode }),
      ...(e.transient !== undefined && { is_transient: e.transient }),
      fbtrace_id: rand(8),
    },
  }, e.headers);
}
const oauth = (status: number, code: number, message: string, subcode?: number): GraphErr => ({ status, type: 'OAuthException', code, message, subcode });
const param = (message: string, subcode?: number): GraphErr => ({ status: 400, type: 'OAuthException', code: 100, message, subcode });

function failureError(kind: FacebookFailure, estimatedMinutes: number, pageId: string | undefined): GraphErr {
  switch (kind) {
    case 'invalidToken190': return { ...oauth(400, 190, 'Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.', 460), headers: { 'www-authenticate': 'OAuth "Facebook Platform" "invalid_token" "Error validating access token"' } };
    case 'outsideWindow': return oauth(400, 10, '(#10) This message is sent outside of allowed window. Learn more about the new policy here: https://developers.facebook.com/docs/messenger-platform/policy-overview', 2018278);
    case 'policyBlocked': return oauth(400, 10, "(#10) This person isn't receiving messages from you right now.", 2018108);
    case 'unavailable551': return oauth(400, 551, "This person isn't available right now.", 1545041);
    case 'rateLimit613': return {
      ...oauth(400, 613, '(#613) Calls to this api have exceeded the rate limit.'),
      headers: { 'x-business-use-case-usage': JSON.stringify({ [pageId ?? '0']: [{ type: 'messenger', call_count: 100, total_cputime: 12, total_time: 40, estimated_time_to_regain_access: estimatedMinutes }] }) },
    };
    case 'appLimit4': return { ...oauth(400, 4, '(#4) Application request limit reached'), transient: true, headers: { 'x-app-usage': JSON.stringify({ call_count: 100, total_cputime: 30, total_time: 45 }) } };
    case 'transient2': return { ...oauth(500, 2, 'An unexpected error has occurred. Please retry your request later.'), transient: true };
    case 'serverError': return { ...oauth(500, 1, 'An unknown error has occurred.'), transient: false };
    case 'noMatchingUser100': return param('(#100) No matching user found', 2018001);
    case 'profileDenied100': return { status: 400, type: 'GraphMethodException', code: 100, subcode: 33, message: "Unsupported get request. Object with ID does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api" };
    case 'permission200': return { status: 403, type: 'OAuthException', code: 200, message: '(#200) Requires pages_messaging permission to manage the object' };
  }
}

export async function startFakeFacebook(opts: { appId?: string; appSecret?: string; now?: () => number } = {}): Promise<FakeFacebook> {
  const appId = opts.appId ?? '1234567890';
  const appSecret = opts.appSecret ?? 'fake-facebook-app-secret';
  const now = opts.now ?? Date.now;
  const state: FakeFacebookState = {
    requests: [],
    user: {
      id: digits(15), name: 'Pat Owner',
      pages: [
        { id: digits(15), name: 'Acme Bikes', category: 'Bicycle Shop', tasks: ['ANALYZE', 'ADVERTISE', 'MESSAGING', 'MODERATE', 'CREATE_CONTENT', 'MANAGE'] },
        { id: digits(15), name: 'Acme Outlet', category: 'Retail Company', tasks: ['ANALYZE', 'ADVERTISE', 'MESSAGING', 'MODERATE', 'CREATE_CONTENT', 'MANAGE'] },
      ],
    },
    consent: { deny: false, declinePermissions: [] },
    permissions: new Map(),
    codes: new Map(), tokens: new Map(), subscriptions: new Map(), people: new Map(), sent: [], failures: [],
    requireAppSecretProof: true, enforceWindow: true,
  };
  const lastPageToken = new Map<string, string>();
  const proof = (token: string) => createHmac('sha256', appSecret).update(token).digest('hex');

  function mint(kind: TokenKind, pageId?: string): { token: string; expiresIn: number | null } {
    const token = `EAA${rand(kind === 'page' ? 60 : 48)}`;
    // Short user tokens last about two hours, long ones 60 days; page tokens from a long-lived user token never expire.
    const expiresIn = kind === 'user_short' ? 5183 : kind === 'user_long' ? 5183944 : null;
    state.tokens.set(token, { kind, userId: state.user.id, pageId, valid: true, expiresAt: expiresIn === null ? null : now() + expiresIn * 1000 });
    if (pageId) lastPageToken.set(pageId, token);
    return { token, expiresIn };
  }

  /** The call's access token, checked like Graph does; answers the error itself and returns null when refused. */
  function authenticate(q: URLSearchParams, req: IncomingMessage, res: ServerResponse): TokenInfo | null {
    const token = q.get('access_token') ?? /^(?:Bearer|OAuth) (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!token) {
      graphError(res, oauth(400, 2500, 'An active access token must be used to query information about the current user.'));
      return null;
    }
    const info = state.tokens.get(token);
    if (!info) {
      graphError(res, { ...oauth(400, 190, 'Invalid OAuth access token - Cannot parse access token'), headers: { 'www-authenticate': 'OAuth "Facebook Platform" "invalid_token" "Invalid OAuth access token"' } });
      return null;
    }
    if (!info.valid) {
      graphError(res, failureError('invalidToken190', 0, undefined));
      return null;
    }
    if (info.expiresAt !== null && info.expiresAt <= now()) {
      graphError(res, oauth(400, 190, 'Error validating access token: Session has expired.', 463));
      return null;
    }
    const given = q.get('appsecret_proof');
    if (given !== null && given !== proof(token)) {
      graphError(res, { status: 400, type: 'GraphMethodException', code: 100, message: 'Invalid appsecret_proof provided in the API argument' });
      return null;
    }
    if (given === null && state.requireAppSecretProof) {
      graphError(res, { status: 400, type: 'GraphMethodException', code: 100, message: 'API calls from the server require an appsecret_proof argument' });
      return null;
    }
    return info;
  }

  /** A programmed failure for this call, if one is queued; answered here. */
  function injected(call: FacebookCall, res: ServerResponse, pageId?: string): boolean {
    const i = state.failures.findIndex((f) => f.on === call || f.on === 'any');
    if (i < 0) return false;
    const [f] = state.failures.splice(i, 1);
    graphError(res, failureError(f!.kind, f!.estimatedMinutes, pageId));
    return true;
  }

  const requirePageToken = (info: TokenInfo, res: ServerResponse): info is TokenInfo & { pageId: string } => {
    if (info.kind === 'page' && info.pageId) return true;
    graphError(res, oauth(400, 210, '(#210) A page access token is required to request this resource.'));
    return false;
  };

  // ── Login dialog ───────────────────────────────────────────────────────────
  function dialog(q: URLSearchParams, res: ServerResponse) {
    const html = (status: number, text: string) => res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(`<html><body><h1>Error</h1><p>${text}</p></body></html>`);
    if (q.get('client_id') !== appId) return html(400, 'Invalid App ID: The provided app ID does not look like a valid app ID.');
    const redirectUri = q.get('redirect_uri');
    if (!redirectUri) return html(400, "URL blocked: This redirect failed because the redirect URI is not whitelisted in the app's client OAuth settings.");
    const target = new URL(redirectUri);
    if (q.get('state')) target.searchParams.set('state', q.get('state')!);
    if (state.consent.deny) {
      for (const [k, v] of Object.entries({ error: 'access_denied', error_code: '200', error_description: 'Permissions error', error_reason: 'user_denied' })) target.searchParams.set(k, v);
      return res.writeHead(302, { location: `${target}#_=_` }).end();
    }
    for (const p of ['public_profile', ...(q.get('scope') ?? '').split(',').map((s) => s.trim()).filter(Boolean)]) {
      state.permissions.set(p, state.consent.declinePermissions.includes(p) ? 'declined' : 'granted');
    }
    target.searchParams.set('code', issueCode(redirectUri));
    // Facebook appends this fragment to every Login redirect.
    res.writeHead(302, { location: `${target}#_=_` }).end();
  }

  function issueCode(redirectUri: string) {
    const code = `AQ${rand(120)}`;
    state.codes.set(code, { redirectUri, used: false, expiresAt: now() + 10 * 60_000 });
    if (!state.permissions.size) for (const p of ['public_profile', 'pages_show_list', 'pages_messaging', 'pages_manage_metadata', 'pages_read_engagement']) state.permissions.set(p, 'granted');
    return code;
  }

  // ── OAuth token endpoint (GET, query parameters, as Graph documents it) ───
  function accessToken(q: URLSearchParams, res: ServerResponse) {
    if (injected('token', res)) return;
    if (q.get('client_id') !== appId) return graphError(res, oauth(400, 101, 'Error validating application. Invalid application ID.'));
    if (q.get('client_secret') !== appSecret) return graphError(res, oauth(400, 1, 'Error validating client secret.'));
    if (q.get('grant_type') === 'fb_exchange_token') {
      const old = state.tokens.get(q.get('fb_exchange_token') ?? '');
      if (!old || !old.valid || old.kind === 'page') return graphError(res, oauth(400, 190, 'Invalid OAuth access token - Cannot parse access token'));
      const { token, expiresIn } = mint('user_long');
      return json(res, 200, { access_token: token, token_type: 'bearer', expires_in: expiresIn });
    }
    const code = q.get('code');
    if (!code) return graphError(res, param('Missing authorization code'));
    const c = state.codes.get(code);
    if (!c || c.expiresAt < now()) return graphError(res, param('Invalid verification code format.', 36007));
    if (c.used) return graphError(res, param('This authorization code has been used.', 36009));
    if (q.get('redirect_uri') !== c.redirectUri) return graphError(res, param('Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request', 36008));
    c.used = true;
    const { token, expiresIn } = mint('user_short');
    json(res, 200, { access_token: token, token_type: 'bearer', expires_in: expiresIn });
  }

  // ── Graph ──────────────────────────────────────────────────────────────────
  function meAccounts(info: TokenInfo, q: URLSearchParams, path: string, version: string | null, res: ServerResponse) {
    if (info.kind === 'page') return graphError(res, param('(#100) Tried accessing nonexisting field (accounts) on node type (Page)'));
    if (injected('accounts', res)) return;
    if (state.permissions.get('pages_show_list') !== 'granted') return json(res, 200, { data: [] });
    const limit = Math.min(Number(q.get('limit') ?? 25) || 25, 100);
    const start = q.get('after') ? Number(Buffer.from(q.get('after')!, 'base64url').toString()) : 0;
    const slice = state.user.pages.slice(start, start + limit);
    const data = slice.map((p) => ({
      // Page tokens obtained with a long-lived user token do not expire; with a short one they last as long as it.
      access_token: mint('page', p.id).token, category: p.category, category_list: [{ id: digits(9), name: p.category }], name: p.name, id: p.id, tasks: p.tasks,
    }));
    const cursor = (i: number) => Buffer.from(String(i)).toString('base64url');
    const paging: Record<string, unknown> = { cursors: { before: cursor(start), after: cursor(start + slice.length) } };
    if (start + limit < state.user.pages.length) {
      const next = new URL(`${baseUrl}${version ? `/${version}` : ''}${path}`);
      q.forEach((v, k) => next.searchParams.set(k, v));
      next.searchParams.set('limit', String(limit));
      next.searchParams.set('after', cursor(start + limit));
      paging.next = next.toString();
    }
    json(res, 200, { data, paging });
  }

  function subscribedApps(info: TokenInfo, pageId: string, q: URLSearchParams, res: ServerResponse) {
    if (!requirePageToken(info, res)) return;
    if (info.pageId !== pageId) return graphError(res, oauth(403, 200, '(#200) The page access token does not belong to this page'));
    if (injected('subscribe', res, pageId)) return;
    const fields = (q.get('subscribed_fields') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (!fields.length) return graphError(res, param('(#100) The parameter subscribed_fields is required'));
    const bad = fields.findIndex((f) => !ALL_WEBHOOK_FIELDS.includes(f));
    if (bad >= 0) return graphError(res, param(`(#100) Param subscribed_fields[${bad}] must be one of {${ALL_WEBHOOK_FIELDS.join(', ')}} - got "${fields[bad]}".`));
    if (state.permissions.get('pages_manage_metadata') !== 'granted') return graphError(res, oauth(403, 200, '(#200) Permissions error: pages_manage_metadata is required to subscribe the app to the page'));
    if (fields.some((f) => f.startsWith('messag')) && state.permissions.get('pages_messaging') !== 'granted') {
      return graphError(res, oauth(403, 200, '(#200) To subscribe to the messages field, one of these permissions is needed: pages_messaging'));
    }
    state.subscriptions.set(pageId, fields);
    json(res, 200, { success: true });
  }

  function profile(info: TokenInfo, psid: string, q: URLSearchParams, res: ServerResponse) {
    if (!requirePageToken(info, res)) return;
    if (injected('profile', res, info.pageId)) return;
    const person = state.people.get(psid);
    if (!person || person.pageId !== info.pageId) return graphError(res, failureError('profileDenied100', 0, undefined));
    const fields = (q.get('fields') ?? 'first_name,last_name,profile_pic').split(',').map((s) => s.trim());
    const out: Record<string, string> = {};
    for (const f of fields) if (f === 'first_name' || f === 'last_name' || f === 'profile_pic') out[f] = person[f];
    json(res, 200, { ...out, id: psid });
  }

  function sendApi(info: TokenInfo, body: any, res: ServerResponse) {
    if (!requirePageToken(info, res)) return;
    if (body === undefined) return graphError(res, param('(#100) The parameter recipient is required'));
    const recipient = body.recipient?.id;
    if (!recipient) return graphError(res, param('(#100) The parameter recipient is required'));
    const type = body.messaging_type;
    if (!['RESPONSE', 'UPDATE', 'MESSAGE_TAG'].includes(type)) return graphError(res, param('(#100) Param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG}'));
    const tag = body.tag ?? null;
    if (type === 'MESSAGE_TAG' && !['HUMAN_AGENT', 'CONFIRMED_EVENT_UPDATE', 'POST_PURCHASE_UPDATE', 'ACCOUNT_UPDATE'].includes(tag)) {
      return graphError(res, param('(#100) Param tag must be one of {CONFIRMED_EVENT_UPDATE, POST_PURCHASE_UPDATE, ACCOUNT_UPDATE, HUMAN_AGENT}'));
    }
    const text = body.message?.text;
    if (typeof text !== 'string' || !text) return graphError(res, param('(#100) The parameter message[text] or message[attachment] is required'));
    if (text.length > 2000) return graphError(res, param('(#100) Length of param message[text] must be less than or equal to 2000'));
    if (injected('send', res, info.pageId)) return;
    const person = state.people.get(recipient);
    if (!person || person.pageId !== info.pageId) return graphError(res, failureError('noMatchingUser100', 0, undefined));
    if (state.enforceWindow) {
      const age = now() - person.lastMessageAt;
      const limit = type === 'MESSAGE_TAG' && tag === 'HUMAN_AGENT' ? 7 * DAY : type === 'MESSAGE_TAG' ? Infinity : DAY;
      if (age > limit) return graphError(res, failureError('outsideWindow', 0, undefined));
    }
    const mid = `m_${rand(60)}`;
    state.sent.push({ pageId: info.pageId, recipientId: recipient, messagingType: type, tag, text, mid, at: now() });
    json(res, 200, { recipient_id: recipient, message_id: mid });
  }

  function graph(req: IncomingMessage, res: ServerResponse, path: string, version: string | null, q: URLSearchParams, body: any) {
    const info = authenticate(q, req, res);
    if (!info) return;
    let m: RegExpExecArray | null;
    if (req.method === 'GET' && path === '/me/accounts') return meAccounts(info, q, path, version, res);
    if (req.method === 'GET' && path === '/me/permissions') {
      if (injected('permissions', res)) return;
      return json(res, 200, { data: [...state.permissions].map(([permission, status]) => ({ permission, status })) });
    }
    if (req.method === 'POST' && path === '/me/messages') return sendApi(info, body, res);
    if (req.method === 'POST' && (m = /^\/(\d+)\/subscribed_apps$/.exec(path))) return subscribedApps(info, m[1]!, q, res);
    if (req.method === 'DELETE' && (m = /^\/(\d+)\/subscribed_apps$/.exec(path))) {
      if (!requirePageToken(info, res)) return;
      if (info.pageId !== m[1]) return graphError(res, oauth(403, 200, '(#200) The page access token does not belong to this page'));
      state.subscriptions.delete(m[1]!);
      return json(res, 200, { success: true });
    }
    if (req.method === 'GET' && (m = /^\/(\d+)\/subscribed_apps$/.exec(path))) {
      if (!requirePageToken(info, res)) return;
      const fields = state.subscriptions.get(m[1]!);
      return json(res, 200, { data: fields ? [{ category: 'Business', link: 'https://app.test/', name: 'MessageSender', id: appId, subscribed_fields: fields }] : [] });
    }
    if (req.method === 'GET' && (m = /^\/(\d+)$/.exec(path))) return profile(info, m[1]!, q, res);
    graphError(res, param(`Unknown path components: ${path}`, 2500));
  }

  // ── server ────────────────────────────────────────────────────────────────
  let baseUrl = '';
  const server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://fake-facebook');
      const m = /^(?:\/(v\d+\.\d+))?(\/.*)$/.exec(decodeURIComponent(url.pathname))!;
      const version = m[1] ?? null;
      const path = m[2]!.replace(/\/$/, '') || '/';
      let body: any;
      const type = req.headers['content-type'] ?? '';
      if (raw && /json/i.test(type)) { try { body = JSON.parse(raw); } catch { body = undefined; } }
      else if (raw && /x-www-form-urlencoded/i.test(type)) body = Object.fromEntries(new URLSearchParams(raw));
      state.requests.push({ method: req.method ?? 'GET', path, version, query: url.searchParams, headers: req.headers, body: raw, json: body });
      if (raw && /json/i.test(type) && body === undefined) return graphError(res, param('(#100) Invalid JSON in the request body'));
      if (req.method === 'GET' && path === '/dialog/oauth') return dialog(url.searchParams, res);
      if (req.method === 'GET' && path === '/oauth/access_token') return accessToken(url.searchParams, res);
      graph(req, res, path, version, url.searchParams, body);
    })().catch((e: unknown) => { if (!res.headersSent) json(res, 500, { error: { message: String(e), type: 'FakeFacebookError', code: 1 } }); });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    baseUrl, graphUrl: baseUrl, oauthUrl: baseUrl, appId, appSecret, state,
    failNext(n, kind, o = {}) { for (let i = 0; i < n; i++) state.failures.push({ kind, on: o.on ?? 'send', estimatedMinutes: o.estimatedMinutes ?? 1 }); },
    addPerson(p) {
      const person: Person = {
        psid: p.psid ?? digits(16), pageId: p.pageId, first_name: p.firstName ?? 'Ana', last_name: p.lastName ?? 'Lopez',
        profile_pic: `https://platform-lookaside.fbsbx.test/platform/profilepic/?psid=${p.psid ?? ''}&eai=${rand(12)}`, lastMessageAt: p.at ?? now(),
      };
      state.people.set(person.psid, person);
      return person;
    },
    issueCode,
    invalidateTokens() { for (const t of state.tokens.values()) t.valid = false; },
    pageToken: (pageId) => lastPageToken.get(pageId),
    sign(rawBody) {
      return {
        'x-hub-signature-256': `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`,
        'x-hub-signature': `sha1=${createHmac('sha1', appSecret).update(rawBody).digest('hex')}`,
      };
    },
    webhookPayload(entries) {
      return { object: 'page', entry: entries.map((e) => ({ id: e.pageId, time: e.time ?? now(), messaging: e.events })) };
    },
    requestsTo: (path, method) => state.requests.filter((r) => (typeof path === 'string' ? r.path === path : path.test(r.path)) && (!method || r.method === method)),
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** A stable fake mid for building webhook payloads in tests. */
export const fakeMid = (seed: string) => `m_${createHash('sha256').update(seed).digest('base64url').slice(0, 40)}`;
