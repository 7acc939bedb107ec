import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { apiKeys, users, type Role } from '../../db/schema/index.js';
import type { WorkspaceScope } from '../../http/context.js';
import { API_KEY_PREFIX } from '../../http/access.js';
import { forbidden, notFound } from '../../lib/problems.js';
import { randomToken, sha256 } from '../../lib/tokens.js';
import { recordAudit, type Actor } from '../audit/record-audit.js';
import { outranks } from '../workspaces/permissions.js';

/** The part of a key shown in lists, enough to tell keys apart and nothing more. */
const PREFIX_LENGTH = API_KEY_PREFIX.length + 8;

export async function listApiKeys(db: Db, workspaceId: string) {
  const rows = await db
    .select({ key: apiKeys, creatorName: users.name, creatorEmail: users.email })
    .from(apiKeys)
    .leftJoin(users, eq(users.id, apiKeys.createdBy))
    .where(eq(apiKeys.workspaceId, workspaceId))
    .orderBy(desc(apiKeys.createdAt));
  return rows.map(({ key, creatorName, creatorEmail }) => ({
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    role: key.role,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
    createdBy: key.createdBy ? { id: key.createdBy, name: creatorName ?? '', email: creatorEmail ?? '' } : null,
  }));
}

/** Returns the full key once; only its SHA-256 is kept. */
export async function createApiKey(db: Db, scope: WorkspaceScope, actor: Actor, input: { name: string; role: Role }) {
  if (!outranks(scope.role, input.role)) throw forbidden(`Your role (${scope.role}) cannot create a key with role ${input.role}.`);
  const key = API_KEY_PREFIX + randomToken(30);
  const [row] = await db
    .insert(apiKeys)
    .values({ workspaceId: scope.workspaceId, name: input.name.trim(), role: input.role, prefix: key.slice(0, PREFIX_LENGTH), keyHash: sha256(key), createdBy: actor.userId ?? null })
    .returning();
  await recordAudit(db, actor, { workspaceId: scope.workspaceId, action: 'api_key.created', targetType: 'api_key', targetId: row!.id, metadata: { name: row!.name, role: row!.role, prefix: row!.prefix } });
  return { id: row!.id, name: row!.name, prefix: row!.prefix, role: row!.role, createdAt: row!.createdAt.toISOString(), key };
}

export async function revokeApiKey(db: Db, scope: WorkspaceScope, actor: Actor, id: string) {
  const [row] = await db.update(apiKeys).set({ revokedAt: new Date() }).where(and(eq(apiKeys.id, id), eq(apiKeys.workspaceId, scope.workspaceId), isNull(apiKeys.revokedAt))).returning();
  if (!row) throw notFound('API key');
  await recordAudit(db, actor, { workspaceId: scope.workspaceId, action: 'api_key.revoked', targetType: 'api_key', targetId: row.id, metadata: { name: row.name, prefix: row.prefix } });
}
