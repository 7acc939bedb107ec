import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { TestClient } from '../../../test/helpers/client.js';
import { engineName } from '../../../test/helpers/db.js';
import { users, userTokens, sessions, refreshTokens } from '../../db/schema/index.js';
import { REFRESH_COOKIE, ACCESS_COOKIE } from '../../http/access.js';
import { refreshTokenHash } from './sessions.js';
import { sha256 } from '../../lib/tokens.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

/** Reads the token out of the newest system-mail job for `to` (what the user would click). */
async function mailedToken(to: string, path: string): Promise<string> {
  const { rows } = await t.deps.database.sql.query<{ data: { to: string; link: string } }>(
    `SELECT data FROM pgboss.job WHERE name = 'system-mail' AND data->>'to' = $1 ORDER BY created_on DESC LIMIT 1`, [to]);
  const link = rows[0]?.data.link ?? '';
  expect(link).toContain(path);
  return new URL(link).searchParams.get('token')!;
}

describe(`accounts and sessions (${engineName})`, () => {
  it('signs up: first user is instance admin and owns a new workspace; later users are not admins', async () => {
    const first = new TestClient(t.app);
    const a = await first.signup({ email: 'First@Example.COM', name: 'Ada' });
    expect(a.user).toMatchObject({ email: 'first@example.com', name: 'Ada', isInstanceAdmin: true, emailVerified: false });
    expect(a.workspace).toMatchObject({ role: 'owner', name: "Ada's workspace" });

    const me = await first.get('/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body.currentWorkspaceId).toBe(a.workspace.id);

    const second = await new TestClient(t.app).signup({ name: 'Bob' });
    expect(second.user.isInstanceAdmin).toBe(false);
    expect(second.workspace.id).not.toBe(a.workspace.id);
  });

  it('sets httpOnly SameSite cookies and a 15-minute access token', async () => {
    const c = new TestClient(t.app);
    const res = await c.post('/api/v1/auth/signup', { email: 'cookies@example.com', password: 'correct horse battery staple', name: 'C' });
    const cookies = res.raw.cookies as { name: string; httpOnly?: boolean; sameSite?: string; maxAge?: number; path?: string }[];
    const access = cookies.find((x) => x.name === ACCESS_COOKIE)!;
    const refresh = cookies.find((x) => x.name === REFRESH_COOKIE)!;
    expect(access).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(access.maxAge).toBeLessThanOrEqual(15 * 60);
    expect(refresh).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/v1/auth' });
  });

  it('rejects a duplicate email (case-insensitive) with a 409 naming the field, and stores the password as argon2id', async () => {
    const c = new TestClient(t.app);
    await c.signup({ email: 'dup@example.com' });
    const res = await new TestClient(t.app).post('/api/v1/auth/signup', { email: 'DUP@example.com', password: 'another long password', name: 'X' });
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.errors).toEqual([{ field: 'email', message: 'is already registered' }]);
    const [row] = await t.deps.db.select().from(users).where(eq(users.email, 'dup@example.com'));
    expect(row!.passwordHash).toMatch(/^\$argon2id\$/);
  });

  it('logs in and out; a logged-out access token stops working at once', async () => {
    const c = new TestClient(t.app);
    const { email, password } = await c.signup();
    const fresh = new TestClient(t.app);
    expect((await fresh.post('/api/v1/auth/login', { email: email.toUpperCase(), password })).status).toBe(200);
    const stolenAccess = fresh.cookies.get(ACCESS_COOKIE)!;
    expect((await fresh.get('/api/v1/me')).status).toBe(200);
    expect((await fresh.post('/api/v1/auth/logout')).status).toBe(204);
    expect(fresh.cookies.has(ACCESS_COOKIE)).toBe(false);
    const replay = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: `${ACCESS_COOKIE}=${stolenAccess}` } });
    expect(replay.statusCode).toBe(401);
  });

  it('wrong password gets 401 problem+json and is audited', async () => {
    const c = new TestClient(t.app);
    const { email, user } = await c.signup();
    const res = await new TestClient(t.app).post('/api/v1/auth/login', { email, password: 'wrong password!!' });
    expect(res.status).toBe(401);
    expect(res.body.type).toMatch(/invalid-credentials$/);
    const audit = await c.get('/api/v1/audit-log');
    const failed = audit.body.items.find((i: any) => i.action === 'auth.login_failed');
    expect(failed).toMatchObject({ targetType: 'user', targetId: user.id });
  });

  it('locks an account after repeated failures with a growing backoff, even from many IPs', async () => {
    const c = new TestClient(t.app);
    const { email, password } = await c.signup();
    for (let i = 0; i < 5; i++) expect((await new TestClient(t.app).post('/api/v1/auth/login', { email, password: 'nope nope nope' })).status).toBe(401);
    const locked = await new TestClient(t.app).post('/api/v1/auth/login', { email, password });
    expect(locked.status).toBe(429);
    const firstWait = Number(locked.headers['retry-after']);
    expect(firstWait).toBeGreaterThan(0);
    // Expire the lock, fail again: the next lock is longer.
    await t.deps.database.sql.query(`UPDATE login_throttles SET locked_until = now() - interval '1 second' WHERE email = $1`, [email]);
    expect((await new TestClient(t.app).post('/api/v1/auth/login', { email, password: 'nope nope nope' })).status).toBe(401);
    const again = await new TestClient(t.app).post('/api/v1/auth/login', { email, password });
    expect(again.status).toBe(429);
    expect(Number(again.headers['retry-after'])).toBeGreaterThan(firstWait);
  });

  it('rate-limits logins per IP', async () => {
    const attacker = new TestClient(t.app);
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) statuses.push((await attacker.post('/api/v1/auth/login', { email: `nobody${i}@example.com`, password: 'whatever123' })).status);
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });

  it('rotates the refresh token; reusing a rotated one revokes the whole family', async () => {
    const c = new TestClient(t.app);
    await c.signup();
    const first = c.cookies.get(REFRESH_COOKIE)!;
    const r1 = await c.post('/api/v1/auth/refresh');
    expect(r1.status).toBe(200);
    const second = c.cookies.get(REFRESH_COOKIE)!;
    expect(second).not.toBe(first);
    expect((await c.get('/api/v1/me')).status).toBe(200);

    // An attacker replays the first (already rotated) token.
    const attacker = new TestClient(t.app);
    attacker.cookies.set(REFRESH_COOKIE, first);
    const reuse = await attacker.post('/api/v1/auth/refresh');
    expect(reuse.status).toBe(401);
    expect(reuse.body.type).toMatch(/invalid-refresh-token$/);

    // The legitimate holder's newer token and access token are dead too.
    expect((await c.get('/api/v1/me')).status).toBe(401);
    expect((await c.post('/api/v1/auth/refresh')).status).toBe(401);
    const [tok] = await t.deps.db.select({ sessionId: refreshTokens.sessionId }).from(refreshTokens).where(eq(refreshTokens.tokenHash, refreshTokenHash(t.deps.config.secrets, second)));
    const [session] = await t.deps.db.select().from(sessions).where(eq(sessions.id, tok!.sessionId));
    expect(session!.revokedReason).toBe('refresh_token_reuse');
  });

  it('verifies the email with the mailed single-use token', async () => {
    const c = new TestClient(t.app);
    const { email } = await c.signup();
    const token = await mailedToken(email, '/verify-email');
    expect((await new TestClient(t.app).post('/api/v1/auth/verify-email', { token })).status).toBe(204);
    expect((await c.get('/api/v1/me')).body.user.emailVerified).toBe(true);
    const again = await new TestClient(t.app).post('/api/v1/auth/verify-email', { token });
    expect(again.status).toBe(400);
    expect(again.body.errors[0].field).toBe('token');
  });

  it('resets a forgotten password: single use, 1 hour, ends other sessions', async () => {
    const c = new TestClient(t.app);
    const { email } = await c.signup();
    const anon = new TestClient(t.app);
    expect((await anon.post('/api/v1/auth/password/forgot', { email })).status).toBe(202);
    // Unknown addresses look the same from outside.
    expect((await anon.post('/api/v1/auth/password/forgot', { email: 'nobody-here@example.com' })).status).toBe(202);
    const token = await mailedToken(email, '/reset-password');
    expect((await anon.post('/api/v1/auth/password/reset', { token, password: 'brand new password 1' })).status).toBe(204);
    expect((await anon.post('/api/v1/auth/password/reset', { token, password: 'another new password' })).status).toBe(400);
    expect((await c.get('/api/v1/me')).status).toBe(401);
    expect((await new TestClient(t.app).post('/api/v1/auth/login', { email, password: 'brand new password 1' })).status).toBe(200);

    // An expired token is refused.
    await anon.post('/api/v1/auth/password/forgot', { email });
    const late = await mailedToken(email, '/reset-password');
    await t.deps.db.update(userTokens).set({ expiresAt: new Date(Date.now() - 1000) }).where(and(eq(userTokens.tokenHash, sha256(late))));
    expect((await anon.post('/api/v1/auth/password/reset', { token: late, password: 'too late password' })).status).toBe(400);
  });

  it('changes the password only with the current one, and keeps this session', async () => {
    const c = new TestClient(t.app);
    const { password } = await c.signup();
    const other = new TestClient(t.app);
    const { email } = { email: (await c.get('/api/v1/me')).body.user.email };
    await other.post('/api/v1/auth/login', { email, password });
    const wrong = await c.post('/api/v1/me/password', { currentPassword: 'not it at all', newPassword: 'a new long password' });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors[0].field).toBe('currentPassword');
    expect((await c.post('/api/v1/me/password', { currentPassword: password, newPassword: 'a new long password' })).status).toBe(204);
    expect((await c.get('/api/v1/me')).status).toBe(200);
    expect((await other.get('/api/v1/me')).status).toBe(401);
  });

  it('updates the profile name with validation', async () => {
    const c = new TestClient(t.app);
    await c.signup();
    expect((await c.patch('/api/v1/me', { name: '  Grace Hopper ' })).body.user.name).toBe('Grace Hopper');
    const bad = await c.patch('/api/v1/me', { name: '' });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([{ field: 'name', message: 'is required' }]);
  });
});
