import type { FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import type { Database, Db } from '../db/client.js';
import type { Role } from '../db/schema/index.js';
import type { Jobs } from '../engine/jobs.js';
import type { Logger } from '../lib/logger.js';
import type { Actor } from '../modules/audit/record-audit.js';
import { forbidden, unauthorized } from '../lib/problems.js';

/** What the app is built from; created once in main.ts (or a test) and shared by every module. */
export interface Deps {
  config: Config;
  database: Database;
  db: Db;
  log: Logger;
  jobs: Jobs;
}

export type Auth =
  | { kind: 'user'; userId: string; sessionId: string; isInstanceAdmin: boolean }
  | { kind: 'apiKey'; apiKeyId: string; workspaceId: string; role: Role };

/** The workspace a request acts in, and the caller's role there. */
export interface WorkspaceScope {
  workspaceId: string;
  role: Role;
}

declare module 'fastify' {
  interface FastifyInstance {
    deps: Deps;
  }
  interface FastifyRequest {
    auth: Auth | null;
    workspace: WorkspaceScope | null;
  }
}

export function actorOf(request: FastifyRequest): Actor {
  const auth = request.auth;
  return {
    userId: auth?.kind === 'user' ? auth.userId : null,
    apiKeyId: auth?.kind === 'apiKey' ? auth.apiKeyId : null,
    ip: request.ip ?? null,
    userAgent: request.headers['user-agent'] ?? null,
  };
}

export function requireUser(request: FastifyRequest) {
  const auth = request.auth;
  if (!auth) throw unauthorized();
  if (auth.kind !== 'user') throw forbidden('This endpoint needs a signed-in user; API keys cannot use it.');
  return auth;
}

export function requireWorkspace(request: FastifyRequest): WorkspaceScope {
  if (!request.workspace) throw unauthorized();
  return request.workspace;
}
