import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { TestClient, type Res } from '../../../test/helpers/client.js';
import { engineName } from '../../../test/helpers/db.js';
import { apiKeys, type Role } from '../../db/schema/index.js';
import { sha256 } from '../../lib/tokens.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

const API = '/api/v1';

let emailSeq = 0;
const uniqueEmail = (tag: string) => `${tag}-${++emailSeq}-${Date.now().toString(36)}@example.com`;

interface Person {
  client: TestClient;
  id: string;
  email: string;
  workspaceId: string;
  workspaceName: string;
}

async function signUp(name: string, email = uniqueEmail(name.toLowerCase())): Promise<Person> {
  const client = new TestClient(t.app);
  const s = await client.signup({ email, name });
  return { client, id: s.user.id, email: s.user.email, workspaceId: s.workspace.id, workspaceName: s.workspace.name };
}

/** Invites a new address into the workspace and has it sign up and accept the mailed link. */
async function addMember(owner: Person, role: Role): Promise<Person> {
  const email = uniqueEmail(role);
  expect((await owner.client.post(`${API}/workspaces/${owner.workspaceId}/invites`, { email, role })).status).toBe(201);
  const { rows } = await t.deps.database.sql.query<{ data: { link: string } }>(
    `SELECT data FROM pgboss.job WHERE name = 'system-mail' AND data->>'to' = $1 ORDER BY created_on DESC LIMIT 1`, [email]);
  const token = new URL(rows[0]!.data.link).searchParams.get('token')!;
  const person = await signUp(`New ${role}`, email);
  expect((await person.client.post(`${API}/invites/accept`, { token })).status).toBe(200);
  return person;
}

async function createKey(by: Person, body: { name: string; role?: 'admin' | 'member' }) {
  const res = await by.client.request('POST', `${API}/api-keys`, { body, headers: { 'x-workspace-id': by.workspaceId } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; key: string; prefix: string; role: Role; name: string };
}

/** A bare client that authenticates with the key only: no cookies, no CSRF token. */
function bearer(key: string, method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res> {
  return t.app.inject({
    method: method as 'GET',
    url,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    payload: body === undefined ? undefined : JSON.stringify(body),
  }).then((raw) => ({ status: raw.statusCode, headers: raw.headers, raw, body: raw.body && String(raw.headers['content-type']).includes('json') ? JSON.parse(raw.body) : raw.body }));
}

function expectProblem(res: Res, status: number, slug: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(res.body.type).toMatch(new RegExp(`/${slug}$`));
}

/** Every row of every table, as text: where a leaked secret would have to be. */
async function allStoredRows(): Promise<string[]> {
  const { rows: tables } = await t.deps.database.sql.query<{ schema: string; name: string }>(
    `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables WHERE table_schema IN ('public', 'pgboss') AND table_type = 'BASE TABLE'`);
  const out: string[] = [];
  for (const { schema, name } of tables) {
    const { rows } = await t.deps.database.sql.query<{ r: string }>(`SELECT r::text AS r FROM "${schema}"."${name}" r`);
    out.push(...rows.map((x) => x.r));
  }
  return out;
}

describe(`API keys: creating (${engineName})`, () => {
  it('shows the full key once; lists and the database never hold it', async () => {
    const owner = await signUp('Keymaster');
    const adminKey = await createKey(owner, { name: 'CI deploys', role: 'admin' });
    const memberKey = await createKey(owner, { name: '  Zapier ' });
    expect(adminKey).toMatchObject({ name: 'CI deploys', role: 'admin' });
    expect(memberKey).toMatchObject({ name: 'Zapier', role: 'member' });
    for (const k of [adminKey, memberKey]) {
      expect(k.key).toMatch(/^ms_[A-Za-z0-9_-]{32,}$/);
      expect(k.key.startsWith(k.prefix)).toBe(true);
      expect(k.prefix.length).toBeLessThan(k.key.length / 2);
    }
    expect(adminKey.key).not.toBe(memberKey.key);

    const list = await owner.client.get(`${API}/api-keys`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((k: { id: string }) => k.id).sort()).toEqual([adminKey.id, memberKey.id].sort());
    for (const item of list.body.items) expect(item).not.toHaveProperty('key');
    expect(list.raw.body).not.toContain(adminKey.key);
    expect(list.raw.body).not.toContain(memberKey.key);

    const [row] = await t.deps.db.select().from(apiKeys).where(eq(apiKeys.id, adminKey.id));
    expect(row!.keyHash).toBe(sha256(adminKey.key));
    expect(row!.keyHash).not.toBe(adminKey.key);
    expect(Object.values(row!).filter((v) => String(v).includes(adminKey.key))).toEqual([]);
    const leaks = (await allStoredRows()).filter((r) => r.includes(adminKey.key) || r.includes(memberKey.key));
    expect(leaks).toEqual([]);
  });

  it('a member cannot create or list keys; an admin can create admin and member keys but not owner keys', async () => {
    const owner = await signUp('Lead');
    const member = await addMember(owner, 'member');
    const admin = await addMember(owner, 'admin');
    const asMember = { ...member, workspaceId: owner.workspaceId };
    const asAdmin = { ...admin, workspaceId: owner.workspaceId };
    const post = (p: Person, body: unknown) => p.client.request('POST', `${API}/api-keys`, { body, headers: { 'x-workspace-id': p.workspaceId } });

    expectProblem(await post(asMember, { name: 'mine', role: 'member' }), 403, 'forbidden');
    expectProblem(await asMember.client.get(`${API}/api-keys`, { 'x-workspace-id': owner.workspaceId }), 403, 'forbidden');
    expect((await owner.client.get(`${API}/api-keys`)).body.items).toEqual([]);

    expect((await createKey(asAdmin, { name: 'admin-made', role: 'admin' })).role).toBe('admin');
    const ownerKey = await post(asAdmin, { name: 'too powerful', role: 'owner' });
    expectProblem(ownerKey, 422, 'validation');
    expect(ownerKey.body.errors).toEqual([expect.objectContaining({ field: 'role' })]);
    const unnamed = await post(asAdmin, { name: '   ' });
    expectProblem(unnamed, 422, 'validation');
    expect(unnamed.body.errors).toEqual([{ field: 'name', message: 'is required' }]);
    expect((await owner.client.get(`${API}/api-keys`)).body.items.map((k: { name: string }) => k.name)).toEqual(['admin-made']);
  });
});

describe(`API keys: authenticating with Bearer (${engineName})`, () => {
  let owner: Person;
  let key: { id: string; key: string };
  beforeAll(async () => {
    owner = await signUp('Automator');
    key = await createKey(owner, { name: 'automation', role: 'admin' });
  });

  it('works on workspace routes and needs no CSRF token', async () => {
    const keys = await bearer(key.key, 'GET', `${API}/api-keys`);
    expect(keys.status).toBe(200);
    expect(keys.body.items.map((k: { id: string }) => k.id)).toContain(key.id);
    const members = await bearer(key.key, 'GET', `${API}/workspaces/${owner.workspaceId}/members`);
    expect(members.status).toBe(200);
    expect(members.body.items).toEqual([expect.objectContaining({ userId: owner.id, role: 'owner' })]);

    // A mutation with only the Bearer header: no cookie, no x-csrf-token.
    const created = await bearer(key.key, 'POST', `${API}/api-keys`, { name: 'made by a key' });
    expect(created.status).toBe(201);
    const listed = (await owner.client.get(`${API}/api-keys`)).body.items.find((k: { id: string }) => k.id === created.body.id);
    expect(listed).toMatchObject({ name: 'made by a key', createdBy: null });
    const audit = await owner.client.get(`${API}/audit-log`);
    expect(audit.body.items.find((e: { action: string; targetId: string }) => e.action === 'api_key.created' && e.targetId === created.body.id)).toMatchObject({ apiKeyId: key.id, actor: null });
  });

  it('records when a key was last used', async () => {
    const fresh = await createKey(owner, { name: 'unused yet' });
    const lastUsed = async () => (await owner.client.get(`${API}/api-keys`)).body.items.find((k: { id: string }) => k.id === fresh.id).lastUsedAt as string | null;
    expect(await lastUsed()).toBeNull();
    const before = Date.now();
    expect((await bearer(fresh.key, 'GET', `${API}/workspaces/${owner.workspaceId}/members`)).status).toBe(200);
    const used = await lastUsed();
    expect(used).not.toBeNull();
    expect(Date.parse(used!)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(used!)).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('cannot use routes meant for a signed-in person', async () => {
    const attempts: [string, string, unknown?][] = [
      ['GET', `${API}/me`],
      ['GET', `${API}/workspaces`],
      ['POST', `${API}/workspaces`, { name: 'made by a key' }],
      ['POST', `${API}/workspaces/${owner.workspaceId}/switch`],
      ['GET', `${API}/admin/users`],
    ];
    for (const [method, url, body] of attempts) expectProblem(await bearer(key.key, method, url, body), 403, 'forbidden');
    expect((await owner.client.get(`${API}/workspaces`)).body.items).toHaveLength(1);
  });

  it('a member-role key has member permissions only', async () => {
    const memberKey = await createKey(owner, { name: 'read only', role: 'member' });
    expect((await bearer(memberKey.key, 'GET', `${API}/workspaces/${owner.workspaceId}/members`)).status).toBe(200);
    expectProblem(await bearer(memberKey.key, 'GET', `${API}/api-keys`), 403, 'forbidden');
    expectProblem(await bearer(memberKey.key, 'POST', `${API}/api-keys`, { name: 'escalate', role: 'admin' }), 403, 'forbidden');
    expectProblem(await bearer(memberKey.key, 'GET', `${API}/audit-log`), 403, 'forbidden');
    expectProblem(await bearer(memberKey.key, 'POST', `${API}/workspaces/${owner.workspaceId}/invites`, { email: uniqueEmail('x'), role: 'member' }), 403, 'forbidden');
    expect((await bearer(key.key, 'GET', `${API}/audit-log`)).status).toBe(200);
  });

  it("never reaches another workspace's data", async () => {
    const other = await signUp('Neighbour');
    const otherKey = await createKey(other, { name: 'neighbour key', role: 'admin' });

    expectProblem(await bearer(key.key, 'GET', `${API}/workspaces/${other.workspaceId}/members`), 404, 'not-found');
    expectProblem(await bearer(key.key, 'PATCH', `${API}/workspaces/${other.workspaceId}`, { name: 'Pwned' }), 404, 'not-found');
    expectProblem(await bearer(key.key, 'POST', `${API}/workspaces/${other.workspaceId}/invites`, { email: uniqueEmail('spy'), role: 'owner' }), 404, 'not-found');
    expectProblem(await bearer(key.key, 'DELETE', `${API}/api-keys/${otherKey.id}`), 404, 'not-found');

    // x-workspace-id cannot point a key elsewhere: another workspace does not exist for it.
    const viaHeader = await bearer(key.key, 'GET', `${API}/api-keys`, undefined, { 'x-workspace-id': other.workspaceId });
    expectProblem(viaHeader, 404, 'not-found');
    expect(viaHeader.raw.body).not.toContain(otherKey.id);

    // The neighbour's key is untouched and still works.
    const still = await bearer(otherKey.key, 'GET', `${API}/api-keys`);
    expect(still.status).toBe(200);
    expect(still.body.items).toEqual([expect.objectContaining({ id: otherKey.id, revokedAt: null })]);
    expect((await other.client.get(`${API}/workspaces`)).body.items).toEqual([expect.objectContaining({ id: other.workspaceId, name: other.workspaceName })]);
    expect((await other.client.get(`${API}/workspaces/${other.workspaceId}/invites`)).body.items).toEqual([]);
  });
});

describe(`API keys: rejected credentials (${engineName})`, () => {
  it('a revoked key stops working at once with 401 problem+json', async () => {
    const owner = await signUp('Revoker');
    const k = await createKey(owner, { name: 'short-lived' });
    expect((await bearer(k.key, 'GET', `${API}/workspaces/${owner.workspaceId}/members`)).status).toBe(200);
    expect((await owner.client.delete(`${API}/api-keys/${k.id}`)).status).toBe(204);
    expectProblem(await bearer(k.key, 'GET', `${API}/workspaces/${owner.workspaceId}/members`), 401, 'invalid-api-key');
    const listed = (await owner.client.get(`${API}/api-keys`)).body.items[0];
    expect(listed).toMatchObject({ id: k.id });
    expect(listed.revokedAt).not.toBeNull();
    expect((await owner.client.delete(`${API}/api-keys/${k.id}`)).status).toBe(404);
  });

  it.each([
    ['Basic auth', 'Basic dXNlcjpwYXNzd29yZA=='],
    ['Bearer with no key', 'Bearer'],
    ['two tokens', 'Bearer ms_one ms_two'],
    ['another scheme', 'Token ms_abcdefgh'],
    ['a key without the ms_ prefix', 'Bearer sk_live_0123456789abcdef0123456789'],
    ['an unknown ms_ key', 'Bearer ms_thisKeyWasNeverIssued0123456789abcdef'],
  ])('rejects %s with 401 problem+json', async (_what, authorization) => {
    const owner = await signUp('Target');
    const res = await t.app.inject({ method: 'GET', url: `${API}/workspaces/${owner.workspaceId}/members`, headers: { authorization } });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().type).toMatch(/\/invalid-api-key$/);
  });
});
