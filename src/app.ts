import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import multipart from '@fastify/multipart';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import './lib/validation.js';
import type { Deps } from './http/context.js';
import { registerAccessControl } from './http/access.js';
import { registerErrorHandling, sendProblem } from './http/errors.js';
import { lazyChildLogger } from './http/lazy-child-logger.js';
import { registerOpenApiCollector, registerOpenApiRoutes } from './http/openapi.js';
import { registerSecurity } from './http/security.js';
import { registerHttpMetrics } from './lib/metrics.js';
import { AppError } from './lib/problems.js';
import { WEB_DIST_DIR } from './lib/paths.js';
import { adminRoutes } from './modules/admin/routes.js';
import { apiKeyRoutes } from './modules/api-keys/routes.js';
import { auditRoutes } from './modules/audit/routes.js';
import { authRoutes } from './modules/auth/routes.js';
import { billingRoutes } from './modules/billing/routes.js';
import { stripeWebhookRoutes } from './modules/billing/webhook-routes.js';
import { campaignRoutes } from './modules/campaigns/routes.js';
import { importRoutes } from './modules/contacts/import/routes.js';
import { inboxRoutes } from './modules/inbox/routes.js';
import { contactRoutes } from './modules/contacts/routes.js';
import { suppressionRoutes } from './modules/contacts/suppression-routes.js';
import { senderRoutes } from './modules/senders/routes.js';
import { messengerRoutes } from './modules/messenger/routes.js';
import { broadcastRoutes } from './modules/messenger/broadcasts/routes.js';
import { messengerWebhookRoutes } from './modules/messenger/webhook-routes.js';
import { taskRoutes } from './modules/tasks/routes.js';
import { healthRoutes } from './modules/health/routes.js';
import { trackingRoutes } from './modules/tracking/routes.js';
import { workspaceRoutes } from './modules/workspaces/routes.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Builds the HTTP app from its plugins and domain modules; main.ts and tests both call this. */
export async function buildApp(deps: Deps, opts: { webDistDir?: string } = {}): Promise<FastifyInstance> {
  const { config } = deps;
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy as boolean | string,
    // Honour an upstream request id (nginx, a load balancer) when it is sane; otherwise mint one.
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    routerOptions: { ignoreTrailingSlash: true },
    childLoggerFactory: lazyChildLogger,
  });
  app.decorate('deps', deps);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // Callback-style hooks here and below: an async hook costs a promise per request on every route.
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    done(null, payload);
  });
  registerErrorHandling(app);

  const metrics = registerHttpMetrics(app);

  await registerOpenApiCollector(app, config.publicUrl);
  // Provider webhooks (Facebook, Stripe) come server to server, authenticated by a body
  // signature. They live beside, not inside, the browser-facing context below, so they never run
  // its plugins' hooks (cookies, CSRF, helmet, CORS, rate limits, sessions): a busy page delivers
  // thousands a second, and none of that applies to them.
  await app.register(async (webhooks) => {
    await webhooks.register(messengerWebhookRoutes);
    if (config.billing) await webhooks.register(stripeWebhookRoutes);
  }, { prefix: '/api/v1' });

  // Everything a browser or an API client reaches, with the plugins that serve them.
  await app.register(async (site) => {
    const security = await registerSecurity(site, config);
    site.addHook('onClose', () => security.close());
    registerAccessControl(site, deps);
    await registerOpenApiRoutes(site);
    await site.register(healthRoutes, { metrics });
    // Unsubscribe, open and click links in sent mail: outside /api/v1, on any host.
    await site.register(trackingRoutes);

    await site.register(async (api) => {
      await api.register(authRoutes);
      await api.register(workspaceRoutes);
      await api.register(apiKeyRoutes);
      await api.register(auditRoutes);
      await api.register(adminRoutes);
      await api.register(contactRoutes);
      // The two CSV uploads stream multipart bodies. The plugin adds hooks to every request in its
      // scope, so only these routes get it (on every route it measured ~15% of a webhook's cost).
      // Per-route limits (file size, one file) are set where the file is read.
      await api.register(async (uploads) => {
        await uploads.register(multipart, { limits: { files: 1, fields: 20, fieldSize: 64 * 1024 } });
        await uploads.register(importRoutes);
        await uploads.register(suppressionRoutes);
      });
      await api.register(taskRoutes);
      await api.register(senderRoutes);
      await api.register(messengerRoutes);
      await api.register(broadcastRoutes);
      await api.register(campaignRoutes);
      await api.register(inboxRoutes);
      // Self-hosted (no STRIPE_SECRET_KEY): no billing routes at all, so they answer 404.
      if (config.billing) {
        await api.register(billingRoutes);
      }
    }, { prefix: '/api/v1' });

    await registerWebApp(site, opts.webDistDir ?? WEB_DIST_DIR);
  });
  return app;
}

/** Serves the built SPA; any unknown GET outside the API gets index.html so client routes work. */
async function registerWebApp(app: FastifyInstance, dir: string) {
  const built = existsSync(join(dir, 'index.html'));
  // wildcard: files are looked up per request, so a rebuilt web app is served without a restart.
  if (built) {
    await app.register(fastifyStatic, { root: dir, wildcard: true, index: false, cacheControl: false });
    // The static handler would answer "/" as a directory (403); the app shell lives there.
    app.get('/', { schema: { hide: true } }, (_request, reply) => reply.header('cache-control', 'no-cache').sendFile('index.html'));
  }
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    const wantsPage = request.method === 'GET' && !path.startsWith('/api/') && !/\.[a-z0-9]+$/i.test(path);
    if (!wantsPage) return sendProblem(request, reply, new AppError(404, 'not-found', `No route for ${request.method} ${path}.`));
    if (!built) return reply.status(503).type('text/plain').send('The web app is not built yet: run `npm run build:web` (npm start does this for you).');
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
  if (built) {
    app.addHook('onSend', (request, reply, payload, done) => {
      // Hashed assets never change; cache them for a year.
      if (request.url.startsWith('/assets/')) reply.header('cache-control', 'public, max-age=31536000, immutable');
      done(null, payload);
    });
  }
}
