import { sql } from 'drizzle-orm';
import type { Config } from '../../../config.js';
import type { Db } from '../../../db/client.js';
import { queryRows } from '../../../db/sql-helpers.js';
import { badRequest } from '../../../lib/problems.js';
import { broadcastSelect, broadcastView, countsOf, type BroadcastRow, type BroadcastView } from './get-broadcast.js';

function decodeCursor(cursor: string): [string, string] {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    if (typeof at !== 'string' || !/^[0-9a-f-]{36}$/.test(id)) throw new Error();
    return [at, id];
  } catch {
    throw badRequest('The cursor is not valid; start again from the first page.', [{ field: 'cursor', message: 'is not a cursor this API returned' }]);
  }
}

/** A workspace's broadcasts, newest first, with their counts (keyset on created_at, id). */
export async function listBroadcasts(db: Db, config: Pick<Config, 'billing' | 'publicUrl'> | null, workspaceId: string, q: { cursor?: string; limit: number }): Promise<{ items: BroadcastView[]; nextCursor: string | null }> {
  const before = q.cursor ? decodeCursor(q.cursor) : null;
  const rows = await queryRows<BroadcastRow>(db, sql`${broadcastSelect}
    WHERE b.workspace_id = ${workspaceId}
      ${before ? sql`AND (b.created_at, b.id) < (${before[0]}::timestamptz, ${before[1]}::uuid)` : sql``}
    ORDER BY b.created_at DESC, b.id DESC
    LIMIT ${q.limit + 1}`);
  const page = rows.slice(0, q.limit);
  const counts = await countsOf(db, page.map((r) => r.id));
  const items: BroadcastView[] = [];
  for (const r of page) items.push(await broadcastView(db, config, r, counts.get(r.id)!));
  const last = page.at(-1);
  return { items, nextCursor: rows.length > q.limit && last ? Buffer.from(JSON.stringify([last.created_key, last.id])).toString('base64url') : null };
}
