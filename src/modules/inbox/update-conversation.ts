import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { conversations, memberships } from '../../db/schema/index.js';
import type { Deps } from '../../http/context.js';
import { fieldError } from '../../lib/problems.js';
import { recordAudit, type Actor } from '../audit/record-audit.js';
import { conversationView, findConversationRow } from './conversation-rows.js';
import { publishConversationUpdated } from './inbox-events.js';
import type { UpdateInput } from './schemas.js';

/**
 * Triage from the inbox: open/closed, labels (the given set replaces the old one), assignment
 * to a member of the workspace (audited), and read/unread.
 */
export async function updateConversation(deps: Pick<Deps, 'db' | 'database' | 'log'>, actor: Actor, input: { workspaceId: string; id: string; patch: UpdateInput }) {
  const { workspaceId, id, patch } = input;
  const before = await findConversationRow(deps.db, workspaceId, id);
  if (patch.assignedUserId) {
    const [member] = await deps.db.select({ userId: memberships.userId }).from(memberships)
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, patch.assignedUserId)));
    if (!member) throw fieldError('assignedUserId', 'must be a member of this workspace');
  }
  const set: Partial<typeof conversations.$inferInsert> = {};
  if (patch.status) set.status = patch.status;
  if (patch.labels) set.labels = [...new Set(patch.labels)];
  if (patch.assignedUserId !== undefined) set.assignedUserId = patch.assignedUserId;
  // Unread again means at least the last message is unread; read clears the count.
  if (patch.unread !== undefined) set.unreadCount = patch.unread ? Math.max(before.unread_count, 1) : 0;
  if (!Object.keys(set).length) return conversationView(before);

  await deps.db.transaction(async (tx) => {
    await tx.update(conversations).set({ ...set, updatedAt: new Date() }).where(and(eq(conversations.id, id), eq(conversations.workspaceId, workspaceId)));
    if (patch.assignedUserId !== undefined && patch.assignedUserId !== before.assignee_id) {
      await recordAudit(tx as unknown as Db, actor, {
        workspaceId, action: 'conversation.assigned', targetType: 'conversation', targetId: id,
        metadata: { from: before.assignee_id, to: patch.assignedUserId },
      });
    }
  });
  await publishConversationUpdated(deps, workspaceId, id);
  return conversationView(await findConversationRow(deps.db, workspaceId, id));
}
