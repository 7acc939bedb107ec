import type { FastifyInstance } from 'fastify';
import { pendingMigrations } from '../../db/migrate.js';
import { registerEngineGauges } from '../../engine/engine-gauges.js';
import { exposition, type Metrics } from '../../lib/metrics.js';
import { AppError } from '../../lib/problems.js';
import { safeEqual } from '../../lib/tokens.js';
import { sendProblem } from '../../http/errors.js';

export async function healthRoutes(app: FastifyInstance, opts: { metrics: Metrics }) {
  const { deps } = app;
  registerEngineGauges(opts.metrics.registry, deps.db);

  app.get('/health', { schema: { tags: ['operations'], summary: 'Liveness: the process answers' } }, async () => ({ status: 'ok' }));

  app.get('/health/ready', { schema: { tags: ['operations'], summary: 'Readiness: database reachable and migrations applied' } }, async (_request, reply) => {
    const checks: Record<string, string> = {};
    try {
      await deps.database.sql.query('SELECT 1');
      checks.database = 'ok';
      const pending = await pendingMigrations(deps.database.sql);
      checks.migrations = pending.length ? `pending: ${pending.join(', ')}` : 'ok';
    } catch (err) {
      checks.database = `unreachable: ${(err as Error).message}`;
    }
    const ready = Object.values(checks).every((v) => v === 'ok') && checks.migrations !== undefined;
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', checks });
  });

  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    const token = deps.config.metricsToken;
    if (token) {
      const presented = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
      if (!safeEqual(presented, token)) return sendProblem(request, reply, new AppError(401, 'unauthorized', 'GET /metrics needs "Authorization: Bearer <METRICS_TOKEN>".'));
    }
    const all = exposition(opts.metrics.registry);
    return reply.type(all.contentType).send(await all.text());
  });
}
