import type { FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import csrf from '@fastify/csrf-protection';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { AppError } from '../lib/problems.js';

/** The CSP the web app runs under: our own scripts only, no inline script, no third parties. */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'https:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  frameAncestors: ["'none'"],
  formAction: ["'self'"],
  baseUri: ["'self'"],
  objectSrc: ["'none'"],
};

export async function registerSecurity(app: FastifyInstance, config: Config): Promise<{ close(): Promise<void> }> {
  const production = config.env === 'production';
  await app.register(cookie);
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: 'ms_csrf',
    cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, secure: production, signed: false },
    getToken: (request) => request.headers['x-csrf-token'] as string | undefined,
  });
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: { ...CONTENT_SECURITY_POLICY, ...(production ? { upgradeInsecureRequests: [] } : {}) } },
    // HSTS only where TLS is in front of us.
    hsts: production ? { maxAge: 31536000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
  });
  await app.register(cors, {
    origin: config.corsOrigins.length ? config.corsOrigins : false,
    credentials: true,
    methods: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'],
    allowedHeaders: ['content-type', 'authorization', 'x-csrf-token', 'x-workspace-id', 'x-request-id'],
    exposedHeaders: ['x-request-id', 'retry-after'],
    maxAge: 600,
  });
  // Counters live in Redis when there is one, so every API instance shares them.
  const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false }) : null;
  redis?.on('error', (err) => app.log.warn({ err: err.message }, 'redis error (rate limits fall back to deny-safe behaviour)'));
  await app.register(rateLimit, {
    global: true,
    max: 600,
    timeWindow: '1 minute',
    ...(redis ? { redis, nameSpace: 'ms-rl:' } : {}),
    skipOnError: true,
    allowList: (request) => request.url === '/health' || request.url === '/health/ready',
    errorResponseBuilder: (_request, context) => {
      const seconds = Math.max(1, Math.ceil(context.ttl / 1000));
      return new AppError(429, 'rate-limited', `Too many requests; try again in ${seconds} seconds.`, undefined, { retryAfter: seconds }, { 'retry-after': String(seconds) });
    },
  });
  return { close: async () => void (await redis?.quit().catch(() => undefined)) };
}
