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
/**
 * Counts below this are never cached: counting them is fast unless the machine is busy, and a
 * small list should not show a stale size because one count was slow.
 */
export const CACHE_FROM_ROWS = 10_000;

interface Budget {
  budgetMs?: number;
  cacheFromRows?: number;
}

const inFlight = new Set<string>();

const isTimeout = (err: unknown): boolean => {
  for (let e = err as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) if (e.code === '57014') return true;
  return false;
};

async function exactCount(db: Db, countSql: SQL): Promise<number> {
  const [row] = await queryRows<{ n: number }>(db, countSql);
  return Number(row?.n ?? 0);
}

async function store(db: Db, workspaceId: string, key: string, count: number, cacheFromRows: number) {
  if (count < cacheFromRows) {
    await db.delete(contactCounts).where(and(eq(contactCounts.workspaceId, workspaceId), eq(contactCounts.filterKey, key)));
    return;
  }
  await db.insert(contactCounts).values({ workspaceId, filterKey: key, count, countedAt: new Date() })
    .onConflictDoUpdate({ target: [contactCounts.workspaceId, contactCounts.filterKey], set: { count, countedAt: new Date() } });
}

function recountInBackground(db: Db, workspaceId: string, key: string, countSql: SQL, cacheFromRows: number, log?: Logger) {
  const flight = `${workspaceId}:${key}`;
  if (inFlight.has(flight)) return;
  inFlight.add(flight);
  void exactCount(db, countSql)
    .then((n) => store(db, workspaceId, key, n, cacheFromRows))
    .catch((err: unknown) => log?.warn({ err, workspaceId }, 'background contact recount failed'))
    .finally(() => inFlight.delete(flight));
}

/**
 * Runs `countSql` (a `SELECT count(*)::int AS n …`) for display. A filter known to be slow to
 * count (it has a cached count) is answered from the cache, with its age, and recounted in the
 * background once that is older than RECOUNT_AFTER_MS. Any other is counted exactly if that
 * finishes within the budget (always on PGlite, which has no statement timeout, so there every
 * count is exact); one that does not is counted in full this once and, when it is large, cached
 * from then on.
 */
export async function countWithinBudget(db: Db, workspaceId: string, countSql: SQL, key: string, log?: Logger, opts: Budget = {}): Promise<ShownCount> {
  const budgetMs = opts.budgetMs ?? COUNT_BUDGET_MS;
  const cacheFromRows = opts.cacheFromRows ?? CACHE_FROM_ROWS;
  const [cached] = await db.select().from(contactCounts).where(and(eq(contactCounts.workspaceId, workspaceId), eq(contactCounts.filterKey, key)));
  if (cached) {
    if (Date.now() - cached.countedAt.getTime() > RECOUNT_AFTER_MS) recountInBackground(db, workspaceId, key, countSql, cacheFromRows, log);
    return { count: cached.count, exact: false, countedAt: cached.countedAt.toISOString() };
  }
  try {
    const n = await db.transaction(async (tx) => {
      await tx.execute(sql.raw(`SET LOCAL statement_timeout = ${Math.max(1, Math.round(budgetMs))}`));
      return exactCount(tx as unknown as Db, countSql);
    });
    return { count: n, exact: true, countedAt: new Date().toISOString() };
  } catch (err) {
    if (!isTimeout(err)) throw err;
  }
  const n = await exactCount(db, countSql);
  await store(db, workspaceId, key, n, cacheFromRows);
  return { count: n, exact: true, countedAt: new Date().toISOString() };
}

export const filterKey = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

/**
 * The size of a filter as the table, list and segment views show it. A list on its own is
 * counted from its memberships (an index-only count of its primary key; erased contacts never
 * stay members), anything else over contacts; both within the budget above.
 */
export async function countContactsShown(db: Db, workspaceId: string, filter: ContactFilter, log?: Logger): Promise<ShownCount> {
  const { listId, segmentId, q, tag, status } = filter;
  if (listId && !segmentId && !q && !tag && !status) {
    const [list] = await db.select({ id: lists.id }).from(lists).where(and(eq(lists.id, listId), eq(lists.workspaceId, workspaceId)));
    if (!list) throw notFound('List');
    return countWithinBudget(db, workspaceId, sql`SELECT count(*)::int AS n FROM list_members WHERE list_id = ${listId}`, filterKey({ listId }), log);
  }
  const where = await contactFilterSql(db, workspaceId, filter);
  // An edited segment is a new filter: its definition's timestamp is part of the key.
  const [segment] = segmentId ? await db.select({ updatedAt: segments.updatedAt }).from(segments).where(eq(segments.id, segmentId)) : [];
  const key = filterKey({ listId, segmentId, segmentVersion: segment?.updatedAt.toISOString(), q, tag, status });
  return countWithinBudget(db, workspaceId, sql`SELECT count(*)::int AS n FROM contacts WHERE ${where}`, key, log);
}
