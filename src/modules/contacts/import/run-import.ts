import { setImmediate as nextTurn } from 'node:timers/promises';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { contactCounts, contactImports, importRowIssues, importStaging, importUndo, tasks } from '../../../db/schema/index.js';
import { queryRows } from '../../../db/sql-helpers.js';
import type { Deps } from '../../../http/context.js';
import { mergeChunk, prepareStaged, stagedRange, undoMerge } from './merge-staged.js';
import { assertImportFits, assertImportStillFits } from './plan-limit.js';
import { ImportFailed, stageRows } from './stage-rows.js';
import { deleteUpload, readUpload } from './upload-store.js';

type ImportRow = typeof contactImports.$inferSelect;

/**
 * Staged rows merged per transaction. Large enough that per-statement costs vanish on
 * PostgreSQL; small on PGlite, whose one connection (and the event loop, which runs its queries)
 * is free again between chunks, so the app keeps answering during a million-row import.
 */
export const MERGE_CHUNK_ROWS = { postgres: 50_000, pglite: 5_000 } as const;

/**
 * Chunks merged at once. The merge is index maintenance in the database, one core per statement;
 * chunks hold distinct addresses, so on PostgreSQL two run side by side on their own connections
 * without touching the same rows. PGlite has one connection.
 */
export const MERGE_PARALLEL = { postgres: 2, pglite: 1 } as const;

/** After an import that changed at least this many contacts, fresh planner statistics are taken. */
const ANALYZE_AFTER_ROWS = 50_000;

/**
 * Rows for the progress bar, from a byte scan for line breaks (fast; quoted cells with line breaks
 * make it an upper bound). The exact count replaces it when the import finishes.
 */
async function estimateRows(db: Db, importId: string): Promise<number> {
  let lines = 0;
  let last = 10;
  for await (const chunk of readUpload(db, importId) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
    last = chunk[chunk.length - 1] ?? last;
    // On PGlite nothing here returns to the event loop by itself (see stage-rows.ts).
    await nextTurn();
  }
  if (last !== 10) lines++;
  return Math.max(0, lines - 1);
}

/** Progress counts reading and merging as half the work each: done runs 0 → total once. */
async function setProgress(db: Db, taskId: string | null, done: number, total?: number) {
  if (!taskId) return;
  await db.update(tasks).set({ progressDone: Math.round(done), ...(total !== undefined ? { progressTotal: total } : {}) }).where(eq(tasks.id, taskId));
}

/** Staged rows and undo snapshots: needed only while a merge may still have to be undone. */
async function dropScratch(db: Db, importId: string) {
  await db.delete(importStaging).where(eq(importStaging.importId, importId));
  await db.delete(importUndo).where(eq(importUndo.importId, importId));
}

/** Everything an attempt left, once any merge of it is undone (the report's issues too). */
async function discardWork(db: Db, importId: string) {
  await dropScratch(db, importId);
  await db.delete(importRowIssues).where(eq(importRowIssues.importId, importId));
}

async function fail(db: Db, imp: ImportRow, message: string) {
  await discardWork(db, imp.id);
  await db.update(contactImports).set({ status: 'failed', error: message, finishedAt: new Date() }).where(eq(contactImports.id, imp.id));
  if (imp.taskId) await db.update(tasks).set({ status: 'failed', error: message, finishedAt: new Date() }).where(eq(tasks.id, imp.taskId));
}

/**
 * The `contact-import` job: parse and validate the whole file into staging (a malformed file
 * fails here, before any contact changes), drop in-file duplicates and suppressed addresses, then
 * merge in chunks. A merge that fails part-way is undone (contacts created by the import deleted,
 * updated ones restored, memberships removed), so an import lands whole or not at all.
 * Safe to re-run: an attempt that died mid-merge is undone first, and its staging discarded.
 */
export async function runImport(deps: Deps, importId: string, opts: { chunkRows?: number; parallel?: number } = {}) {
  const { db } = deps;
  const [imp] = await db.select().from(contactImports).where(eq(contactImports.id, importId));
  if (!imp || imp.status === 'completed' || imp.status === 'failed' || !imp.options || !imp.mapping) return;
  if (imp.status === 'running') await undoMerge(db, imp);
  await discardWork(db, imp.id);
  // Staging has no foreign key (it made COPY slow): rows of imports deleted mid-run go here.
  await db.execute(sql`DELETE FROM import_staging st WHERE NOT EXISTS (SELECT 1 FROM contact_imports i WHERE i.id = st.import_id)`);
  await db.update(contactImports).set({ status: 'running' }).where(eq(contactImports.id, imp.id));
  if (imp.taskId) await db.update(tasks).set({ status: 'running', startedAt: new Date(), progressDone: 0 }).where(eq(tasks.id, imp.taskId));
  const chunkRows = opts.chunkRows ?? MERGE_CHUNK_ROWS[deps.database.kind];
  let merging = false;
  let changed = 0;
  const t0 = Date.now();
  const phases: Record<string, number> = {};
  const lap = (name: string) => (phases[`${name}Ms`] = Date.now() - t0 - Object.values(phases).reduce((a, b) => a + b, 0));
  try {
    const estimate = await estimateRows(db, imp.id);
    await setProgress(db, imp.taskId, 0, estimate);
    const rowsRead = await stageRows(deps, imp, (n) => setProgress(db, imp.taskId, Math.min(n, estimate) / 2));
    const total = Math.max(rowsRead, 1);
    lap('stage');
    await prepareStaged(db, imp);
    await assertImportFits(deps, imp);
    lap('prepare');
    merging = true;
    const counts = { created: 0, updated: 0 };
    const range = await stagedRange(db, imp.id);
    const starts: number[] = [];
    for (let from = range?.first ?? 0; range && from <= range.last; from += chunkRows) starts.push(from);
    let next = 0;
    let chunksDone = 0;
    let failure: unknown = null;
    // Each lane takes the next chunk until none is left or one failed; the undo below then takes
    // back every chunk that committed, in whichever lane.
    const lane = async () => {
      while (next < starts.length && !failure) {
        const from = starts[next++]!;
        try {
          const c = await mergeChunk(db, imp, from, from + chunkRows);
          counts.created += c.created;
          counts.updated += c.updated;
          chunksDone++;
          await setProgress(db, imp.taskId, rowsRead / 2 + (chunksDone / starts.length) * (rowsRead / 2), total);
          // Between chunks PGlite's one connection is free: let waiting requests run first.
          await nextTurn();
        } catch (err) {
          failure ??= err;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(opts.parallel ?? MERGE_PARALLEL[deps.database.kind], Math.max(1, starts.length)) }, lane));
    if (failure) throw failure;
    await assertImportStillFits(deps, imp);
    lap('merge');
    if (deps.database.kind === 'postgres' && counts.created + counts.updated >= ANALYZE_AFTER_ROWS) {
      // The planner's row estimates for contacts are otherwise stale until autovacuum gets there.
      await deps.database.sql.query('ANALYZE contacts');
    }
    const [skip] = await queryRows<{ n: number }>(db, sql`SELECT count(DISTINCT row_number)::int AS n FROM import_row_issues WHERE import_id = ${imp.id} AND skipped`);
    const result = { ...counts, skipped: Number(skip?.n ?? 0) };
    changed = result.created + result.updated;
    await db.transaction(async (tx) => {
      await tx.update(contactImports).set({ status: 'completed', totalRows: rowsRead, createdCount: result.created, updatedCount: result.updated, skippedCount: result.skipped, finishedAt: new Date() }).where(eq(contactImports.id, imp.id));
      if (imp.taskId) {
        await tx.update(tasks).set({ status: 'completed', progressDone: rowsRead, progressTotal: rowsRead, finishedAt: new Date(), result: { importId: imp.id, totalRows: rowsRead, ...result } }).where(eq(tasks.id, imp.taskId));
      }
    });
    merging = false;
    lap('finish');
    deps.log.info({ importId: imp.id, rows: rowsRead, ...result, ...phases }, 'contact import completed');
  } catch (err) {
    if (merging) await undoMerge(db, imp);
    if (!(err instanceof ImportFailed)) {
      deps.log.error({ err, importId: imp.id }, 'contact import crashed');
      await fail(db, imp, 'The import stopped on an internal error; nothing was imported. Try again.');
      return;
    }
    await fail(db, imp, err.message);
    return;
  }
  // Clean-up after the outcome is recorded: it changes nothing that was imported.
  // Cached counts of this workspace predate the import; the next count of each is taken afresh.
  if (changed > 0) await db.delete(contactCounts).where(eq(contactCounts.workspaceId, imp.workspaceId));
  await dropScratch(db, imp.id);
  await deleteUpload(db, imp.id);
}
