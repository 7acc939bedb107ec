import { and, asc, count, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { memberships, users, type Role } from '../../db/schema/index.js';
import type { WorkspaceScope } from '../../http/context.js';
import { conflict, forbidden, notFound } from '../../lib/problems.js';
import { recordAudit, type Actor } from '../audit/record-audit.js';
import { outranks } from './permissions.js';

export interface MemberView {
  userId: string;
  email: string;
  name: string;
  role: Role;
  joinedAt: string;
}

const memberColumns = { userId: memberships.userId, email: users.email, name: users.name, role: memberships.role, joinedAt: memberships.createdAt };
const view = (r: { userId: string; email: string; name: string; role: Role; joinedAt: Date }): MemberView => ({ ...r, joinedAt: r.joinedAt.toISOString() });

export async function listMembers(db: Db, workspaceId: string): Promise<MemberView[]> {
  const rows = await db.select(memberColumns).from(memberships).innerJoin(users, eq(users.id, memberships.userId)).where(eq(memberships.workspaceId, workspaceId)).orderBy(asc(memberships.createdAt));
  return rows.map(view);
}

async function findMember(db: Db, workspaceId: string, userId: string) {
  const [m] = await db.select(memberColumns).from(memberships).innerJoin(users, eq(users.id, memberships.userId)).where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
  if (!m) throw notFound('Member');
  return m;
}

async function ownerCount(db: Db, workspaceId: string) {
  const [row] = await db.select({ n: count() }).from(memberships).where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.role, 'owner')));
  return Number(row?.n ?? 0);
}

export async function changeMemberRole(db: Db, scope: WorkspaceScope, actor: Actor, userId: string, role: Role): Promise<MemberView> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const member = await findMember(t, scope.workspaceId, userId);
    if (member.role === role) return view(member);
    if (member.role === 'owner' && (await ownerCount(t, scope.workspaceId)) <= 1) throw conflict('A workspace needs at least one owner; make someone else owner first.', [{ field: 'role', message: 'the last owner cannot be demoted' }]);
    await tx.update(memberships).set({ role }).where(and(eq(memberships.workspaceId, scope.workspaceId), eq(memberships.userId, userId)));
    await recordAudit(t, actor, { workspaceId: scope.workspaceId, action: 'member.role_changed', targetType: 'user', targetId: userId, metadata: { from: member.role, to: role, email: member.email } });
    return view({ ...member, role });
  });
}

export async function removeMember(db: Db, scope: WorkspaceScope, actor: Actor, userId: string) {
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const member = await findMember(t, scope.workspaceId, userId);
    if (!outranks(scope.role, member.role)) throw forbidden(`Your role (${scope.role}) cannot remove an ${member.role}.`);
    if (member.role === 'owner' && (await ownerCount(t, scope.workspaceId)) <= 1) throw conflict('The last owner cannot be removed.');
    await tx.delete(memberships).where(and(eq(memberships.workspaceId, scope.workspaceId), eq(memberships.userId, userId)));
    await recordAudit(t, actor, { workspaceId: scope.workspaceId, action: 'member.removed', targetType: 'user', targetId: userId, metadata: { email: member.email, role: member.role } });
  });
}
