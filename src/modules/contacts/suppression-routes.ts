import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { parse } from 'csv-parse';
import { requireWorkspace } from '../../http/context.js';
import { AppError, validationFailed, type FieldError } from '../../lib/problems.js';
import { asciiDomain, isValidEmail, normalizeContactEmail } from './contact-input.js';
import { idParams, suppressionOut } from './schemas.js';
import { addSuppressions, deleteSuppression, listSuppressions, type SuppressionInput } from './suppressions.js';

const DOMAIN = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** "ann@x.com" suppresses an address; "x.com" or "@x.com" a whole domain. */
export function parseSuppressionValue(raw: string): { kind: 'email' | 'domain'; value: string } | null {
  const v = raw.trim().toLowerCase();
  if (v.includes('@') && !v.startsWith('@')) {
    const email = normalizeContactEmail(v);
    return isValidEmail(email) ? { kind: 'email', value: email } : null;
  }
  // Internationalised domains in the A-label form contacts are stored in (normalizeContactEmail).
  const domain = asciiDomain(v.replace(/^@/, ''));
  return DOMAIN.test(domain) ? { kind: 'domain', value: domain } : null;
}

export async function suppressionRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = app.deps;

  r.get('/suppressions', {
    config: { access: { permission: 'suppressions.read' } },
    schema: { tags: ['suppressions'], summary: 'Suppressed addresses and domains, newest first', querystring: z.object({ search: z.string().max(200).optional(), cursor: z.iso.datetime({ offset: true }).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }), response: { 200: z.object({ items: z.array(suppressionOut), nextCursor: z.string().nullable() }) } },
  }, async (request) => listSuppressions(db, requireWorkspace(request).workspaceId, request.query));

  r.post('/suppressions', {
    config: { access: { permission: 'suppressions.write' } },
    schema: {
      tags: ['suppressions'], summary: 'Suppress addresses or whole domains (idempotent)',
      body: z.object({ values: z.array(z.string().max(254)).min(1).max(10000), note: z.string().max(500).optional() }),
      response: { 200: z.object({ added: z.number(), alreadySuppressed: z.number() }) },
    },
  }, async (request) => {
    const errors: FieldError[] = [];
    const entries: SuppressionInput[] = [];
    request.body.values.forEach((raw, i) => {
      const parsed = parseSuppressionValue(raw);
      if (!parsed) errors.push({ field: `values.${i}`, message: `"${raw}" is neither an email address nor a domain` });
      else entries.push({ ...parsed, reason: 'manual', note: request.body.note ?? null });
    });
    if (errors.length) throw validationFailed(errors);
    const added = await addSuppressions(db, requireWorkspace(request).workspaceId, entries);
    return { added, alreadySuppressed: entries.length - added };
  });

  r.post('/suppressions/import', {
    config: { access: { permission: 'suppressions.write' } },
    schema: { tags: ['suppressions'], summary: 'Upload a CSV of addresses/domains (first column) to suppress', consumes: ['multipart/form-data'], response: { 200: z.object({ added: z.number(), alreadySuppressed: z.number(), invalid: z.array(z.object({ row: z.number(), value: z.string() })) }) } },
  }, async (request) => {
    const file = request.isMultipart() ? await request.file({ limits: { fileSize: 20 * 1024 * 1024, files: 1 } }) : undefined;
    if (!file) throw validationFailed([{ field: 'file', message: 'is required (multipart field "file")' }]);
    const entries: SuppressionInput[] = [];
    const invalid: { row: number; value: string }[] = [];
    let row = 0;
    const workspaceId = requireWorkspace(request).workspaceId;
    for await (const record of file.file.pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true, delimiter: [',', ';', '\t'] }))) {
      row++;
      const raw = String((record as string[])[0] ?? '');
      const parsed = parseSuppressionValue(raw);
      if (parsed) entries.push({ ...parsed, reason: 'import' });
      else if (!(row === 1 && /email|domain|address/i.test(raw))) invalid.push({ row, value: raw.slice(0, 254) });
    }
    // Check the size before writing anything, so a rejected file adds nothing.
    if (file.file.truncated) throw new AppError(413, 'payload-too-large', 'The file is larger than 20 MB.', [{ field: 'file', message: 'is larger than 20 MB' }]);
    const added = await db.transaction((tx) => addSuppressions(tx as unknown as typeof db, workspaceId, entries));
    const total = entries.length;
    return { added, alreadySuppressed: total - added, invalid: invalid.slice(0, 1000) };
  });

  r.delete('/suppressions/:id', {
    config: { access: { permission: 'suppressions.delete' } },
    schema: { tags: ['suppressions'], summary: 'Remove a suppression (never for erased contacts)', params: idParams },
  }, async (request, reply) => {
    await deleteSuppression(db, requireWorkspace(request).workspaceId, request.params.id);
    return reply.status(204).send();
  });
}
