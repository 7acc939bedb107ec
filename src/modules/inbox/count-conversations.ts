import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { CONVERSATION_LABELS } from '../../db/schema/index.js';
import { queryRows } from '../../db/sql-helpers.js';

type Label = (typeof CONVERSATION_LABELS)[number];

/** The badges: conversations with unread messages, in all, assigned to the viewer, per channel and per label. */
export async function countUnread(db: Db, workspaceId: string, viewerUserId: string | null) {
  const labelColumns = sql.join(CONVERSATION_LABELS.map((l) => sql`count(*) FILTER (WHERE ${l} = ANY(labels))::int AS ${sql.identifier(`label_${l}`)}`), sql`, `);
  const [row] = await queryRows<Record<string, number>>(db, sql`
    SELECT count(*)::int AS unread,
      count(*) FILTER (WHERE assigned_user_id = ${viewerUserId})::int AS mine,
      count(*) FILTER (WHERE channel = 'email')::int AS email,
      count(*) FILTER (WHERE channel = 'messenger')::int AS messenger,
      ${labelColumns}
    FROM conversations WHERE workspace_id = ${workspaceId} AND unread_count > 0`);
  const r = row!;
  return {
    unread: r.unread!,
    assignedToMe: viewerUserId ? r.mine! : 0,
    channels: { email: r.email!, messenger: r.messenger! },
    labels: Object.fromEntries(CONVERSATION_LABELS.map((l) => [l, r[`label_${l}`]!])) as Record<Label, number>,
  };
}
