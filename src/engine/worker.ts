import type { Deps } from '../http/context.js';
import type { Mailer, SystemMail } from '../lib/mailer.js';
import { runImport } from '../modules/contacts/import/run-import.js';

/** Registers every background handler this process runs. */
export async function startWorker(deps: Deps, mailer: Mailer) {
  await deps.jobs.work<SystemMail>('system-mail', (mail) => mailer.send(mail));
  await deps.jobs.work<{ importId: string }>('contact-import', (job) => runImport(deps, job.importId));
}
