import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireWorkspace } from '../../http/context.js';
import { listAudit } from './list-audit.js';

export async function auditRoutes(app: FastifyInstance) {
  app.withTypeProvider<ZodTypeProvider>().get('/audit-log', {
    config: { access: { permission: 'audit.read' } },
    schema: {
      tags: ['audit'], summary: 'Security-relevant actions in this workspace, newest first',
      querystring: z.object({ cursor: z.coerce.number().int().positive().optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }),
      response: {
        200: z.object({
          items: z.array(z.object({
            id: z.string(), action: z.string(), actor: z.object({ id: z.string(), email: z.string(), name: z.string() }).nullable(),
            apiKeyId: z.string().nullable(), targetType: z.string().nullable(), targetId: z.string().nullable(), ip: z.string().nullable(),
            metadata: z.record(z.string(), z.unknown()), createdAt: z.string(),
          })),
          nextCursor: z.string().nullable(),
        }),
      },
    },
  }, async (request) => listAudit(app.deps.db, requireWorkspace(request).workspaceId, request.query));
}
