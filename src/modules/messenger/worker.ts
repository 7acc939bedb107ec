import type { Deps } from '../../http/context.js';
import { processPendingWebhookEvents, pruneProcessedEvents } from './process-webhook-events.js';
import { MESSENGER_EVENTS_QUEUE } from './receive-webhook.js';

/** A sweep for events whose wake-up job was lost (enqueue failed, worker down at the time). */
export const MESSENGER_SWEEP_CRON = '* * * * *';

/** The messenger-events handler: each webhook delivery wakes it; the schedule is the safety net. */
export async function startMessengerWorker(deps: Deps) {
  await deps.jobs.work(MESSENGER_EVENTS_QUEUE, async () => {
    const r = await processPendingWebhookEvents(deps);
    if (r.processed || r.failed) deps.log.info(r, 'Messenger events processed');
    await pruneProcessedEvents(deps.db);
  });
  await deps.jobs.boss.schedule(MESSENGER_EVENTS_QUEUE, MESSENGER_SWEEP_CRON, {}, { singletonKey: 'messenger-events-sweep' });
}
