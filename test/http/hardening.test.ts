import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { TestClient, type Res } from '../helpers/client.js';
import { engineName } from '../helpers/db.js';
import { ACCESS_COOKIE, REFRESH_COOKIE } from '../../src/http/access.js';
import { createLogger } from '../../src/lib/logger.js';
import { PROBLEM_BASE } from '../../src/lib/problems.js';

const API = '/api/v1';
const ALLOWED_ORIGIN = 'https://app.example.com';
const BODY_LIMIT = 2048;

/** Every log line the app writes during this file. */
const logLines: string[] = [];
const lineSink = (into: string[]) => new Writable({ write(chunk, _enc, done) { into.push(String(chunk)); done(); } });

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({
    env: { BODY_LIMIT_BYTES: String(BODY_LIMIT), CORS_ORIGINS: ALLOWED_ORIGIN },
    log: createLogger('info', lineSink(logLines)),
  });
});
afterAll(() => t?.close());

async function count(table: 'workspaces' | 'users' | 'api_keys' | 'invites'): Promise<number> {
  const { rows } = await t.deps.database.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return Number(rows[0]!.n);
}

async function signedIn() {
  const c = new TestClient(t.app);
  const s = await c.signup();
  return { c, ...s };
}

function expectProblem(res: Res, status: number, slug: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ type: PROBLEM_BASE + slug, status });
}

const fields = (res: Res) => (res.body.errors as { field: string }[]).map((e) => e.field).sort();

describe(`hardening: request bodies (${engineName})`, () => {
  it('malformed JSON is a 400 problem and writes nothing', async () => {
    const { c } = await signedIn();
    const before = await count('workspaces');
    const res = await c.request('POST', `${API}/workspaces`, { rawBody: '{"name": "half', headers: { 'content-type': 'application/json' } });
    expectProblem(res, 400, 'malformed-json');
    expect(res.body.type).toMatch(/\/malformed-json$/);
    expect(await count('workspaces')).toBe(before);
  });

  it('a body over BODY_LIMIT_BYTES is a 413 problem and writes nothing', async () => {
    const { c } = await signedIn();
    const before = await count('workspaces');
    const res = await c.post(`${API}/workspaces`, { name: 'x'.repeat(BODY_LIMIT + 1) });
    expectProblem(res, 413, 'payload-too-large');
    expect(await count('workspaces')).toBe(before);
    // Just under the limit is parsed (and then judged on its fields).
    const near = await c.post(`${API}/workspaces`, { name: 'x'.repeat(BODY_LIMIT - 100) });
    expectProblem(near, 422, 'validation');
  });

  it('a body that is not JSON at all is a 415 problem', async () => {
    const { c } = await signedIn();
    const res = await c.request('POST', `${API}/workspaces`, { rawBody: 'name=Acme', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expectProblem(res, 415, 'unsupported-media-type');
  });

  it('wrong types are a 422 problem naming every bad field', async () => {
    const { c, user, workspace } = await signedIn();
    const cases: [string, string, unknown, string[]][] = [
      ['POST', `${API}/workspaces`, { name: 123 }, ['name']],
      ['POST', `${API}/workspaces`, {}, ['name']],
      ['PATCH', `${API}/workspaces/${workspace.id}`, { name: '   ' }, ['name']],
      ['POST', `${API}/workspaces/${workspace.id}/invites`, { role: 'king' }, ['email', 'role']],
      ['POST', `${API}/workspaces/${workspace.id}/invites`, { email: 'not an address', role: 'member' }, ['email']],
      ['PATCH', `${API}/workspaces/${workspace.id}/members/${user.id}`, { role: 'king' }, ['role']],
      ['POST', `${API}/api-keys`, { name: 42, role: 'owner' }, ['name', 'role']],
      ['POST', `${API}/auth/signup`, { email: 'nope', password: 'short', name: 5 }, ['email', 'name', 'password']],
    ];
    for (const [method, url, body, expected] of cases) {
      const res = await c.request(method, url, { body });
      expectProblem(res, 422, 'validation');
      expect(fields(res), `${method} ${url} ${JSON.stringify(body)}`).toEqual(expected);
      for (const e of res.body.errors) expect(e.message).toEqual(expect.any(String));
    }
  });

  it('an unknown route is a 404 problem', async () => {
    const res = await new TestClient(t.app).get(`${API}/no-such-thing`);
    expectProblem(res, 404, 'not-found');
    expectProblem(await new TestClient(t.app).post(`${API}/workspaces/nope/frobnicate`, {}), 404, 'not-found');
  });
});

describe(`hardening: rejected requests never write (${engineName})`, () => {
  it('an invalid workspace body creates no workspace', async () => {
    const { c } = await signedIn();
    const before = await count('workspaces');
    for (const body of [{ name: '' }, { name: 123 }, { name: 'x'.repeat(101) }, { nom: 'Acme' }]) {
      expect((await c.post(`${API}/workspaces`, body)).status).toBe(422);
    }
    expect(await count('workspaces')).toBe(before);
  });

  it('a signup with one invalid field creates no user and no workspace', async () => {
    const users = await count('users');
    const workspaces = await count('workspaces');
    const email = `half-valid-${Date.now()}@example.com`;
    const res = await new TestClient(t.app).post(`${API}/auth/signup`, { email, password: 'short', name: 'Valid Name' });
    expectProblem(res, 422, 'validation');
    expect(fields(res)).toEqual(['password']);
    expect(await count('users')).toBe(users);
    expect(await count('workspaces')).toBe(workspaces);
    const { rows } = await t.deps.database.sql.query(`SELECT id FROM users WHERE email = $1`, [email]);
    expect(rows).toEqual([]);
  });
});

describe(`hardening: CSRF (${engineName})`, () => {
  it('a cookie-authenticated mutation without x-csrf-token is refused and writes nothing', async () => {
    const { c } = await signedIn();
    const [workspaces, keys] = [await count('workspaces'), await count('api_keys')];
    const res = await c.request('POST', `${API}/workspaces`, { body: { name: 'Forged' }, csrf: false });
    expectProblem(res, 403, 'csrf');
    expectProblem(await c.request('POST', `${API}/api-keys`, { body: { name: 'forged key' }, csrf: false }), 403, 'csrf');
    expect(await count('workspaces')).toBe(workspaces);
    expect(await count('api_keys')).toBe(keys);
  });

  it('a wrong token, or another browser\'s token, is refused too', async () => {
    const { c } = await signedIn();
    const other = new TestClient(t.app);
    const othersToken = await other.ensureCsrf();
    await c.ensureCsrf();
    const before = await count('workspaces');
    for (const token of ['definitely-not-the-token', othersToken]) {
      const res = await c.request('POST', `${API}/workspaces`, { body: { name: 'Forged' }, csrf: false, headers: { 'x-csrf-token': token } });
      expectProblem(res, 403, 'csrf');
    }
    const rename = await c.request('PATCH', `${API}/me`, { body: { name: 'Forged Name' }, csrf: false, headers: { 'x-csrf-token': othersToken } });
    expectProblem(rename, 403, 'csrf');
    expect(await count('workspaces')).toBe(before);
    expect((await c.get(`${API}/me`)).body.user.name).toBe('Test User');

    // The same browser with its own token goes through.
    expect((await c.post(`${API}/workspaces`, { name: 'Legit' })).status).toBe(201);
  });
});

describe(`hardening: headers (${engineName})`, () => {
  const cspDirectives = (header: unknown) =>
    Object.fromEntries(String(header).split(';').map((d) => d.trim()).filter(Boolean).map((d) => { const [k, ...v] = d.split(/\s+/); return [k, v.join(' ')]; }));

  it('sends the security headers on pages, API answers and errors alike', async () => {
    const anon = new TestClient(t.app);
    for (const res of [await anon.get('/health'), await anon.get(`${API}/auth/csrf`), await anon.get(`${API}/me`), await anon.get('/some/page')]) {
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(cspDirectives(csp)['script-src']).toBe("'self'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(Boolean(res.headers['x-frame-options']) || /frame-ancestors/.test(csp)).toBe(true);
      expect(cspDirectives(csp)['frame-ancestors']).toBe("'none'");
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('CORS answers the configured origin with credentials and nobody else', async () => {
    const preflight = (origin: string) => t.app.inject({
      method: 'OPTIONS', url: `${API}/workspaces`,
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-csrf-token' },
    });
    const ok = await preflight(ALLOWED_ORIGIN);
    expect(ok.statusCode).toBeLessThan(300);
    expect(ok.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
    expect(ok.headers['access-control-allow-credentials']).toBe('true');
    expect(String(ok.headers['access-control-allow-methods'])).toContain('POST');
    expect(String(ok.headers['access-control-allow-headers'])).toContain('x-csrf-token');

    const evil = await preflight('https://evil.example');
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    const evilGet = await t.app.inject({ method: 'GET', url: `${API}/auth/csrf`, headers: { origin: 'https://evil.example' } });
    expect(evilGet.headers['access-control-allow-origin']).toBeUndefined();
    const okGet = await t.app.inject({ method: 'GET', url: `${API}/auth/csrf`, headers: { origin: ALLOWED_ORIGIN } });
    expect(okGet.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
  });

  it('echoes x-request-id, reusing a sane incoming one and replacing anything else', async () => {
    const anon = new TestClient(t.app);
    const minted = await anon.get('/health');
    expect(minted.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect((await anon.get('/health')).headers['x-request-id']).not.toBe(minted.headers['x-request-id']);

    expect((await anon.get('/health', { 'x-request-id': 'lb-7f3a.91_Z' })).headers['x-request-id']).toBe('lb-7f3a.91_Z');
    expect((await anon.get(`${API}/me`, { 'x-request-id': 'err-req-1' })).headers['x-request-id']).toBe('err-req-1');
    for (const insane of ['has spaces in it', 'x'.repeat(65), '<script>alert(1)</script>', 'line\\nbreak']) {
      const res = await anon.get('/health', { 'x-request-id': insane });
      expect(res.headers['x-request-id']).not.toBe(insane);
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe(`hardening: every error is problem+json (${engineName})`, () => {
  it.each([
    [400, 'malformed-json', 'broken JSON', async () => (await signedIn()).c.request('POST', `${API}/workspaces`, { rawBody: '{', headers: { 'content-type': 'application/json' } })],
    [401, 'unauthorized', 'no credentials', async () => new TestClient(t.app).get(`${API}/me`)],
    [401, 'invalid-api-key', 'a key without ms_', async () => new TestClient(t.app).get(`${API}/api-keys`, { authorization: 'Bearer nope' })],
    [403, 'csrf', 'no CSRF token', async () => (await signedIn()).c.request('DELETE', `${API}/api-keys/00000000-0000-4000-8000-000000000000`, { csrf: false })],
    [404, 'not-found', 'a workspace that does not exist', async () => (await signedIn()).c.get(`${API}/workspaces/00000000-0000-4000-8000-000000000000/members`)],
    [404, 'not-found', 'an unknown route', async () => new TestClient(t.app).request('PUT', `${API}/unknown`, { body: {} })],
    [409, 'conflict', 'a taken email', async () => { const { email } = await signedIn(); return new TestClient(t.app).post(`${API}/auth/signup`, { email, password: 'long enough password', name: 'Dup' }); }],
    [413, 'payload-too-large', 'an oversized body', async () => new TestClient(t.app).post(`${API}/auth/login`, { email: 'a@example.com', password: 'p'.repeat(BODY_LIMIT) })],
    [415, 'unsupported-media-type', 'XML', async () => new TestClient(t.app).request('POST', `${API}/auth/login`, { rawBody: '<login/>', headers: { 'content-type': 'application/xml' } })],
    [422, 'validation', 'wrong field types', async () => new TestClient(t.app).post(`${API}/auth/login`, { email: 5 })],
  ] as [number, string, string, () => Promise<Res>][])('%i %s for %s', async (status, slug, _what, call) => {
    const res = await call();
    expectProblem(res, status, slug);
    expect(res.body.title).toEqual(expect.any(String));
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('429 when an IP sends too many requests, with retry-after', async () => {
    const flooder = new TestClient(t.app);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await flooder.post(`${API}/auth/signup`, { email: 'x' })).status);
    expect(statuses.every((s) => s === 422)).toBe(true);
    const limited = await flooder.post(`${API}/auth/signup`, { email: 'x' });
    expectProblem(limited, 429, 'rate-limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('requests refused for bad credentials count towards the per-IP limit too', async () => {
    const flooder = new TestClient(t.app);
    const guess = (i: number) => flooder.get(`${API}/api-keys`, { authorization: `Bearer ms_guess${i}` });
    const first = await guess(0);
    expect(first.status).toBe(401);
    const limit = Number(first.headers['x-ratelimit-limit']);
    expect(limit).toBeGreaterThan(0);
    const statuses: number[] = [];
    for (let i = 1; i <= limit; i++) statuses.push((await guess(i)).status);
    expect(statuses.slice(0, -1).every((s) => s === 401)).toBe(true);
    expectProblem(await guess(limit + 1), 429, 'rate-limited');
  });
});

describe(`hardening: logs (${engineName})`, () => {
  it('never contain passwords, API keys, session cookies or CSRF tokens', async () => {
    const firstLine = logLines.length;
    const password = `Pw-${randomBytes(12).toString('hex')}`;
    const owner = new TestClient(t.app);
    const { email } = await owner.signup({ password });

    const browser = new TestClient(t.app);
    expect((await browser.post(`${API}/auth/login`, { email, password })).status).toBe(200);
    expect((await browser.post(`${API}/auth/login`, { email, password: `${password}-typo` })).status).toBe(401);
    await browser.request('POST', `${API}/auth/login`, { rawBody: `{"email":"${email}","password":"${password}"`, headers: { 'content-type': 'application/json' } });
    const created = await browser.post(`${API}/api-keys`, { name: 'logged?', role: 'admin' });
    expect(created.status).toBe(201);
    const apiKey = created.body.key as string;
    const bot = new TestClient(t.app);
    bot.apiKey = apiKey;
    expect((await bot.get(`${API}/api-keys`)).status).toBe(200);
    expect((await bot.get(`${API}/me`)).status).toBe(403);
    expect((await browser.post(`${API}/auth/refresh`)).status).toBe(200);

    const secrets: Record<string, string | null | undefined> = {
      password,
      apiKey,
      ownerAccess: owner.cookies.get(ACCESS_COOKIE),
      ownerRefresh: owner.cookies.get(REFRESH_COOKIE),
      access: browser.cookies.get(ACCESS_COOKIE),
      refresh: browser.cookies.get(REFRESH_COOKIE),
      csrfCookie: browser.cookies.get('ms_csrf'),
      csrfToken: browser.csrf,
    };
    const lines = logLines.slice(firstLine);
    // The capture works: the requests above were logged.
    expect(lines.some((l) => l.includes('/api/v1/auth/login'))).toBe(true);
    expect(lines.some((l) => l.includes('/api/v1/api-keys'))).toBe(true);
    for (const [name, secret] of Object.entries(secrets)) {
      expect(secret, name).toEqual(expect.any(String));
      expect(secret!.length, name).toBeGreaterThanOrEqual(16);
      expect(lines.filter((l) => l.includes(secret!)), name).toEqual([]);
    }
  });

  it('a deliberate 503 (a feature not configured here) is a warning, not an error for Sentry', async () => {
    const from = logLines.length;
    const res = await t.app.inject({ method: 'POST', url: `${API}/webhooks/facebook`, payload: '{}', headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(503);
    const logged = logLines.slice(from).map((l) => JSON.parse(l) as { level: string; problem?: string });
    expect(logged.find((l) => l.problem === 'messenger-not-configured')?.level).toBe('warn');
    expect(logged.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('request logs never carry a mailed token from the URL', async () => {
    const from = logLines.length;
    const visitor = new TestClient(t.app);
    await visitor.get(`${API}/invites/InviteTokenSecret0123456789`);
    await visitor.get('/reset-password?token=ResetTokenSecret0123456789');
    const lines = logLines.slice(from);
    expect(lines.some((l) => l.includes('/api/v1/invites/[redacted]'))).toBe(true);
    expect(lines.filter((l) => l.includes('TokenSecret0123456789'))).toEqual([]);
  });

  it('the logger blanks credentials wherever a request, response or body carries them', () => {
    const out: string[] = [];
    const log = createLogger('info', lineSink(out));
    log.info({
      req: { method: 'POST', url: '/x', headers: { authorization: 'Bearer ms_SECRET01', cookie: 'ms_access=SECRET02', 'x-csrf-token': 'SECRET03' } },
      res: { statusCode: 200, headers: { 'set-cookie': 'ms_refresh=SECRET04' } },
      body: { password: 'SECRET05', currentPassword: 'SECRET06', newPassword: 'SECRET07', token: 'SECRET08', apiKey: 'SECRET09', key: 'SECRET10', refreshToken: 'SECRET11' },
      password: 'SECRET12',
    }, 'request with secrets');
    expect(out).toHaveLength(1);
    expect(out[0]).toContain('[redacted]');
    expect(out[0]).toContain('request with secrets');
    expect(out[0]).not.toMatch(/SECRET\d\d/);
  });
});
