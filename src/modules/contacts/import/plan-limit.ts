import { sql } from 'drizzle-orm';
import type { Config } from '../../../config.js';
import type { Db } from '../../../db/client.js';
import type { contactImports } from '../../../db/schema/index.js';
import { queryRows } from '../../../db/sql-helpers.js';
import { AppError } from '../../../lib/problems.js';
import { assertWithinLimit, countHeld } from '../../billing/limits.js';
import { workspacePlan } from '../../billing/plans.js';
import { ImportFailed } from './stage-rows.js';

type ImportRow = typeof contactImports.$inferSelect;

/**
 * With billing on, the contacts an import would create must fit the plan. Checked once staging
 * is final (duplicates and suppressed addresses gone) and before anything merges, so a file that
 * does not fit changes nothing and the import says why.
 */
export async function assertImportFits(deps: { db: Db; config: Pick<Config, 'billing' | 'publicUrl'> }, imp: ImportRow) {
  if (!deps.config.billing) return;
  const [row] = await queryRows<{ n: number }>(deps.db, sql`SELECT count(*)::int AS n FROM import_staging st
    WHERE st.import_id = ${imp.id} AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.workspace_id = ${imp.workspaceId} AND c.email = st.email)`);
  try {
    await assertWithinLimit(deps.db, deps.config, imp.workspaceId, 'contacts', row?.n ?? 0);
  } catch (err) {
    if (err instanceof AppError && err.status === 402) throw new ImportFailed(`${err.message} Nothing was imported.`);
    throw err;
  }
}

/**
 * After the merge (chunked, so no single lock covers it): if contacts created meanwhile pushed the
 * workspace past its limit, the import fails and run-import's undo takes it back.
 */
export async function assertImportStillFits(deps: { db: Db; config: Pick<Config, 'billing'> }, imp: ImportRow) {
  if (!deps.config.billing) return;
  const { plan } = await workspacePlan(deps.db, deps.config.billing, imp.workspaceId);
  const allowed = plan.limits.contacts;
  if (allowed === null) return;
  const held = await countHeld(deps.db, 'contacts', imp.workspaceId);
  if (held > allowed) throw new ImportFailed(`Contacts were added while this import ran and it no longer fits the ${plan.name} plan's ${allowed} contacts. Upgrade to add more. Nothing was imported.`);
}
