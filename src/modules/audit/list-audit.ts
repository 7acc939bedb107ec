import { and, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { auditLog, memberships, users } from '../../db/schema/index.js';

/**
 * Workspace entries, plus account-level entries (logins, failed logins, password changes) of
 * the workspace's current members, so an admin sees attacks on their team's accounts.
 */
export async function listAudit(db: Db, workspaceId: string, q: { cursor?: number; limit: number }) {
  const memberIds = db.select({ id: memberships.userId }).from(memberships).where(eq(memberships.workspaceId, workspaceId));
  const memberIdText = db.select({ id: sql<string>`${memberships.userId}::text` }).from(memberships).where(eq(memberships.workspaceId, workspaceId));
  const rows = await db
    .select({ entry: auditLog, actorEmail: users.email, actorName: users.name })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorUserId))
    .where(and(
      or(
        eq(auditLog.workspaceId, workspaceId),
        and(isNull(auditLog.workspaceId), or(inArray(auditLog.actorUserId, memberIds), and(eq(auditLog.targetType, 'user'), inArray(auditLog.targetId, memberIdText)))),
      ),
      q.cursor ? lt(auditLog.id, q.cursor) : undefined,
    ))
    .orderBy(desc(auditLog.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  return {
    items: page.map(({ entry, actorEmail, actorName }) => ({
      id: String(entry.id),
      action: entry.action,
      actor: entry.actorUserId ? { id: entry.actorUserId, email: actorEmail ?? '', name: actorName ?? '' } : null,
      apiKeyId: entry.actorApiKeyId,
      targetType: entry.targetType,
      targetId: entry.targetId,
      ip: entry.ip,
      metadata: entry.metadata,
      createdAt: entry.createdAt.toISOString(),
    })),
    nextCursor: rows.length > q.limit ? String(page.at(-1)!.entry.id) : null,
  };
}
