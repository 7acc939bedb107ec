import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { and, asc, eq, isNull } from 'drizzle-orm';
import { apiKeys, memberships, users } from '../db/schema/index.js';
import { AppError, forbidden, notFound, unauthorized } from '../lib/problems.js';
import { sha256 } from '../lib/tokens.js';
import { verifyAccessToken } from '../modules/auth/access-token.js';
import { activeSessionUser } from '../modules/auth/sessions.js';
import { can, type Permission } from '../modules/workspaces/permissions.js';
import type { Auth, Deps } from './context.js';

/**
 * Who may call a route. Every /api/v1 route declares one (the app refuses to start otherwise):
 * - 'public': anyone; 'user': a signed-in person (not an API key); 'instanceAdmin';
 * - 'signed': a provider's webhook, authenticated by its own body signature, which the handler
 *   checks; cookies and API keys mean nothing there, so no session lookup or CSRF check runs;
 * - { permission }: a user or API key acting in a workspace whose role grants the permission.
 *   `workspaceParam` names the path parameter that holds the workspace id, if any.
 */
export type Access = 'public' | 'signed' | 'user' | 'instanceAdmin' | { permission: Permission; workspaceParam?: string };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
}

export const ACCESS_COOKIE = 'ms_access';
export const REFRESH_COOKIE = 'ms_refresh';
export const API_KEY_PREFIX = 'ms_';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** last_used_at is a hint, not an audit trail: write it at most once a minute per key. */
const LAST_USED_WRITE_INTERVAL_MS = 60_000;

async function authenticateApiKey(deps: Deps, presented: string): Promise<Auth> {
  const [key] = await deps.db.select().from(apiKeys).where(eq(apiKeys.keyHash, sha256(presented)));
  if (!key || key.revokedAt) throw new AppError(401, 'invalid-api-key', 'The API key is unknown or revoked.');
  if (!key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() > LAST_USED_WRITE_INTERVAL_MS) {
    await deps.db.update(apiKeys).set({ lastUsedAt: new Date() }).where(eq(apiKeys.id, key.id));
  }
  return { kind: 'apiKey', apiKeyId: key.id, workspaceId: key.workspaceId, role: key.role };
}

async function authenticateCookie(deps: Deps, token: string): Promise<Auth | null> {
  const claims = await verifyAccessToken(deps.config.secrets.accessTokenSecret, token);
  if (!claims) return null;
  const user = await activeSessionUser(deps.db, claims.sessionId, claims.userId);
  if (!user) return null;
  return { kind: 'user', userId: claims.userId, sessionId: claims.sessionId, isInstanceAdmin: user.isInstanceAdmin };
}

function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new AppError(401, 'invalid-api-key', 'Authorization must be "Bearer ms_…".');
  return match[1]!;
}

/**
 * The workspace named by the request: the path, then the x-workspace-id header, then (for GET
 * navigations and downloads, which cannot send headers) a ?workspaceId= query parameter.
 */
function requestedWorkspace(request: FastifyRequest, fromPath: string | undefined): string | undefined {
  if (fromPath !== undefined) return fromPath;
  const header = request.headers['x-workspace-id'];
  if (typeof header === 'string' && header) return header;
  const query = request.method === 'GET' ? (request.query as Record<string, unknown> | undefined)?.workspaceId : undefined;
  return typeof query === 'string' && query ? query : undefined;
}

/** Picks the workspace a user acts in: the one the request names, else their current one. */
async function resolveUserWorkspace(deps: Deps, request: FastifyRequest, userId: string, fromPath: string | undefined) {
  const wanted = requestedWorkspace(request, fromPath);
  if (wanted !== undefined) {
    if (!UUID.test(wanted)) throw notFound('Workspace');
    const [m] = await deps.db.select({ role: memberships.role }).from(memberships).where(and(eq(memberships.userId, userId), eq(memberships.workspaceId, wanted)));
    if (!m) throw notFound('Workspace');
    return { workspaceId: wanted, role: m.role };
  }
  const [user] = await deps.db.select({ current: users.currentWorkspaceId }).from(users).where(eq(users.id, userId));
  const rows = await deps.db.select({ workspaceId: memberships.workspaceId, role: memberships.role }).from(memberships).where(eq(memberships.userId, userId)).orderBy(asc(memberships.createdAt));
  const chosen = rows.find((r) => r.workspaceId === user?.current) ?? rows[0];
  if (!chosen) throw notFound('Workspace');
  return chosen;
}

async function enforce(deps: Deps, request: FastifyRequest, access: Access) {
  if (access === 'public' || access === 'signed') return;
  const auth = request.auth;
  if (!auth) throw unauthorized();
  if (access === 'user' || access === 'instanceAdmin') {
    if (auth.kind !== 'user') throw forbidden('This endpoint needs a signed-in user; API keys cannot use it.');
    if (access === 'instanceAdmin' && !auth.isInstanceAdmin) throw forbidden('Only the instance administrator can do this.');
    return;
  }
  const fromPath = access.workspaceParam ? (request.params as Record<string, string>)[access.workspaceParam] : undefined;
  if (auth.kind === 'apiKey') {
    // A key belongs to one workspace; any other workspace simply does not exist for it.
    const wanted = requestedWorkspace(request, fromPath);
    if (wanted !== undefined && wanted !== auth.workspaceId) throw notFound('Workspace');
    request.workspace = { workspaceId: auth.workspaceId, role: auth.role };
  } else {
    request.workspace = await resolveUserWorkspace(deps, request, auth.userId, fromPath);
  }
  if (!can(request.workspace.role, access.permission)) throw forbidden(`Your role (${request.workspace.role}) cannot do this.`);
}

function runCsrfCheck(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
  return new Promise<void>((resolve, reject) => {
    app.csrfProtection(request, reply, (err?: Error) => (err ? reject(err) : resolve()));
  });
}

export function registerAccessControl(app: FastifyInstance, deps: Deps) {
  app.decorateRequest('auth', null);
  app.decorateRequest('workspace', null);

  const checkAccess = async (request: FastifyRequest, reply: FastifyReply) => {
    const bearer = bearerToken(request);
    if (bearer) {
      if (!bearer.startsWith(API_KEY_PREFIX)) throw new AppError(401, 'invalid-api-key', 'API keys start with "ms_".');
      request.auth = await authenticateApiKey(deps, bearer);
    } else {
      const cookies = request.cookies;
      const access = cookies[ACCESS_COOKIE];
      if (access) request.auth = await authenticateCookie(deps, access);
      // Cookies ride along on cross-site requests; a mutation made with them needs the CSRF token.
      if (MUTATING.has(request.method) && (cookies[ACCESS_COOKIE] || cookies[REFRESH_COOKIE])) await runCsrfCheck(app, request, reply);
    }
    await enforce(deps, request, request.routeOptions.config.access!);
  };

  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/v1') && !route.config?.access) {
      throw new Error(`route ${route.method} ${route.url} declares no access rule`);
    }
    if (!route.config?.access || route.config.access === 'signed') return;
    // A route-level hook, appended after the rate limiter's (registered earlier, also route-level):
    // requests refused here (bad credentials, missing CSRF token) still count towards the per-IP limits.
    const existing = route.onRequest ? (Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest]) : [];
    route.onRequest = [...existing, checkAccess];
  });
}
