import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requireWorkspace } from '../../../http/context.js';
import { validationFailed } from '../../../lib/problems.js';
import { idParams } from '../schemas.js';
import { deleteImport, getImport, listImports, MAX_IMPORT_BYTES, startImport, uploadImport } from './imports.js';

const tags = ['imports'];
const importOut = z.object({
  id: z.uuid(), filename: z.string(), sizeBytes: z.number(), delimiter: z.string(), headers: z.array(z.string()), preview: z.array(z.array(z.string())),
  suggestedMapping: z.record(z.string(), z.string()), mapping: z.record(z.string(), z.string()).nullable(),
  options: z.object({ dedupe: z.enum(['skip', 'update']), listId: z.string().nullable(), importValidRows: z.boolean() }).nullable(),
  status: z.enum(['uploaded', 'queued', 'running', 'completed', 'failed']), taskId: z.string().nullable(),
  progress: z.object({ done: z.number(), total: z.number().nullable() }),
  totalRows: z.number().nullable(), createdCount: z.number(), updatedCount: z.number(), skippedCount: z.number(),
  error: z.string().nullable(), createdAt: z.string(), finishedAt: z.string().nullable(),
});

export async function importRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = app.deps;

  r.post('/contacts/imports', {
    config: { access: { permission: 'contacts.import' } },
    schema: { tags, summary: 'Upload a CSV (multipart field "file"); answers with a preview and a suggested column mapping', consumes: ['multipart/form-data'], response: { 201: importOut } },
  }, async (request, reply) => {
    if (!request.isMultipart()) throw validationFailed([{ field: 'file', message: 'send the CSV as multipart/form-data in a field named "file"' }]);
    const file = await request.file({ limits: { fileSize: MAX_IMPORT_BYTES + 1, files: 1 } });
    if (!file) throw validationFailed([{ field: 'file', message: 'is required' }]);
    const view = await uploadImport(db, requireWorkspace(request), actorOf(request).userId ?? null, { filename: file.filename, stream: file.file });
    return reply.status(201).send(view);
  });

  r.post('/contacts/imports/:id/start', {
    config: { access: { permission: 'contacts.import' } },
    schema: {
      tags, summary: 'Start the import with a column mapping (header → field, "" to ignore)', params: idParams,
      body: z.object({
        mapping: z.record(z.string(), z.string()),
        dedupe: z.enum(['skip', 'update']).default('skip'),
        listId: z.uuid().nullable().optional(),
        importValidRows: z.boolean().default(false),
      }),
      response: { 202: importOut },
    },
  }, async (request, reply) => reply.status(202).send(await startImport(app.deps, requireWorkspace(request), actorOf(request).userId ?? null, request.params.id, request.body)));

  r.get('/contacts/imports', {
    config: { access: { permission: 'contacts.read' } },
    schema: { tags, summary: 'Recent imports', response: { 200: z.object({ items: z.array(importOut) }) } },
  }, async (request) => ({ items: await listImports(db, requireWorkspace(request).workspaceId) }));

  r.get('/contacts/imports/:id', {
    config: { access: { permission: 'contacts.read' } },
    schema: {
      tags, summary: 'An import with its progress and report (first 1,000 row issues)', params: idParams,
      response: { 200: importOut.extend({ issues: z.array(z.object({ row: z.number(), email: z.string().nullable(), reason: z.string(), skipped: z.boolean(), detail: z.string().nullable() })), issuesTotal: z.number() }) },
    },
  }, async (request) => getImport(db, requireWorkspace(request).workspaceId, request.params.id));

  r.delete('/contacts/imports/:id', {
    config: { access: { permission: 'contacts.import' } },
    schema: { tags, summary: 'Discard an upload or a finished import\'s report (contacts stay)', params: idParams },
  }, async (request, reply) => {
    await deleteImport(db, requireWorkspace(request).workspaceId, request.params.id);
    return reply.status(204).send();
  });
}
