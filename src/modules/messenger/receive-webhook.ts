import type { Jobs } from '../../engine/jobs.js';
import type { Logger } from '../../lib/logger.js';

export const MESSENGER_EVENTS_QUEUE = 'messenger-events' as const;
/** How long a wake-up waits to gather the deliveries behind it. */
export const KICK_DELAY_MS = 200;
const pendingKicks = new WeakMap<Jobs, NodeJS.Timeout>();

/**
 * Wakes the processing job, at most once per KICK_DELAY_MS per process: a burst of deliveries
 * costs one job, not one each, and the job is queued after every delivery it must cover.
 * pg-boss debounces further across processes (one job per second, plus one in the next second
 * for what arrives while it runs). A lost wake-up loses nothing: the scheduled sweep finds the rows.
 */
export function kickProcessing(jobs: Jobs, log: Logger, delayMs = KICK_DELAY_MS) {
  if (pendingKicks.has(jobs)) return;
  const timer = setTimeout(() => {
    pendingKicks.delete(jobs);
    jobs.send(MESSENGER_EVENTS_QUEUE, {}, { singletonKey: MESSENGER_EVENTS_QUEUE, singletonSeconds: 1, singletonNextSlot: true })
      .catch((err: unknown) => log.warn({ err: (err as Error).message }, 'could not queue Messenger event processing; the periodic sweep will pick the events up'));
  }, delayMs);
  timer.unref();
  pendingKicks.set(jobs, timer);
}
