import { stringify } from 'csv-stringify';
import { Readable } from 'node:stream';
import { and, asc, gt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { contacts } from '../../db/schema/index.js';
import { contactFilterSql, type ContactFilter } from './contact-query.js';
import { customFieldDefs } from './contacts.js';

/**
 * A spreadsheet runs a cell that starts with = + - @ (or tab / CR) as a formula; prefixing a
 * quote keeps exported data inert (OWASP "CSV injection").
 */
export function neutralizeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

const BATCH = 2000;

/** Streams matching contacts as CSV, reading in keyset batches so memory stays flat. */
export async function exportContactsCsv(db: Db, workspaceId: string, filter: ContactFilter): Promise<Readable> {
  const where = await contactFilterSql(db, workspaceId, filter);
  const defs = await customFieldDefs(db, workspaceId);
  const header = ['email', 'first_name', 'last_name', 'company', 'title', 'phone', 'time_zone', 'tags', 'status', 'source', 'created_at', ...defs.map((d) => d.key)];
  let lastId: string | null = null;
  let done = false;
  async function* rows() {
    yield header;
    while (!done) {
      const batch = await db.select().from(contacts)
        .where(and(where, sql`contacts.status <> 'erased'`, lastId ? gt(contacts.id, lastId) : undefined))
        .orderBy(asc(contacts.id)).limit(BATCH);
      if (batch.length < BATCH) done = true;
      for (const c of batch) {
        yield [c.email ?? '', c.firstName ?? '', c.lastName ?? '', c.company ?? '', c.title ?? '', c.phone ?? '', c.timeZone ?? '', c.tags.join(';'), c.status, c.source ?? '', c.createdAt.toISOString(),
          ...defs.map((d) => (c.custom[d.key] === undefined || c.custom[d.key] === null ? '' : String(c.custom[d.key])))].map(neutralizeCell);
      }
      lastId = batch.at(-1)?.id ?? lastId;
    }
  }
  return Readable.from(rows()).pipe(stringify({ bom: true }));
}
