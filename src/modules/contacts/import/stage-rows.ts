import { once } from 'node:events';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Writable } from 'node:stream';
import { parse, CsvError } from 'csv-parse';
import { eq } from 'drizzle-orm';
import { from as copyFrom } from 'pg-copy-streams';
import type { Db } from '../../../db/client.js';
import { contactImports, customFields, importRowIssues } from '../../../db/schema/index.js';
import type { Deps } from '../../../http/context.js';
import { csvOptions } from './csv-format.js';
import { mapRow, planColumns, type RowIssue, type StagedRow } from './map-row.js';
import { readUpload } from './upload-store.js';

type ImportRow = typeof contactImports.$inferSelect;

/** A failure the user is told about as is (bad CSV, nothing mapped to email). */
export class ImportFailed extends Error {}

const ISSUE_BATCH = 1000;
const BLOB_LINES = 5000;
const COPY_LINES = 1000;
const PROGRESS_EVERY = 10_000;
/**
 * PGlite answers inside the same thread, so its promises settle without ever returning to the
 * event loop: a million-row pass would keep HTTP requests waiting until it ends. Every this many
 * rows the loop steps aside for one turn.
 */
const YIELD_EVERY = 1000;

function describeCsvError(err: unknown): string {
  if (err instanceof CsvError) {
    const line = (err as CsvError & { lines?: number }).lines;
    return `The file is not valid CSV${line ? ` near line ${line}` : ''}: ${err.message}`;
  }
  return (err as Error).message;
}

async function flushIssues(db: Db, importId: string, issues: RowIssue[]) {
  for (let i = 0; i < issues.length; i += ISSUE_BATCH) {
    await db.insert(importRowIssues).values(issues.slice(i, i + ISSUE_BATCH).map((x) => ({ importId, rowNumber: x.rowNumber, email: x.email, reason: x.reason, skipped: x.skipped, detail: x.detail ?? null }))).onConflictDoNothing();
  }
  issues.length = 0;
}

/** Where validated rows go: COPY text lines, streamed on PostgreSQL, in blocks on PGlite. */
interface StagingSink {
  add(row: StagedRow): Promise<void>;
  finish(): Promise<void>;
  abort(): Promise<void>;
}

const STAGING_COLUMNS = 'import_id, row_number, email, first_name, last_name, company, title, phone, time_zone, tags, custom, is_role_address';

/** COPY text format: backslash escapes for the characters that delimit fields and rows; \N is NULL. */
const copyText = (v: string | null) => (v === null ? '\\N' : v.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')));
const arrayLiteral = (items: string[]) => '{' + items.map((t) => '"' + t.replace(/[\\"]/g, (c) => '\\' + c) + '"').join(',') + '}';

function copyLine(importId: string, r: StagedRow): string {
  return [
    importId, String(r.rowNumber), copyText(r.email), copyText(r.firstName), copyText(r.lastName), copyText(r.company), copyText(r.title),
    copyText(r.phone), copyText(r.timeZone), copyText(r.tags ? arrayLiteral(r.tags) : null), copyText(r.custom ? JSON.stringify(r.custom) : null),
    r.isRoleAddress ? 't' : 'f',
  ].join('\t') + '\n';
}

/**
 * PostgreSQL: one COPY stream on its own connection for the whole file, written in blocks of
 * lines with backpressure, so memory stays flat and rows travel without per-batch statements.
 */
async function copySink(deps: Deps, importId: string): Promise<StagingSink> {
  const client = deps.database.dedicatedClient!();
  await client.connect();
  const stream: Writable = client.query(copyFrom(`COPY import_staging (${STAGING_COLUMNS}) FROM STDIN`));
  let failed: Error | null = null;
  stream.on('error', (err) => (failed = err));
  let lines: string[] = [];
  const write = async () => {
    if (failed) throw failed;
    if (!lines.length) return;
    const ok = stream.write(lines.join(''));
    lines = [];
    if (!ok) await Promise.race([once(stream, 'drain'), once(stream, 'error')]);
  };
  return {
    async add(row) {
      lines.push(copyLine(importId, row));
      if (lines.length >= COPY_LINES) await write();
    },
    async finish() {
      try {
        await write();
        stream.end();
        await Promise.race([once(stream, 'finish'), once(stream, 'error').then(([err]) => Promise.reject(err as Error))]);
        if (failed) throw failed;
      } finally {
        await client.end();
      }
    },
    // Ending the connection mid-COPY aborts it: none of its rows are kept.
    abort: () => client.end().catch(() => {}),
  };
}

/**
 * PGlite: the same COPY lines, one `COPY … FROM '/dev/blob'` per block (PGlite has no COPY FROM
 * STDIN stream). Its parser runs in C like PostgreSQL's, where parameter arrays were serialized
 * and parsed element by element in JS.
 */
function blobCopySink(deps: Deps, importId: string): StagingSink {
  const pglite = deps.database.pglite!;
  let lines: string[] = [];
  const flush = async () => {
    if (!lines.length) return;
    const blob = new Blob([lines.join('')]);
    lines = [];
    await pglite.query(`COPY import_staging (${STAGING_COLUMNS}) FROM '/dev/blob'`, [], { blob });
  };
  return {
    async add(row) {
      lines.push(copyLine(importId, row));
      if (lines.length >= BLOB_LINES) await flush();
    },
    finish: flush,
    abort: async () => {},
  };
}

/**
 * Parses and validates every row in one streaming pass and writes the valid ones to
 * import_staging; `contacts` is not touched. Returns the number of data rows read.
 */
export async function stageRows(deps: Deps, imp: ImportRow, onProgress: (rowsRead: number) => Promise<void>): Promise<number> {
  const { db } = deps;
  const defs = await db.select({ key: customFields.key, type: customFields.type }).from(customFields).where(eq(customFields.workspaceId, imp.workspaceId));
  const strict = !imp.options!.importValidRows;
  const parser = readUpload(db, imp.id).pipe(parse(csvOptions(imp.delimiter, { skip_records_with_error: !strict })));
  // The loop below receives the parser's error; this keeps a second emission (while the COPY
  // connection is being closed) from surfacing as an unhandled error.
  parser.on('error', () => {});
  const issues: RowIssue[] = [];
  parser.on('skip', (err: CsvError & { lines?: number }) => issues.push({ rowNumber: err.lines ?? 0, email: null, reason: 'malformed_row', skipped: true, detail: err.message }));
  const sink = deps.database.kind === 'postgres' ? await copySink(deps, imp.id) : blobCopySink(deps, imp.id);
  let plan: ReturnType<typeof planColumns> | null = null;
  let done = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (!plan) {
        plan = planColumns(record, imp.mapping!, new Map(defs.map((d) => [d.key, d.type])));
        if (plan.email < 0) throw new ImportFailed('No column is mapped to email.');
        continue;
      }
      done++;
      // Spreadsheet numbering: the header is row 1. Multi-line quoted cells count as one row.
      const result = mapRow(record, done + 1, plan);
      if (result.row) await sink.add(result.row);
      if (result.issues.length) issues.push(...result.issues);
      if (issues.length >= ISSUE_BATCH) await flushIssues(db, imp.id, issues);
      if (done % PROGRESS_EVERY === 0) await onProgress(done);
      if (done % YIELD_EVERY === 0) await nextTurn();
    }
    await sink.finish();
  } catch (err) {
    parser.destroy();
    await sink.abort();
    if (err instanceof ImportFailed) throw err;
    if (err instanceof CsvError) throw new ImportFailed(describeCsvError(err));
    throw err;
  }
  await flushIssues(db, imp.id, issues);
  return done;
}
