import { sql, type SQL } from 'drizzle-orm';
import type { Db } from './client.js';

/**
 * A bound array parameter. Drizzle expands a JS array inside `sql` into a parenthesised list,
 * which PostgreSQL cannot cast to an array; this builds ARRAY[$1, $2, …] instead.
 */
export function sqlArray(values: readonly string[], type: 'text' | 'uuid'): SQL {
  if (values.length === 0) return sql.raw(`'{}'::${type}[]`);
  return sql`ARRAY[${sql.join(values.map((v) => sql`${v}`), sql`, `)}]::${sql.raw(type)}[]`;
}

/** Rows of a raw statement, whichever driver runs it (both answer `{ rows }`). */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = await db.execute(query);
  return (result as unknown as { rows: T[] }).rows;
}
