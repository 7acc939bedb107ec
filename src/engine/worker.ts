import type { Deps } from '../http/context.js';
import type { Mailer, SystemMail } from '../lib/mailer.js';
import { runImport } from '../modules/contacts/import/run-import.js';
import { pollAllInboxes } from '../modules/senders/poll-inbound.js';
import { startMessengerWorker } from '../modules/messenger/worker.js';
import { startBroadcastWorker } from '../modules/messenger/broadcasts/worker.js';
import { CAMPAIGN_TICK_CRON, tickCampaigns } from './campaign-tick.js';
import { startDispatcher } from './dispatcher.js';

/** How often every connected mailbox is checked for replies and bounces. */
export const INBOUND_POLL_CRON = '*/2 * * * *';

export interface Worker {
  /** Finishes the send round in hand (so no lease is left behind), then stops sending. */
  stop(): Promise<void>;
}

/** Registers every background handler this process runs and starts the sending loop. */
export async function startWorker(deps: Deps, mailer: Mailer): Promise<Worker> {
  await deps.jobs.work<SystemMail>('system-mail', (mail) => mailer.send(mail));
  await deps.jobs.work<{ importId: string }>('contact-import', (job) => runImport(deps, job.importId));
  await deps.jobs.work('inbound-poll', () => pollAllInboxes(deps));
  // pg-boss keeps one schedule per name in the database, so several workers never double it.
  await deps.jobs.boss.schedule('inbound-poll', INBOUND_POLL_CRON, {}, { singletonKey: 'inbound-poll' });
  await deps.jobs.work('campaign-tick', async () => void (await tickCampaigns(deps, new Date())));
  await deps.jobs.boss.schedule('campaign-tick', CAMPAIGN_TICK_CRON, {}, { singletonKey: 'campaign-tick' });
  await startMessengerWorker(deps);
  await startBroadcastWorker(deps);
  const { engine } = deps.config;
  const workerId = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const dispatcher = startDispatcher(deps, { workerId, batchSize: engine.batchSize, concurrency: engine.concurrency, leaseMs: engine.leaseSeconds * 1000, idleMs: engine.idleMs });
  deps.log.info({ workerId }, 'sending engine started');
  return dispatcher;
}
