import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { and, eq } from 'drizzle-orm';
import { tasks } from '../../db/schema/index.js';
import { requireWorkspace } from '../../http/context.js';
import { notFound } from '../../lib/problems.js';

/** Progress of long-running work (imports and the like) started by this workspace. */
export async function taskRoutes(app: FastifyInstance) {
  app.withTypeProvider<ZodTypeProvider>().get('/jobs/:id', {
    config: { access: { permission: 'contacts.read' } },
    schema: {
      tags: ['jobs'], summary: 'Progress of a background job', params: z.object({ id: z.uuid() }),
      response: { 200: z.object({ id: z.uuid(), kind: z.string(), status: z.string(), progress: z.object({ done: z.number(), total: z.number().nullable(), percent: z.number().nullable() }), result: z.record(z.string(), z.unknown()).nullable(), error: z.string().nullable(), createdAt: z.string(), startedAt: z.string().nullable(), finishedAt: z.string().nullable() }) },
    },
  }, async (request) => {
    const [t] = await app.deps.db.select().from(tasks).where(and(eq(tasks.id, request.params.id), eq(tasks.workspaceId, requireWorkspace(request).workspaceId)));
    if (!t) throw notFound('Job');
    const percent = t.progressTotal ? Math.min(100, Math.round((t.progressDone / t.progressTotal) * 100)) : t.status === 'completed' ? 100 : null;
    return {
      id: t.id, kind: t.kind, status: t.status, progress: { done: t.progressDone, total: t.progressTotal, percent }, result: t.result ?? null, error: t.error,
      createdAt: t.createdAt.toISOString(), startedAt: t.startedAt?.toISOString() ?? null, finishedAt: t.finishedAt?.toISOString() ?? null,
    };
  });
}
