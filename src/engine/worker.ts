import type { Deps } from '../http/context.js';
import type { Mailer, SystemMail } from '../lib/mailer.js';
import { runImport } from '../modules/contacts/import/run-import.js';
import { pollAllInboxes } from '../modules/senders/poll-inbound.js';

/** How often every connected mailbox is checked for replies and bounces. */
export const INBOUND_POLL_CRON = '*/2 * * * *';

/** Registers every background handler this process runs. */
export async function startWorker(deps: Deps, mailer: Mailer) {
  await deps.jobs.work<SystemMail>('system-mail', (mail) => mailer.send(mail));
  await deps.jobs.work<{ importId: string }>('contact-import', (job) => runImport(deps, job.importId));
  await deps.jobs.work('inbound-poll', () => pollAllInboxes(deps));
  // pg-boss keeps one schedule per name in the database, so several workers never double it.
  await deps.jobs.boss.schedule('inbound-poll', INBOUND_POLL_CRON, {}, { singletonKey: 'inbound-poll' });
}
