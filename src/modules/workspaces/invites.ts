import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { invites, memberships, users, workspaces, type Role } from '../../db/schema/index.js';
import type { Deps, WorkspaceScope } from '../../http/context.js';
import { AppError, conflict, forbidden, notFound } from '../../lib/problems.js';
import { randomToken, sha256 } from '../../lib/tokens.js';
import { recordAudit, type Actor } from '../audit/record-audit.js';
import { assertWithinLimit } from '../billing/limits.js';
import { normalizeEmail } from '../auth/accounts.js';
import { inviteMail, queueSystemMail } from '../auth/emails.js';
import { outranks } from './permissions.js';

const INVITE_TTL_MS = 7 * 86400_000;

const pending = (workspaceId: string) => and(eq(invites.workspaceId, workspaceId), isNull(invites.acceptedAt), isNull(invites.revokedAt), gt(invites.expiresAt, new Date()));

export async function listInvites(db: Db, workspaceId: string) {
  const rows = await db
    .select({ id: invites.id, email: invites.email, role: invites.role, createdAt: invites.createdAt, expiresAt: invites.expiresAt, inviterId: users.id, inviterName: users.name, inviterEmail: users.email })
    .from(invites)
    .leftJoin(users, eq(users.id, invites.invitedBy))
    .where(pending(workspaceId))
    .orderBy(desc(invites.createdAt));
  return rows.map((r) => ({
    id: r.id, email: r.email, role: r.role, createdAt: r.createdAt.toISOString(), expiresAt: r.expiresAt.toISOString(),
    invitedBy: r.inviterId ? { id: r.inviterId, name: r.inviterName!, email: r.inviterEmail! } : null,
  }));
}

/** A new invite to the same address replaces the pending one (a "resend"). */
export async function createInvite(deps: Deps, scope: WorkspaceScope, actor: Actor, input: { email: string; role: Role }) {
  if (!outranks(scope.role, input.role)) throw forbidden(`Your role (${scope.role}) cannot invite an ${input.role}.`);
  const email = normalizeEmail(input.email);
  const token = randomToken(32);
  const invite = await deps.db.transaction(async (tx) => {
    const [member] = await tx.select({ id: users.id }).from(memberships).innerJoin(users, eq(users.id, memberships.userId)).where(and(eq(memberships.workspaceId, scope.workspaceId), eq(users.email, email)));
    if (member) throw conflict('This person is already a member of the workspace.', [{ field: 'email', message: 'is already a member' }]);
    await tx.update(invites).set({ revokedAt: new Date() }).where(and(pending(scope.workspaceId), eq(invites.email, email)));
    // A pending invite holds a seat (accepting it then needs no check); a resend replaces its own.
    await assertWithinLimit(tx as unknown as Db, deps.config, scope.workspaceId, 'seats');
    const [row] = await tx.insert(invites).values({ workspaceId: scope.workspaceId, email, role: input.role, tokenHash: sha256(token), invitedBy: actor.userId ?? null, expiresAt: new Date(Date.now() + INVITE_TTL_MS) }).returning();
    await recordAudit(tx as unknown as Db, actor, { workspaceId: scope.workspaceId, action: 'member.invited', targetType: 'invite', targetId: row!.id, metadata: { email, role: input.role } });
    return row!;
  });
  const [ws] = await deps.db.select({ name: workspaces.name }).from(workspaces).where(eq(workspaces.id, scope.workspaceId));
  const [inviter] = actor.userId ? await deps.db.select({ name: users.name }).from(users).where(eq(users.id, actor.userId)) : [];
  await queueSystemMail(deps, inviteMail(email, `${deps.config.publicUrl}/invite?token=${token}`, ws!.name, inviter?.name ?? 'A teammate', input.role));
  return { id: invite.id, email: invite.email, role: invite.role, createdAt: invite.createdAt.toISOString(), expiresAt: invite.expiresAt.toISOString() };
}

export async function revokeInvite(db: Db, scope: WorkspaceScope, actor: Actor, inviteId: string) {
  const [row] = await db.update(invites).set({ revokedAt: new Date() }).where(and(eq(invites.id, inviteId), pending(scope.workspaceId))).returning();
  if (!row) throw notFound('Invite');
  await recordAudit(db, actor, { workspaceId: scope.workspaceId, action: 'member.invite_revoked', targetType: 'invite', targetId: row.id, metadata: { email: row.email } });
}

async function findPendingByToken(db: Db, token: string) {
  const [row] = await db
    .select({ invite: invites, workspaceName: workspaces.name })
    .from(invites)
    .innerJoin(workspaces, eq(workspaces.id, invites.workspaceId))
    .where(and(eq(invites.tokenHash, sha256(token)), isNull(invites.acceptedAt), isNull(invites.revokedAt), gt(invites.expiresAt, new Date())));
  if (!row) throw new AppError(404, 'invalid-invite', 'This invite is invalid, used, revoked or expired.');
  return row;
}

export async function describeInvite(db: Db, token: string) {
  const { invite, workspaceName } = await findPendingByToken(db, token);
  return { workspace: { id: invite.workspaceId, name: workspaceName }, email: invite.email, role: invite.role, expiresAt: invite.expiresAt.toISOString() };
}

/** Invites are addressed to one email; only the account with that address can accept. */
export async function acceptInvite(db: Db, actor: Actor & { userId: string }, token: string) {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const { invite, workspaceName } = await findPendingByToken(t, token);
    const [user] = await tx.select({ email: users.email }).from(users).where(eq(users.id, actor.userId));
    if (user?.email !== invite.email) throw forbidden(`This invite was sent to ${invite.email}; log in with that address to accept it.`);
    await tx.update(invites).set({ acceptedAt: new Date() }).where(eq(invites.id, invite.id));
    const [existing] = await tx.select({ role: memberships.role }).from(memberships).where(and(eq(memberships.workspaceId, invite.workspaceId), eq(memberships.userId, actor.userId)));
    if (!existing) await tx.insert(memberships).values({ workspaceId: invite.workspaceId, userId: actor.userId, role: invite.role });
    await tx.update(users).set({ currentWorkspaceId: invite.workspaceId }).where(eq(users.id, actor.userId));
    await recordAudit(t, actor, { workspaceId: invite.workspaceId, action: 'member.joined', targetType: 'user', targetId: actor.userId, metadata: { role: existing?.role ?? invite.role, inviteId: invite.id } });
    return { workspace: { id: invite.workspaceId, name: workspaceName, role: existing?.role ?? invite.role } };
  });
}
