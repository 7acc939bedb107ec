import { sql } from 'drizzle-orm';
import { queryRows } from '../../../db/sql-helpers.js';
import type { Deps } from '../../../http/context.js';

export const BROADCAST_QUEUE = 'messenger-broadcast' as const;
/** The sweep: resumes broadcasts after a reconnect, a quota top-up, a lost job or a dead worker. */
export const BROADCAST_SWEEP_CRON = '* * * * *';

export interface BroadcastJob {
  /** Absent for the scheduled sweep. */
  broadcastId?: string;
}

/** Queues a run of one broadcast, now or at `at` (a retry time, the page's next slot). */
export async function wakeBroadcast(deps: Pick<Deps, 'jobs' | 'log'>, broadcastId: string, at?: Date) {
  try {
    await deps.jobs.send(BROADCAST_QUEUE, { broadcastId }, at && at.getTime() > Date.now() ? { startAfter: at } : {});
  } catch (err) {
    // The minute sweep finds the broadcast anyway.
    deps.log.warn({ err: (err as Error).message, broadcastId }, 'could not queue a broadcast run; the sweep will pick it up');
  }
}

/**
 * Broadcasts with work due on an active page: recipients pending and due, or a send whose lease
 * ran out. One job each, at most one a minute per broadcast from the sweep (a run already in
 * progress makes a second one harmless: recipients are claimed one by one).
 */
export async function wakeDueBroadcasts(deps: Deps): Promise<number> {
  const rows = await queryRows<{ id: string }>(deps.db, sql`
    SELECT b.id FROM broadcasts b JOIN facebook_pages p ON p.id = b.page_id
    WHERE b.status IN ('queued', 'sending') AND p.status <> 'reconnect_needed'
      AND (p.next_send_at IS NULL OR p.next_send_at <= now())
      AND EXISTS (SELECT 1 FROM broadcast_recipients r WHERE r.broadcast_id = b.id
        AND ((r.status = 'pending' AND (r.send_at IS NULL OR r.send_at <= now())) OR (r.status = 'sending' AND r.send_at < now())))`);
  for (const { id } of rows) await deps.jobs.send(BROADCAST_QUEUE, { broadcastId: id }, { singletonKey: `broadcast:${id}`, singletonSeconds: 60 });
  return rows.length;
}
