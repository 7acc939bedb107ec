import { createHash } from 'node:crypto';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { contactCounts, lists, segments } from '../../db/schema/index.js';
import { queryRows } from '../../db/sql-helpers.js';
import type { Logger } from '../../lib/logger.js';
import { notFound } from '../../lib/problems.js';
import { contactFilterSql, type ContactFilter } from './contact-query.js';

/** A count as shown to people: exact, or the last exact count and when it was taken. */
export interface ShownCount {
  count: number;
  exact: boolean;
  countedAt: string;
}

/**
 * How long an exact count may run inside a request (PostgreSQL statement_timeout). Past it the
 * answer is the cached count, so counts come back well within 100 ms at a million contacts.
 */
export const COUNT_BUDGET_MS = 60;
/** A cached count older than this is recounted in the background when it is shown. */
export const RECOUNT_AFTER_MS = 30_000;

const inFlight = new Set<string>();

const isTimeout = (err: unknown): boolean => {
  for (let e = err as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) if (e.code === '57014') return true;
  return false;
};

async function exactCount(db: Db, where: SQL): Promise<number> {
  const [row] = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM contacts WHERE ${where}`);
  return Number(row?.n ?? 0);
}

async function store(db: Db, workspaceId: string, key: string, count: number) {
  await db.insert(contactCounts).values({ workspaceId, filterKey: key, count, countedAt: new Date() })
    .onConflictDoUpdate({ target: [contactCounts.workspaceId, contactCounts.filterKey], set: { count, countedAt: new Date() } });
}

function recountInBackground(db: Db, workspaceId: string, key: string, where: SQL, log?: Logger) {
  const flight = `${workspaceId}:${key}`;
  if (inFlight.has(flight)) return;
  inFlight.add(flight);
  void exactCount(db, where)
    .then((n) => store(db, workspaceId, key, n))
    .catch((err: unknown) => log?.warn({ err, workspaceId }, 'background contact recount failed'))
    .finally(() => inFlight.delete(flight));
}

/**
 * Counts contacts matching `where` for display. Exact when the count finishes within the budget
 * (indexed filters, small workspaces, and always on PGlite, which has no statement timeout);
 * otherwise the last exact count for the same filter, with its age, while a recount runs in the
 * background. The first count of a slow filter is taken in full and cached.
 */
export async function countWithinBudget(db: Db, workspaceId: string, where: SQL, key: string, log?: Logger, budgetMs = COUNT_BUDGET_MS): Promise<ShownCount> {
  const started = Date.now();
  try {
    const n = await db.transaction(async (tx) => {
      await tx.execute(sql.raw(`SET LOCAL statement_timeout = ${Math.max(1, Math.round(budgetMs))}`));
      return exactCount(tx as unknown as Db, where);
    });
    // A count near the budget may miss it next time: keep it as the fallback.
    if (Date.now() - started > budgetMs / 2) await store(db, workspaceId, key, n);
    return { count: n, exact: true, countedAt: new Date().toISOString() };
  } catch (err) {
    if (!isTimeout(err)) throw err;
  }
  const [cached] = await db.select().from(contactCounts).where(and(eq(contactCounts.workspaceId, workspaceId), eq(contactCounts.filterKey, key)));
  if (!cached) {
    const n = await exactCount(db, where);
    await store(db, workspaceId, key, n);
    return { count: n, exact: true, countedAt: new Date().toISOString() };
  }
  if (Date.now() - cached.countedAt.getTime() > RECOUNT_AFTER_MS) recountInBackground(db, workspaceId, key, where, log);
  return { count: cached.count, exact: false, countedAt: cached.countedAt.toISOString() };
}

export const filterKey = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

/**
 * The size of a filter as the table, list and segment views show it. A list on its own is
 * counted exactly from its memberships (an index-only count of its primary key; erased contacts
 * never stay members); anything else goes through the budget above.
 */
export async function countContactsShown(db: Db, workspaceId: string, filter: ContactFilter, log?: Logger): Promise<ShownCount> {
  const { listId, segmentId, q, tag, status } = filter;
  if (listId && !segmentId && !q && !tag && !status) {
    const [list] = await db.select({ id: lists.id }).from(lists).where(and(eq(lists.id, listId), eq(lists.workspaceId, workspaceId)));
    if (!list) throw notFound('List');
    const [row] = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM list_members WHERE list_id = ${listId}`);
    return { count: Number(row?.n ?? 0), exact: true, countedAt: new Date().toISOString() };
  }
  const where = await contactFilterSql(db, workspaceId, filter);
  // An edited segment is a new filter: its definition's timestamp is part of the key.
  const [segment] = segmentId ? await db.select({ updatedAt: segments.updatedAt }).from(segments).where(eq(segments.id, segmentId)) : [];
  const key = filterKey({ listId, segmentId, segmentVersion: segment?.updatedAt.toISOString(), q, tag, status });
  return countWithinBudget(db, workspaceId, where, key, log);
}
