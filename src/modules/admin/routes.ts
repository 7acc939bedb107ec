import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { count, desc, eq, sql } from 'drizzle-orm';
import { memberships, users, workspaces } from '../../db/schema/index.js';
import { addDataDirKey, reencryptSecrets } from '../senders/rotate-encryption.js';

/** Instance-wide views for the operator (the first account of the instance). */
export async function adminRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = app.deps;
  const page = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100), offset: z.coerce.number().int().min(0).default(0) });

  r.get('/admin/users', {
    config: { access: 'instanceAdmin' },
    schema: {
      tags: ['admin'], summary: 'All accounts on this instance', querystring: page,
      response: { 200: z.object({ items: z.array(z.object({ id: z.uuid(), email: z.string(), name: z.string(), emailVerified: z.boolean(), isInstanceAdmin: z.boolean(), workspaces: z.number(), createdAt: z.string() })), total: z.number() }) },
    },
  }, async (request) => {
    const rows = await db
      .select({ u: users, workspaces: sql<number>`(select count(*) from ${memberships} where ${memberships.userId} = ${users.id})::int` })
      .from(users).orderBy(desc(users.createdAt)).limit(request.query.limit).offset(request.query.offset);
    const [total] = await db.select({ n: count() }).from(users);
    return {
      items: rows.map(({ u, workspaces }) => ({ id: u.id, email: u.email, name: u.name, emailVerified: Boolean(u.emailVerifiedAt), isInstanceAdmin: u.isInstanceAdmin, workspaces: Number(workspaces), createdAt: u.createdAt.toISOString() })),
      total: Number(total?.n ?? 0),
    };
  });

  r.get('/admin/workspaces', {
    config: { access: 'instanceAdmin' },
    schema: {
      tags: ['admin'], summary: 'All workspaces on this instance', querystring: page,
      response: { 200: z.object({ items: z.array(z.object({ id: z.uuid(), name: z.string(), members: z.number(), createdAt: z.string() })), total: z.number() }) },
    },
  }, async (request) => {
    const rows = await db
      .select({ id: workspaces.id, name: workspaces.name, createdAt: workspaces.createdAt, members: count(memberships.userId) })
      .from(workspaces).leftJoin(memberships, eq(memberships.workspaceId, workspaces.id))
      .groupBy(workspaces.id).orderBy(desc(workspaces.createdAt)).limit(request.query.limit).offset(request.query.offset);
    const [total] = await db.select({ n: count() }).from(workspaces);
    return { items: rows.map((w) => ({ ...w, members: Number(w.members), createdAt: w.createdAt.toISOString() })), total: Number(total?.n ?? 0) };
  });

  r.post('/admin/encryption/rotate', {
    config: { access: 'instanceAdmin' },
    schema: {
      tags: ['admin'], summary: 'Re-encrypt every stored credential under the active key (embedded mode: after adding a fresh key)',
      response: { 200: z.object({ keyId: z.string(), rotated: z.number(), alreadyCurrent: z.number() }) },
    },
  }, async () => {
    const { config } = app.deps;
    if (config.secretsSource === 'data-dir') addDataDirKey(config);
    return { keyId: config.secrets.encryptionKeyId, ...(await reencryptSecrets(db, config.secrets)) };
  });
}
