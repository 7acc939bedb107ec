import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per app instance, so tests that build several apps do not collide. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'messagesender_' });
  const httpDuration = new Histogram({
    name: 'messagesender_http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const httpErrors = new Counter({
    name: 'messagesender_http_errors_total',
    help: 'HTTP responses with status >= 500 by route',
    labelNames: ['method', 'route'] as const,
    registers: [registry],
  });
  return { registry, httpDuration, httpErrors };
}

export type Metrics = ReturnType<typeof createMetrics>;
