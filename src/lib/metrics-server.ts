import { createServer, type Server } from 'node:http';
import { exposition } from './metrics.js';
import { safeEqual } from './tokens.js';

/**
 * A `worker` has no API, yet Prometheus wants its engine and job metrics and an orchestrator
 * wants a liveness probe: GET /metrics (behind METRICS_TOKEN when set) and GET /health.
 */
export async function startMetricsServer(opts: { host: string; port: number; token: string | null }): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (req.method === 'GET' && path === '/metrics') {
      const presented = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      if (opts.token && !safeEqual(presented, opts.token)) {
        res.writeHead(401, { 'content-type': 'text/plain' }).end('GET /metrics needs "Authorization: Bearer <METRICS_TOKEN>".\n');
        return;
      }
      const all = exposition();
      all.text().then(
        (text) => res.writeHead(200, { 'content-type': all.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, resolve);
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : opts.port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
