import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { TestClient, type Res } from '../../../test/helpers/client.js';
import { engineName } from '../../../test/helpers/db.js';
import { ROLES, type Role } from '../../db/schema/index.js';
import { PERMISSIONS, type Permission } from './permissions.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

const API = '/api/v1';
const inWorkspace = (id: string) => ({ 'x-workspace-id': id });

let emailSeq = 0;
const uniqueEmail = (tag: string) => `${tag}-${++emailSeq}-${Date.now().toString(36)}@example.com`;

interface Person {
  client: TestClient;
  id: string;
  email: string;
  /** The workspace their signup created for them. */
  ownWorkspace: { id: string; name: string };
}

/** A new account in its own browser (own cookies, own IP). */
async function signUp(name: string, email = uniqueEmail(name.toLowerCase())): Promise<Person> {
  const client = new TestClient(t.app);
  const s = await client.signup({ email, name });
  return { client, id: s.user.id, email: s.user.email, ownWorkspace: { id: s.workspace.id, name: s.workspace.name } };
}

/** Reads the token out of the newest invite mail queued for `to` (the link the invitee clicks). */
async function mailedInviteToken(to: string): Promise<string> {
  const { rows } = await t.deps.database.sql.query<{ data: { to: string; link: string } }>(
    `SELECT data FROM pgboss.job WHERE name = 'system-mail' AND data->>'to' = $1 ORDER BY created_on DESC LIMIT 1`, [to]);
  const link = rows[0]?.data.link ?? '';
  expect(link).toContain('/invite?token=');
  return new URL(link).searchParams.get('token')!;
}

const invite = (by: TestClient, workspaceId: string, email: string, role: Role) =>
  by.post(`${API}/workspaces/${workspaceId}/invites`, { email, role });

/** The whole real flow: invite a new address, sign up with it, accept the mailed link. */
async function addMember(inviter: TestClient, workspaceId: string, role: Role): Promise<Person> {
  const email = uniqueEmail(role);
  expect((await invite(inviter, workspaceId, email, role)).status).toBe(201);
  const token = await mailedInviteToken(email);
  const person = await signUp(`New ${role}`, email);
  expect((await person.client.post(`${API}/invites/accept`, { token })).status).toBe(200);
  return person;
}

interface Team {
  workspaceId: string;
  workspaceName: string;
  owner: Person;
  admin: Person;
  member: Person;
}

/** An owner's workspace with one admin and one member, all joined through invites. */
async function team(): Promise<Team> {
  const owner = await signUp('Owner');
  const workspaceId = owner.ownWorkspace.id;
  const admin = await addMember(owner.client, workspaceId, 'admin');
  const member = await addMember(owner.client, workspaceId, 'member');
  return { workspaceId, workspaceName: owner.ownWorkspace.name, owner, admin, member };
}

async function rolesIn(as: TestClient, workspaceId: string): Promise<Record<string, Role>> {
  const res = await as.get(`${API}/workspaces/${workspaceId}/members`);
  expect(res.status).toBe(200);
  return Object.fromEntries(res.body.items.map((m: { userId: string; role: Role }) => [m.userId, m.role]));
}

async function pendingInvites(as: TestClient, workspaceId: string): Promise<{ id: string; email: string; role: Role }[]> {
  const res = await as.get(`${API}/workspaces/${workspaceId}/invites`);
  expect(res.status).toBe(200);
  return res.body.items;
}

async function auditActions(as: TestClient, workspaceId: string) {
  const res = await as.get(`${API}/audit-log?limit=200`, inWorkspace(workspaceId));
  expect(res.status).toBe(200);
  return res.body.items as { action: string; targetType: string | null; targetId: string | null; actor: { id: string } | null; metadata: Record<string, unknown> }[];
}

function expectProblem(res: Res, status: number, slug: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(res.body.type).toMatch(new RegExp(`/${slug}$`));
}

describe(`workspaces: creating and switching (${engineName})`, () => {
  it('creates a second workspace that becomes current; switching moves back', async () => {
    const a = await signUp('Wanda');
    const created = await a.client.post(`${API}/workspaces`, { name: '  Side project  ' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Side project', role: 'owner' });
    const second = created.body.id as string;

    let me = await a.client.get(`${API}/me`);
    expect(me.body.workspaces.map((w: { id: string }) => w.id).sort()).toEqual([a.ownWorkspace.id, second].sort());
    expect(me.body.currentWorkspaceId).toBe(second);
    const list = await a.client.get(`${API}/workspaces`);
    expect(list.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ id: second, role: 'owner' }), expect.objectContaining({ id: a.ownWorkspace.id, role: 'owner' })]));

    expect((await a.client.post(`${API}/workspaces/${a.ownWorkspace.id}/switch`)).status).toBe(204);
    me = await a.client.get(`${API}/me`);
    expect(me.body.currentWorkspaceId).toBe(a.ownWorkspace.id);
  });

  it('acts in the current workspace by default and in the x-workspace-id one when given', async () => {
    const a = await signUp('Hugo');
    const first = a.ownWorkspace.id;
    const second = (await a.client.post(`${API}/workspaces`, { name: 'Second' })).body.id as string;
    await a.client.post(`${API}/workspaces/${first}/switch`);

    const key = await a.client.request('POST', `${API}/api-keys`, { body: { name: 'made in second' }, headers: inWorkspace(second) });
    expect(key.status).toBe(201);
    const keyIds = async (headers?: Record<string, string>) => (await a.client.get(`${API}/api-keys`, headers)).body.items.map((k: { id: string }) => k.id);
    expect(await keyIds(inWorkspace(second))).toEqual([key.body.id]);
    expect(await keyIds(inWorkspace(first))).toEqual([]);
    expect(await keyIds()).toEqual([]);
    // The header chooses for one request only; it does not switch.
    expect((await a.client.get(`${API}/me`)).body.currentWorkspaceId).toBe(first);

    await a.client.post(`${API}/workspaces/${second}/switch`);
    expect(await keyIds()).toEqual([key.body.id]);
  });
});

describe(`workspaces: members and invites (${engineName})`, () => {
  it('lists members with their roles', async () => {
    const { workspaceId, owner, admin, member } = await team();
    const res = await member.client.get(`${API}/workspaces/${workspaceId}/members`);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({ userId: owner.id, email: owner.email, name: 'Owner', role: 'owner' }),
      expect.objectContaining({ userId: admin.id, email: admin.email, role: 'admin' }),
      expect.objectContaining({ userId: member.id, email: member.email, role: 'member' }),
    ]);
  });

  it('owners and admins invite; an admin cannot invite an owner; a member cannot invite; a member twice is a 409 on email', async () => {
    const { workspaceId, owner, admin, member } = await team();
    const ownersInvite = uniqueEmail('co-owner');
    const adminsInvite = uniqueEmail('helper');
    const byOwner = await invite(owner.client, workspaceId, ownersInvite, 'owner');
    expect(byOwner.status).toBe(201);
    expect(byOwner.body).toMatchObject({ email: ownersInvite, role: 'owner' });
    expect((await invite(admin.client, workspaceId, adminsInvite, 'admin')).status).toBe(201);

    expectProblem(await invite(admin.client, workspaceId, uniqueEmail('boss'), 'owner'), 403, 'forbidden');
    expectProblem(await invite(member.client, workspaceId, uniqueEmail('friend'), 'member'), 403, 'forbidden');
    const duplicate = await invite(owner.client, workspaceId, member.email.toUpperCase(), 'admin');
    expectProblem(duplicate, 409, 'conflict');
    expect(duplicate.body.errors).toEqual([{ field: 'email', message: 'is already a member' }]);

    // Only the two allowed invites exist.
    const pending = await pendingInvites(owner.client, workspaceId);
    expect(pending.map((i) => i.email).sort()).toEqual([ownersInvite, adminsInvite].sort());
  });

  it('the invited address accepts through the mailed link; another account cannot', async () => {
    const owner = await signUp('Inviter');
    const workspaceId = owner.ownWorkspace.id;
    const email = uniqueEmail('invitee');
    expect((await invite(owner.client, workspaceId, email, 'admin')).status).toBe(201);
    const token = await mailedInviteToken(email);

    const anonymous = new TestClient(t.app);
    const described = await anonymous.get(`${API}/invites/${token}`);
    expect(described.status).toBe(200);
    expect(described.body).toMatchObject({ workspace: { id: workspaceId, name: owner.ownWorkspace.name }, email, role: 'admin' });
    expect((await anonymous.post(`${API}/invites/accept`, { token })).status).toBe(401);

    const other = await signUp('Mallory');
    expectProblem(await other.client.post(`${API}/invites/accept`, { token }), 403, 'forbidden');
    expect((await other.client.get(`${API}/workspaces/${workspaceId}/members`)).status).toBe(404);

    const invitee = await signUp('Invitee', email);
    const accepted = await invitee.client.post(`${API}/invites/accept`, { token });
    expect(accepted.status).toBe(200);
    expect(accepted.body.workspace).toEqual({ id: workspaceId, name: owner.ownWorkspace.name, role: 'admin' });
    expect((await rolesIn(owner.client, workspaceId))[invitee.id]).toBe('admin');
    const me = await invitee.client.get(`${API}/me`);
    expect(me.body.currentWorkspaceId).toBe(workspaceId);
    expect(me.body.workspaces).toContainEqual(expect.objectContaining({ id: workspaceId, role: 'admin' }));

    // The link is used up.
    expectProblem(await anonymous.get(`${API}/invites/${token}`), 404, 'invalid-invite');
    expectProblem(await invitee.client.post(`${API}/invites/accept`, { token }), 404, 'invalid-invite');
    expect(await pendingInvites(owner.client, workspaceId)).toEqual([]);
  });

  it('inviting the same address again replaces the pending invite', async () => {
    const owner = await signUp('Resender');
    const workspaceId = owner.ownWorkspace.id;
    const email = uniqueEmail('twice');
    const firstInvite = await invite(owner.client, workspaceId, email, 'member');
    const firstToken = await mailedInviteToken(email);
    const secondInvite = await invite(owner.client, workspaceId, email, 'admin');
    const secondToken = await mailedInviteToken(email);
    expect(secondToken).not.toBe(firstToken);

    expectProblem(await new TestClient(t.app).get(`${API}/invites/${firstToken}`), 404, 'invalid-invite');
    expect((await new TestClient(t.app).get(`${API}/invites/${secondToken}`)).body.role).toBe('admin');
    const pending = await pendingInvites(owner.client, workspaceId);
    expect(pending).toEqual([expect.objectContaining({ id: secondInvite.body.id, email, role: 'admin' })]);
    expect(pending[0]!.id).not.toBe(firstInvite.body.id);

    const invitee = await signUp('Twice', email);
    expectProblem(await invitee.client.post(`${API}/invites/accept`, { token: firstToken }), 404, 'invalid-invite');
    expect((await invitee.client.post(`${API}/invites/accept`, { token: secondToken })).body.workspace.role).toBe('admin');
  });

  it('revokes a pending invite so its link stops working', async () => {
    const { workspaceId, owner, member } = await team();
    const email = uniqueEmail('revoked');
    const sent = await invite(owner.client, workspaceId, email, 'member');
    const token = await mailedInviteToken(email);
    const revokeUrl = `${API}/workspaces/${workspaceId}/invites/${sent.body.id}`;

    expectProblem(await member.client.delete(revokeUrl), 403, 'forbidden');
    expect((await new TestClient(t.app).get(`${API}/invites/${token}`)).status).toBe(200);

    expect((await owner.client.delete(revokeUrl)).status).toBe(204);
    expectProblem(await new TestClient(t.app).get(`${API}/invites/${token}`), 404, 'invalid-invite');
    expect(await pendingInvites(owner.client, workspaceId)).toEqual([]);
    const invitee = await signUp('Too late', email);
    expectProblem(await invitee.client.post(`${API}/invites/accept`, { token }), 404, 'invalid-invite');
    expect((await owner.client.delete(revokeUrl)).status).toBe(404);
  });
});

describe(`workspaces: roles and removal (${engineName})`, () => {
  it('only owners change roles', async () => {
    const { workspaceId, owner, admin, member } = await team();
    const url = (userId: string) => `${API}/workspaces/${workspaceId}/members/${userId}`;
    expectProblem(await admin.client.patch(url(member.id), { role: 'admin' }), 403, 'forbidden');
    expectProblem(await member.client.patch(url(admin.id), { role: 'member' }), 403, 'forbidden');
    expectProblem(await member.client.patch(url(member.id), { role: 'owner' }), 403, 'forbidden');
    expect(await rolesIn(owner.client, workspaceId)).toEqual({ [owner.id]: 'owner', [admin.id]: 'admin', [member.id]: 'member' });

    const promoted = await owner.client.patch(url(member.id), { role: 'admin' });
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({ userId: member.id, role: 'admin' });
    expect((await rolesIn(owner.client, workspaceId))[member.id]).toBe('admin');
  });

  it('the last owner can be neither demoted nor removed', async () => {
    const { workspaceId, owner, admin } = await team();
    const url = (userId: string) => `${API}/workspaces/${workspaceId}/members/${userId}`;
    expectProblem(await owner.client.patch(url(owner.id), { role: 'admin' }), 409, 'conflict');
    expectProblem(await owner.client.delete(url(owner.id)), 409, 'conflict');
    expect((await rolesIn(owner.client, workspaceId))[owner.id]).toBe('owner');

    // With a second owner, stepping down is fine.
    expect((await owner.client.patch(url(admin.id), { role: 'owner' })).status).toBe(200);
    expect((await owner.client.patch(url(owner.id), { role: 'admin' })).status).toBe(200);
    expect(await rolesIn(admin.client, workspaceId)).toMatchObject({ [owner.id]: 'admin', [admin.id]: 'owner' });
  });

  it('an admin cannot remove an owner', async () => {
    const { workspaceId, owner, admin } = await team();
    expectProblem(await admin.client.delete(`${API}/workspaces/${workspaceId}/members/${owner.id}`), 403, 'forbidden');
    expect((await rolesIn(owner.client, workspaceId))[owner.id]).toBe('owner');
  });

  it('a removed member loses access at once', async () => {
    const { workspaceId, owner, admin } = await team();
    const membersUrl = `${API}/workspaces/${workspaceId}/members`;
    expect((await admin.client.get(membersUrl)).status).toBe(200);
    expect((await admin.client.get(`${API}/api-keys`, inWorkspace(workspaceId))).status).toBe(200);

    expect((await owner.client.delete(`${membersUrl}/${admin.id}`)).status).toBe(204);
    expect(Object.keys(await rolesIn(owner.client, workspaceId))).not.toContain(admin.id);

    expectProblem(await admin.client.get(membersUrl), 404, 'not-found');
    expectProblem(await admin.client.get(`${API}/api-keys`, inWorkspace(workspaceId)), 404, 'not-found');
    expectProblem(await admin.client.get(`${API}/audit-log`, inWorkspace(workspaceId)), 404, 'not-found');
    expectProblem(await invite(admin.client, workspaceId, uniqueEmail('revenge'), 'member'), 404, 'not-found');
    const me = await admin.client.get(`${API}/me`);
    expect(me.body.workspaces.map((w: { id: string }) => w.id)).toEqual([admin.ownWorkspace.id]);
    expect(me.body.currentWorkspaceId).toBe(admin.ownWorkspace.id);
    // Without a header they act in a workspace they still belong to.
    expect((await admin.client.get(`${API}/audit-log`)).status).toBe(200);
  });
});

describe(`workspaces: isolation (${engineName})`, () => {
  it('another workspace does not exist for a non-member, by path or by x-workspace-id, and nothing is written', async () => {
    const { workspaceId, workspaceName, owner } = await team();
    const stranger = await signUp('Stranger');
    const ws = `${API}/workspaces/${workspaceId}`;
    const attempts: [string, () => Promise<Res>][] = [
      ['list members', () => stranger.client.get(`${ws}/members`)],
      ['list invites', () => stranger.client.get(`${ws}/invites`)],
      ['invite', () => invite(stranger.client, workspaceId, uniqueEmail('sneaky'), 'owner')],
      ['rename', () => stranger.client.patch(ws, { name: 'Pwned' })],
      ['switch', () => stranger.client.post(`${ws}/switch`)],
      ['change a role', () => stranger.client.patch(`${ws}/members/${owner.id}`, { role: 'member' })],
      ['remove a member', () => stranger.client.delete(`${ws}/members/${owner.id}`)],
      ['list API keys via header', () => stranger.client.get(`${API}/api-keys`, inWorkspace(workspaceId))],
      ['create an API key via header', () => stranger.client.request('POST', `${API}/api-keys`, { body: { name: 'backdoor', role: 'admin' }, headers: inWorkspace(workspaceId) })],
      ['read the audit log via header', () => stranger.client.get(`${API}/audit-log`, inWorkspace(workspaceId))],
      ['a malformed x-workspace-id', () => stranger.client.get(`${API}/api-keys`, inWorkspace('not-a-uuid'))],
    ];
    for (const [what, attempt] of attempts) {
      const res = await attempt();
      expect(res.status, what).toBe(404);
      expect(res.body.type, what).toMatch(/\/not-found$/);
    }

    const me = await stranger.client.get(`${API}/me`);
    expect(me.body.workspaces.map((w: { id: string }) => w.id)).toEqual([stranger.ownWorkspace.id]);
    expect(me.body.currentWorkspaceId).toBe(stranger.ownWorkspace.id);
    expect((await owner.client.get(`${API}/workspaces`)).body.items).toContainEqual(expect.objectContaining({ id: workspaceId, name: workspaceName }));
    expect((await rolesIn(owner.client, workspaceId))[owner.id]).toBe('owner');
    expect(await pendingInvites(owner.client, workspaceId)).toEqual([]);
    expect((await owner.client.get(`${API}/api-keys`, inWorkspace(workspaceId))).body.items).toEqual([]);
  });
});

describe(`workspaces: audit log (${engineName})`, () => {
  it('records invites, joins, role changes, removals and API keys; members cannot read it', async () => {
    const { workspaceId, owner, admin, member } = await team();
    const ws = `${API}/workspaces/${workspaceId}`;
    expect((await owner.client.patch(`${ws}/members/${member.id}`, { role: 'admin' })).status).toBe(200);
    expect((await owner.client.patch(`${ws}/members/${member.id}`, { role: 'member' })).status).toBe(200);
    expect((await owner.client.delete(`${ws}/members/${admin.id}`)).status).toBe(204);
    const key = await owner.client.request('POST', `${API}/api-keys`, { body: { name: 'audited' }, headers: inWorkspace(workspaceId) });
    expect(key.status).toBe(201);
    expect((await owner.client.request('DELETE', `${API}/api-keys/${key.body.id}`, { headers: inWorkspace(workspaceId) })).status).toBe(204);

    const entries = await auditActions(owner.client, workspaceId);
    const find = (action: string, targetId?: string) => entries.filter((e) => e.action === action && (targetId === undefined || e.targetId === targetId));
    expect(find('member.invited').map((e) => e.metadata.email).sort()).toEqual([admin.email, member.email].sort());
    expect(find('member.joined', admin.id)).toEqual([expect.objectContaining({ actor: expect.objectContaining({ id: admin.id }), metadata: expect.objectContaining({ role: 'admin' }) })]);
    expect(find('member.joined', member.id)).toHaveLength(1);
    expect(find('member.role_changed', member.id).map((e) => e.metadata)).toEqual([
      expect.objectContaining({ from: 'admin', to: 'member' }),
      expect.objectContaining({ from: 'member', to: 'admin' }),
    ]);
    expect(find('member.role_changed', member.id)[0]!.actor?.id).toBe(owner.id);
    expect(find('member.removed', admin.id)).toEqual([expect.objectContaining({ actor: expect.objectContaining({ id: owner.id }), metadata: expect.objectContaining({ role: 'admin' }) })]);
    expect(find('api_key.created', key.body.id)).toHaveLength(1);
    expect(find('api_key.revoked', key.body.id)).toHaveLength(1);

    expectProblem(await member.client.get(`${API}/audit-log`, inWorkspace(workspaceId)), 403, 'forbidden');

    // Another workspace's log shows none of it.
    const elsewhere = await auditActions(member.client, member.ownWorkspace.id);
    expect(elsewhere.filter((e) => e.targetId === key.body.id || e.action === 'member.removed')).toEqual([]);
  });
});

/**
 * The part of the matrix this module's routes enforce. Other modules (contacts, suppressions, …)
 * test their own rows; a new permission in one of these namespaces fails the typecheck below until
 * it gets a representative route.
 */
type OwnPermission = Extract<Permission, `workspace.${string}` | `members.${string}` | `apiKeys.${string}` | `audit.${string}`>;
const OWN_PERMISSIONS = Object.keys(PERMISSIONS).filter((p) => /^(workspace|members|apiKeys|audit)\./.test(p)) as OwnPermission[];

describe(`workspaces: permission matrix (${engineName})`, () => {
  let matrix: Team;
  beforeAll(async () => {
    matrix = await team();
  });
  const ws = () => `${API}/workspaces/${matrix.workspaceId}`;
  /** A member nobody else's test depends on, for the routes that change or remove one. */
  const disposableMember = () => addMember(matrix.owner.client, matrix.workspaceId, 'member');

  /** One route per permission, each exercising that permission and (if allowed) succeeding. */
  const REPRESENTATIVE: Record<OwnPermission, { ok: number; call: (as: TestClient) => Promise<Res> }> = {
    'workspace.read': { ok: 204, call: (as) => as.post(`${ws()}/switch`) },
    'workspace.update': { ok: 200, call: (as) => as.patch(ws(), { name: 'Renamed by matrix' }) },
    'members.read': { ok: 200, call: (as) => as.get(`${ws()}/members`) },
    'members.invite': { ok: 201, call: (as) => invite(as, matrix.workspaceId, uniqueEmail('matrix'), 'member') },
    'members.changeRole': { ok: 200, call: async (as) => as.patch(`${ws()}/members/${(await disposableMember()).id}`, { role: 'admin' }) },
    'members.remove': { ok: 204, call: async (as) => as.delete(`${ws()}/members/${(await disposableMember()).id}`) },
    'apiKeys.read': { ok: 200, call: (as) => as.get(`${API}/api-keys`, inWorkspace(matrix.workspaceId)) },
    'apiKeys.manage': { ok: 201, call: (as) => as.request('POST', `${API}/api-keys`, { body: { name: 'matrix key', role: 'member' }, headers: inWorkspace(matrix.workspaceId) }) },
    'audit.read': { ok: 200, call: (as) => as.get(`${API}/audit-log`, inWorkspace(matrix.workspaceId)) },
  };

  it('has a representative route for every workspace, member, API key and audit permission', () => {
    expect(Object.keys(REPRESENTATIVE).sort()).toEqual([...OWN_PERMISSIONS].sort());
    expect(OWN_PERMISSIONS.length).toBeGreaterThanOrEqual(9);
  });

  describe.each(ROLES)('as %s', (role) => {
    const rows = OWN_PERMISSIONS.map((p) => [p, (PERMISSIONS[p] as readonly Role[]).includes(role)] as const);
    it.each(rows)('%s: allowed=%s', async (permission, allowed) => {
      const res = await REPRESENTATIVE[permission].call(matrix[role].client);
      if (allowed) expect(res.status, JSON.stringify(res.body)).toBe(REPRESENTATIVE[permission].ok);
      else expectProblem(res, 403, 'forbidden');
    });
  });
});
