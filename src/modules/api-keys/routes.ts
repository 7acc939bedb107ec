import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requireWorkspace } from '../../http/context.js';
import { roleEnum } from '../auth/schemas.js';
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys.js';

const tags = ['api-keys'];
const keyOut = z.object({ id: z.uuid(), name: z.string(), prefix: z.string(), role: roleEnum, createdAt: z.string() });
const person = z.object({ id: z.uuid(), name: z.string(), email: z.string() });

export async function apiKeyRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = app.deps;

  r.get('/api-keys', {
    config: { access: { permission: 'apiKeys.read' } },
    schema: { tags, summary: 'API keys of the workspace (never the secret part)', response: { 200: z.object({ items: z.array(keyOut.extend({ lastUsedAt: z.string().nullable(), revokedAt: z.string().nullable(), createdBy: person.nullable() })) }) } },
  }, async (request) => ({ items: await listApiKeys(db, requireWorkspace(request).workspaceId) }));

  r.post('/api-keys', {
    config: { access: { permission: 'apiKeys.manage' } },
    schema: {
      tags, summary: 'Create an API key; the response is the only time the key is shown',
      body: z.object({ name: z.string().trim().min(1, { error: 'is required' }).max(100, { error: 'must be at most 100 characters' }), role: z.enum(['admin', 'member']).default('member') }),
      response: { 201: keyOut.extend({ key: z.string() }) },
    },
  }, async (request, reply) => reply.status(201).send(await createApiKey(db, requireWorkspace(request), actorOf(request), request.body)));

  r.delete('/api-keys/:id', {
    config: { access: { permission: 'apiKeys.manage' } },
    schema: { tags, summary: 'Revoke an API key', params: z.object({ id: z.uuid() }) },
  }, async (request, reply) => {
    await revokeApiKey(db, requireWorkspace(request), actorOf(request), request.params.id);
    return reply.status(204).send();
  });
}
