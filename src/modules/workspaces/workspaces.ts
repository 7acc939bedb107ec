import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { memberships, users, workspaces, type Role } from '../../db/schema/index.js';
import type { WorkspaceScope } from '../../http/context.js';
import { notFound } from '../../lib/problems.js';
import { recordAudit, type Actor } from '../audit/record-audit.js';

export interface WorkspaceView {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  /** Printed in every campaign footer; a campaign cannot launch without it. */
  postalAddress: string | null;
  /** Host for open, click and unsubscribe links (a CNAME to this server); null = PUBLIC_URL. */
  trackingDomain: string | null;
}

type WorkspaceRow = typeof workspaces.$inferSelect;

export const workspaceView = (ws: Pick<WorkspaceRow, 'id' | 'name' | 'createdAt' | 'postalAddress' | 'trackingDomain'>, role: Role): WorkspaceView => ({
  id: ws.id, name: ws.name, role, createdAt: ws.createdAt.toISOString(), postalAddress: ws.postalAddress, trackingDomain: ws.trackingDomain,
});

export async function listUserWorkspaces(db: Db, userId: string): Promise<WorkspaceView[]> {
  const rows = await db
    .select({ ws: workspaces, role: memberships.role })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(memberships.createdAt));
  return rows.map((r) => workspaceView(r.ws, r.role));
}

export async function getWorkspace(db: Db, scope: WorkspaceScope): Promise<WorkspaceView> {
  const [ws] = await db.select().from(workspaces).where(eq(workspaces.id, scope.workspaceId));
  if (!ws) throw notFound('Workspace');
  return workspaceView(ws, scope.role);
}

export async function createWorkspace(db: Db, actor: Actor & { userId: string }, name: string): Promise<WorkspaceView> {
  return db.transaction(async (tx) => {
    const [ws] = await tx.insert(workspaces).values({ name: name.trim() }).returning();
    await tx.insert(memberships).values({ workspaceId: ws!.id, userId: actor.userId, role: 'owner' });
    await tx.update(users).set({ currentWorkspaceId: ws!.id }).where(eq(users.id, actor.userId));
    await recordAudit(tx as unknown as Db, actor, { workspaceId: ws!.id, action: 'workspace.created', targetType: 'workspace', targetId: ws!.id });
    return workspaceView(ws!, 'owner');
  });
}

export async function switchWorkspace(db: Db, userId: string, workspaceId: string) {
  const [m] = await db.select().from(memberships).where(and(eq(memberships.userId, userId), eq(memberships.workspaceId, workspaceId)));
  if (!m) throw notFound('Workspace');
  await db.update(users).set({ currentWorkspaceId: workspaceId }).where(eq(users.id, userId));
}

export interface WorkspaceUpdate {
  name?: string;
  /** Empty or null clears it. */
  postalAddress?: string | null;
  trackingDomain?: string | null;
}

/** Renames and/or changes the sending settings; each kind of change is audited on its own. */
export async function updateWorkspace(db: Db, actor: Actor, scope: WorkspaceScope, input: WorkspaceUpdate): Promise<WorkspaceView> {
  const set: Partial<typeof workspaces.$inferInsert> = { updatedAt: new Date() };
  if (input.name !== undefined) set.name = input.name.trim();
  if (input.postalAddress !== undefined) set.postalAddress = input.postalAddress?.trim() || null;
  if (input.trackingDomain !== undefined) set.trackingDomain = input.trackingDomain?.trim().toLowerCase().replace(/\.$/, '') || null;
  const [ws] = await db.update(workspaces).set(set).where(eq(workspaces.id, scope.workspaceId)).returning();
  if (!ws) throw notFound('Workspace');
  const target = { workspaceId: scope.workspaceId, targetType: 'workspace', targetId: scope.workspaceId };
  if (input.name !== undefined) await recordAudit(db, actor, { ...target, action: 'workspace.renamed', metadata: { name: ws.name } });
  if (input.postalAddress !== undefined || input.trackingDomain !== undefined) {
    const changed = [...(input.postalAddress !== undefined ? ['postalAddress'] : []), ...(input.trackingDomain !== undefined ? ['trackingDomain'] : [])];
    await recordAudit(db, actor, { ...target, action: 'workspace.sending_settings_changed', metadata: { changed, trackingDomain: ws.trackingDomain } });
  }
  return workspaceView(ws, scope.role);
}
