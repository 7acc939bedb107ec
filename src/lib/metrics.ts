import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Two kinds of metrics. Per-app HTTP metrics live in a registry per built app (tests build
 * several apps in one process). Process-wide metrics (runtime, sending engine, jobs) live in one
 * registry per process, because the engine and the job runner are process-wide; `/metrics`
 * serves both, and a `worker` serves the process registry on METRICS_PORT.
 */
export function createMetrics() {
  const registry = new Registry();
  const httpDuration = new Histogram({
    name: 'messagesender_http_request_duration_seconds',
    help: 'HTTP request latency by route pattern, method and status (its _count is the request rate)',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const httpErrors = new Counter({
    name: 'messagesender_http_errors_total',
    help: 'HTTP responses with status >= 500 by route pattern',
    labelNames: ['method', 'route'] as const,
    registers: [registry],
  });
  const webhooks = new Counter({
    name: 'messagesender_webhooks_received_total',
    help: 'Provider webhook deliveries (Facebook, Stripe…) by provider and HTTP status answered',
    labelNames: ['provider', 'status'] as const,
    registers: [registry],
  });
  return { registry, httpDuration, httpErrors, webhooks };
}

export type Metrics = ReturnType<typeof createMetrics>;

const WEBHOOK_ROUTE = /^\/api\/v1\/webhooks\/([a-z0-9-]+)$/;

/** Times every response by its route pattern (never the raw URL: ids would explode the series). */
export function registerHttpMetrics(app: FastifyInstance): Metrics {
  const metrics = createMetrics();
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const status = String(reply.statusCode);
    metrics.httpDuration.observe({ method: request.method, route, status }, reply.elapsedTime / 1000);
    if (reply.statusCode >= 500) metrics.httpErrors.inc({ method: request.method, route });
    const webhook = request.method === 'POST' ? WEBHOOK_ROUTE.exec(route) : null;
    if (webhook) metrics.webhooks.inc({ provider: webhook[1]!, status });
    done();
  });
  return metrics;
}

function createProcessMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'messagesender_' });
  return {
    registry,
    engineMessages: new Counter({
      name: 'messagesender_engine_messages_total',
      help: 'Send attempts by result (sent, transient, rate_limited, permanent, auth) and channel (smtp, gmail, outlook)',
      labelNames: ['result', 'channel'] as const,
      registers: [registry],
    }),
    engineClaimDuration: new Histogram({
      name: 'messagesender_engine_claim_duration_seconds',
      help: 'Time one claim transaction takes (locks, pacing, rendering)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    engineClaimed: new Counter({
      name: 'messagesender_engine_claimed_total',
      help: 'Messages claimed for sending by this process',
      registers: [registry],
    }),
    engineRoundErrors: new Counter({
      name: 'messagesender_engine_round_errors_total',
      help: 'Dispatch rounds that failed (database errors); the loop retries after its idle pause',
      registers: [registry],
    }),
    jobs: new Counter({
      name: 'messagesender_jobs_total',
      help: 'Background jobs handled by queue and outcome (completed, failed)',
      labelNames: ['queue', 'outcome'] as const,
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: 'messagesender_job_duration_seconds',
      help: 'Background job run time by queue',
      labelNames: ['queue'] as const,
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
      registers: [registry],
    }),
  };
}

let processMetricsInstance: ReturnType<typeof createProcessMetrics> | null = null;

/** The process-wide metrics, created on first use. */
export function processMetrics() {
  processMetricsInstance ??= createProcessMetrics();
  return processMetricsInstance;
}

export type ProcessMetrics = ReturnType<typeof processMetrics>;

/** A gauge whose value comes from a query at scrape time, cached so frequent scrapes stay cheap. */
export function cachedGauge<L extends string>(opts: {
  registry: Registry;
  name: string;
  help: string;
  labelNames: readonly L[];
  ttlMs: number;
  read: () => Promise<{ labels: Record<L, string>; value: number }[]>;
}) {
  let cached: { at: number; rows: { labels: Record<L, string>; value: number }[] } | null = null;
  return new Gauge<L>({
    name: opts.name,
    help: opts.help,
    labelNames: opts.labelNames,
    registers: [opts.registry],
    async collect() {
      if (!cached || Date.now() - cached.at > opts.ttlMs) {
        // A failed read shows as no series (absent() alerts catch that) rather than a stale value.
        const rows = await opts.read().catch(() => []);
        cached = { at: Date.now(), rows };
      }
      this.reset();
      for (const row of cached.rows) this.set(row.labels as Partial<Record<L, string | number>>, row.value);
    },
  });
}

/** Everything /metrics shows: this app's HTTP series plus the process-wide ones. */
export function exposition(...registries: Registry[]) {
  const merged = Registry.merge([...registries, processMetrics().registry]);
  return { contentType: merged.contentType, text: () => merged.metrics() };
}
