import { and, asc, count, desc, eq } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { contactImports, customFields, importRowIssues, lists, tasks } from '../../../db/schema/index.js';
import type { Deps, WorkspaceScope } from '../../../http/context.js';
import { AppError, conflict, notFound, validationFailed, type FieldError } from '../../../lib/problems.js';
import { assertWithinLimit } from '../../billing/limits.js';
import { autoMap, BUILTIN_TARGETS, detectDelimiter, readHead } from './csv-format.js';
import { deleteUpload, readUpload, storeUpload } from './upload-store.js';

export const MAX_IMPORT_BYTES = 100 * 1024 * 1024;

type ImportRow = typeof contactImports.$inferSelect;

async function loadImport(db: Db, workspaceId: string, id: string): Promise<ImportRow> {
  const [row] = await db.select().from(contactImports).where(and(eq(contactImports.id, id), eq(contactImports.workspaceId, workspaceId)));
  if (!row) throw notFound('Import');
  return row;
}

async function fieldDefs(db: Db, workspaceId: string) {
  return db.select({ key: customFields.key, label: customFields.label, type: customFields.type }).from(customFields).where(eq(customFields.workspaceId, workspaceId));
}

export async function importView(db: Db, imp: ImportRow) {
  const [task] = imp.taskId ? await db.select().from(tasks).where(eq(tasks.id, imp.taskId)) : [];
  return {
    id: imp.id, filename: imp.filename, sizeBytes: imp.sizeBytes, delimiter: imp.delimiter, headers: imp.headers, preview: imp.preview,
    suggestedMapping: autoMap(imp.headers, await fieldDefs(db, imp.workspaceId)),
    mapping: imp.mapping, options: imp.options, status: imp.status, taskId: imp.taskId,
    progress: { done: task?.progressDone ?? 0, total: task?.progressTotal ?? null },
    totalRows: imp.totalRows, createdCount: imp.createdCount, updatedCount: imp.updatedCount, skippedCount: imp.skippedCount,
    error: imp.error, createdAt: imp.createdAt.toISOString(), finishedAt: imp.finishedAt?.toISOString() ?? null,
  };
}

/** Receives the CSV (streamed into the database), reads its head for the preview and the mapping. */
export async function uploadImport(db: Db, scope: WorkspaceScope, userId: string | null, file: { filename: string; stream: AsyncIterable<Buffer> }) {
  const [imp] = await db.insert(contactImports).values({
    workspaceId: scope.workspaceId, filename: file.filename.slice(0, 255) || 'upload.csv', storedPath: 'db', sizeBytes: 0, delimiter: ',', headers: [], preview: [], createdBy: userId,
  }).returning();
  try {
    const { size, head } = await storeUpload(db, imp!.id, file.stream, MAX_IMPORT_BYTES);
    if (size === 0) throw validationFailed([{ field: 'file', message: 'is empty' }], 'The uploaded file is empty.');
    if (head.includes(0)) throw validationFailed([{ field: 'file', message: 'is not a text CSV file' }], 'This looks like a binary file (for example a spreadsheet); export it as CSV first.');
    const delimiter = detectDelimiter(head);
    let rows: string[][];
    try {
      rows = await readHead(readUpload(db, imp!.id), delimiter);
    } catch (err) {
      throw validationFailed([{ field: 'file', message: (err as Error).message }], `The file is not valid CSV: ${(err as Error).message}`);
    }
    const headers = rows[0]?.map((h) => h.trim()) ?? [];
    if (headers.length === 0 || headers.every((h) => !h)) throw validationFailed([{ field: 'file', message: 'has no header row' }], 'The first row must name the columns.');
    const [updated] = await db.update(contactImports).set({ sizeBytes: size, delimiter, headers, preview: rows.slice(1) }).where(eq(contactImports.id, imp!.id)).returning();
    return importView(db, updated!);
  } catch (err) {
    await db.delete(contactImports).where(eq(contactImports.id, imp!.id));
    if (err instanceof RangeError) throw new AppError(413, 'payload-too-large', `The file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB.`, [{ field: 'file', message: err.message }]);
    throw err;
  }
}

export interface StartImportInput {
  mapping: Record<string, string>;
  dedupe: 'skip' | 'update';
  listId?: string | null;
  importValidRows: boolean;
}

/** Checks the mapping against the file's headers and the workspace's fields, then queues the job. */
export async function startImport(deps: Deps, scope: WorkspaceScope, userId: string | null, id: string, input: StartImportInput) {
  const { db } = deps;
  const imp = await loadImport(db, scope.workspaceId, id);
  if (imp.status !== 'uploaded' && imp.status !== 'failed') throw conflict(`This import is already ${imp.status}.`);
  const defs = await fieldDefs(db, scope.workspaceId);
  const allowed = new Set<string>([...BUILTIN_TARGETS, ...defs.map((d) => `custom.${d.key}`)]);
  const errors: FieldError[] = [];
  const used = new Map<string, string>();
  for (const [header, target] of Object.entries(input.mapping)) {
    if (!imp.headers.includes(header)) errors.push({ field: `mapping.${header}`, message: 'is not a column of the file' });
    else if (target && !allowed.has(target)) errors.push({ field: `mapping.${header}`, message: `"${target}" is not a contact field` });
    else if (target && used.has(target)) errors.push({ field: `mapping.${header}`, message: `"${target}" is already mapped from "${used.get(target)}"` });
    if (target) used.set(target, header);
  }
  if (![...used.keys()].includes('email')) errors.push({ field: 'mapping', message: 'one column must be mapped to email' });
  if (input.listId) {
    const [list] = await db.select({ id: lists.id }).from(lists).where(and(eq(lists.id, input.listId), eq(lists.workspaceId, scope.workspaceId)));
    if (!list) errors.push({ field: 'listId', message: 'is not a list of this workspace' });
  }
  if (errors.length) throw validationFailed(errors);
  // At the plan's contact limit an import that skips existing contacts could only add new ones: 402
  // now. Updating imports may still run; the merge counts exactly what would be added.
  if (input.dedupe === 'skip') await assertWithinLimit(db, deps.config, scope.workspaceId, 'contacts');
  const [task] = await db.insert(tasks).values({ workspaceId: scope.workspaceId, kind: 'contact-import', createdBy: userId }).returning();
  const [queued] = await db.update(contactImports).set({
    mapping: input.mapping, options: { dedupe: input.dedupe, listId: input.listId ?? null, importValidRows: input.importValidRows },
    status: 'queued', taskId: task!.id, error: null, createdCount: 0, updatedCount: 0, skippedCount: 0, finishedAt: null,
  }).where(eq(contactImports.id, imp.id)).returning();
  await deps.jobs.send('contact-import', { importId: imp.id }, { retryLimit: 2, expireInSeconds: 3600 });
  return importView(db, queued!);
}

export async function getImport(db: Db, workspaceId: string, id: string) {
  const imp = await loadImport(db, workspaceId, id);
  const issues = await db.select().from(importRowIssues).where(eq(importRowIssues.importId, id)).orderBy(asc(importRowIssues.rowNumber)).limit(1000);
  const [total] = await db.select({ n: count() }).from(importRowIssues).where(eq(importRowIssues.importId, id));
  return {
    ...(await importView(db, imp)),
    issues: issues.map((i) => ({ row: i.rowNumber, email: i.email, reason: i.reason, skipped: i.skipped, detail: i.detail })),
    issuesTotal: Number(total?.n ?? 0),
  };
}

export async function listImports(db: Db, workspaceId: string) {
  const rows = await db.select().from(contactImports).where(eq(contactImports.workspaceId, workspaceId)).orderBy(desc(contactImports.createdAt)).limit(50);
  return Promise.all(rows.map((r) => importView(db, r)));
}

export async function deleteImport(db: Db, workspaceId: string, id: string) {
  const imp = await loadImport(db, workspaceId, id);
  if (imp.status === 'running' || imp.status === 'queued') throw conflict('The import is running; wait for it to finish.');
  await deleteUpload(db, id);
  await db.delete(contactImports).where(eq(contactImports.id, id));
}
