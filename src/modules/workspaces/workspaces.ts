import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { memberships, users, workspaces, type Role } from '../../db/schema/index.js';
import { notFound } from '../../lib/problems.js';
import { recordAudit, type Actor } from '../audit/record-audit.js';

export interface WorkspaceView {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
}

export async function listUserWorkspaces(db: Db, userId: string): Promise<WorkspaceView[]> {
  const rows = await db
    .select({ id: workspaces.id, name: workspaces.name, role: memberships.role, createdAt: workspaces.createdAt })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(memberships.createdAt));
  return rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
}

export async function createWorkspace(db: Db, actor: Actor & { userId: string }, name: string): Promise<WorkspaceView> {
  return db.transaction(async (tx) => {
    const [ws] = await tx.insert(workspaces).values({ name: name.trim() }).returning();
    await tx.insert(memberships).values({ workspaceId: ws!.id, userId: actor.userId, role: 'owner' });
    await tx.update(users).set({ currentWorkspaceId: ws!.id }).where(eq(users.id, actor.userId));
    await recordAudit(tx as unknown as Db, actor, { workspaceId: ws!.id, action: 'workspace.created', targetType: 'workspace', targetId: ws!.id });
    return { id: ws!.id, name: ws!.name, role: 'owner' as const, createdAt: ws!.createdAt.toISOString() };
  });
}

export async function switchWorkspace(db: Db, userId: string, workspaceId: string) {
  const [m] = await db.select().from(memberships).where(and(eq(memberships.userId, userId), eq(memberships.workspaceId, workspaceId)));
  if (!m) throw notFound('Workspace');
  await db.update(users).set({ currentWorkspaceId: workspaceId }).where(eq(users.id, userId));
}

export async function renameWorkspace(db: Db, actor: Actor, workspaceId: string, name: string) {
  const [ws] = await db.update(workspaces).set({ name: name.trim(), updatedAt: new Date() }).where(eq(workspaces.id, workspaceId)).returning();
  if (!ws) throw notFound('Workspace');
  await recordAudit(db, actor, { workspaceId, action: 'workspace.renamed', targetType: 'workspace', targetId: workspaceId, metadata: { name: ws.name } });
  return ws;
}
