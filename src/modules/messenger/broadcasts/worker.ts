import type { Deps } from '../../../http/context.js';
import { BROADCAST_QUEUE, BROADCAST_SWEEP_CRON, wakeBroadcast, wakeDueBroadcasts, type BroadcastJob } from './broadcast-jobs.js';
import { processBroadcast } from './process-broadcast.js';

/** The messenger-broadcast handler: a run per broadcast, continued by itself, and a sweep every minute. */
export async function startBroadcastWorker(deps: Deps) {
  await deps.jobs.work<BroadcastJob>(BROADCAST_QUEUE, async ({ broadcastId }) => {
    // Without the Facebook app settings no broadcast can exist or be sent.
    if (!deps.config.facebook) return;
    if (!broadcastId) {
      await wakeDueBroadcasts(deps);
      return;
    }
    const r = await processBroadcast(deps, broadcastId);
    if (r.sent || r.failed || r.skipped || r.retried) deps.log.info({ broadcastId, ...r }, 'broadcast run');
    if (r.next) await wakeBroadcast(deps, broadcastId, r.next);
  });
  await deps.jobs.boss.schedule(BROADCAST_QUEUE, BROADCAST_SWEEP_CRON, {}, { singletonKey: 'messenger-broadcast-sweep' });
}
