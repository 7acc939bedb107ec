import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import type { contactImports } from '../../../db/schema/index.js';
import { queryRows } from '../../../db/sql-helpers.js';
import { suppressedSql } from '../suppressions.js';

type ImportRow = typeof contactImports.$inferSelect;

const count = async (db: Db, query: ReturnType<typeof sql>) => Number((await queryRows<{ n: number }>(db, sql`WITH done AS (${query}) SELECT count(*)::int AS n FROM done`))[0]?.n ?? 0);

/**
 * Whole-file checks that need every staged row, run once before any merge: later copies of an
 * address already staged are duplicates (first valid row wins; their flags are dropped with
 * them), and suppressed addresses are skipped. Rows left in staging are the ones to merge.
 */
export async function prepareStaged(db: Db, imp: ImportRow) {
  const id = imp.id;
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await t.execute(sql`WITH ranked AS (
        SELECT row_number, row_number() OVER (PARTITION BY email ORDER BY row_number) AS k FROM import_staging WHERE import_id = ${id}
      ), dup AS (
        DELETE FROM import_staging st USING ranked r WHERE st.import_id = ${id} AND st.row_number = r.row_number AND r.k > 1 RETURNING st.row_number, st.email
      ), flagged AS (
        DELETE FROM import_row_issues i USING dup WHERE i.import_id = ${id} AND i.row_number = dup.row_number AND NOT i.skipped
      )
      INSERT INTO import_row_issues (import_id, row_number, email, reason, skipped) SELECT ${id}, row_number, email, 'duplicate_in_file', true FROM dup
      ON CONFLICT DO NOTHING`);
    // Most workspaces have no suppressions of some kinds; checking a million rows against an empty
    // kind still hashes every address, so only the kinds present are checked.
    const kinds = new Set((await queryRows<{ kind: string }>(t, sql`SELECT DISTINCT kind FROM suppressions WHERE workspace_id = ${imp.workspaceId}`)).map((r) => r.kind));
    if (kinds.size === 0) return;
    const suppressed = suppressedSql(sql`st.email`, sql`${imp.workspaceId}::uuid`);
    await t.execute(sql`WITH gone AS (DELETE FROM import_staging st WHERE st.import_id = ${id} AND ${suppressed} RETURNING st.row_number, st.email)
      INSERT INTO import_row_issues (import_id, row_number, email, reason, skipped) SELECT ${id}, row_number, email, 'suppressed', true FROM gone
      ON CONFLICT DO NOTHING`);
  });
}

/** Staged row numbers still to merge: the first and last, to walk in fixed-size ranges. */
export async function stagedRange(db: Db, importId: string): Promise<{ first: number; last: number } | null> {
  const [r] = await queryRows<{ first: number | null; last: number | null }>(db, sql`SELECT min(row_number) AS first, max(row_number) AS last FROM import_staging WHERE import_id = ${importId}`);
  return r?.first == null ? null : { first: Number(r.first), last: Number(r.last) };
}

/**
 * Merges staged rows with row numbers in [from, to) in one transaction: existing contacts are
 * skipped (reported) or updated per the dedupe policy (their previous state saved in import_undo),
 * the rest created and tagged with the import, and every matched contact joins the target list.
 */
export async function mergeChunk(db: Db, imp: ImportRow, from: number, to: number): Promise<{ created: number; updated: number }> {
  const id = imp.id;
  const ws = imp.workspaceId;
  const { dedupe, listId } = imp.options!;
  const chunk = sql`st.import_id = ${id} AND st.row_number >= ${from} AND st.row_number < ${to}`;
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    let updated = 0;
    if (dedupe === 'update') {
      await t.execute(sql`INSERT INTO import_undo (import_id, contact_id, previous)
        SELECT ${id}, c.id, to_jsonb(c) FROM import_staging st JOIN contacts c ON c.workspace_id = ${ws} AND c.email = st.email AND c.status <> 'erased'
        WHERE ${chunk}
        ON CONFLICT DO NOTHING`);
      updated = await count(t, sql`UPDATE contacts c SET
          first_name = coalesce(st.first_name, c.first_name), last_name = coalesce(st.last_name, c.last_name),
          company = coalesce(st.company, c.company), title = coalesce(st.title, c.title), phone = coalesce(st.phone, c.phone),
          time_zone = coalesce(st.time_zone, c.time_zone),
          tags = CASE WHEN st.tags IS NULL THEN c.tags ELSE ARRAY(SELECT DISTINCT unnest(c.tags || st.tags)) END,
          custom = c.custom || coalesce(st.custom, '{}'::jsonb), updated_at = now()
        FROM import_staging st
        WHERE ${chunk} AND c.workspace_id = ${ws} AND c.email = st.email AND c.status <> 'erased'
        RETURNING 1`);
    } else {
      await t.execute(sql`INSERT INTO import_row_issues (import_id, row_number, email, reason, skipped)
        SELECT ${id}, st.row_number, st.email, 'exists', true FROM import_staging st
        WHERE ${chunk} AND EXISTS (SELECT 1 FROM contacts c WHERE c.workspace_id = ${ws} AND c.email = st.email)
        ON CONFLICT DO NOTHING`);
    }
    const created = await count(t, sql`INSERT INTO contacts (workspace_id, email, first_name, last_name, company, title, phone, time_zone, tags, custom, source, is_role_address, import_id)
      SELECT ${ws}, st.email, st.first_name, st.last_name, st.company, st.title, st.phone, st.time_zone, coalesce(st.tags, '{}'::text[]), coalesce(st.custom, '{}'::jsonb), 'import', st.is_role_address, ${id}::uuid
      FROM import_staging st WHERE ${chunk}
      ON CONFLICT (workspace_id, email) DO NOTHING RETURNING 1`);
    if (listId) {
      await t.execute(sql`INSERT INTO list_members (list_id, contact_id, import_id)
        SELECT ${listId}, c.id, ${id}::uuid FROM import_staging st JOIN contacts c ON c.workspace_id = ${ws} AND c.email = st.email
        WHERE ${chunk} AND c.status <> 'erased' ON CONFLICT DO NOTHING`);
    }
    return { created, updated };
  });
}

/**
 * Takes back what committed chunks of a failed import did: updated contacts get their saved
 * state back (import_undo), memberships it added go, contacts it created are deleted. Needs
 * nothing from staging, which a PostgreSQL crash empties.
 */
export async function undoMerge(db: Db, imp: ImportRow) {
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await t.execute(sql`UPDATE contacts c SET first_name = p.first_name, last_name = p.last_name, company = p.company, title = p.title,
        phone = p.phone, time_zone = p.time_zone, tags = p.tags, custom = p.custom, updated_at = p.updated_at
      FROM import_undo u CROSS JOIN LATERAL jsonb_populate_record(NULL::contacts, u.previous) p
      WHERE u.import_id = ${imp.id} AND c.id = u.contact_id AND c.status <> 'erased'`);
    if (imp.options?.listId) await t.execute(sql`DELETE FROM list_members WHERE list_id = ${imp.options.listId} AND import_id = ${imp.id}`);
    await t.execute(sql`DELETE FROM contacts WHERE workspace_id = ${imp.workspaceId} AND import_id = ${imp.id}`);
  });
}
