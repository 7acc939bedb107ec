import { spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import pg from 'pg';
import { spawnCli } from '../test/helpers/process.js';
import { PROJECT_ROOT } from '../src/lib/paths.js';
import { cpuMs, dropDatabase, freshDatabase, percentile, report } from './lib.js';

const SECONDS = Number(process.env.BENCH_WEBHOOK_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_WEBHOOK_ROUNDS ?? 7);
/**
 * Concurrent deliveries. A durable commit costs a few milliseconds (a WAL flush), so a closed loop
 * with few connections measures that latency rather than how many deliveries a second the app can
 * take; Facebook delivers over many connections at once.
 */
const CONNECTIONS = Number(process.env.BENCH_WEBHOOK_CONNECTIONS ?? 128);
const WARMUP_SECONDS = 2;
const APP_SECRET = randomBytes(24).toString('hex');
const PAGE_ID = '104857600000001';

/** One signed delivery as Facebook sends it: a page entry with one message event, a fresh mid each (so every one is stored). */
function delivery(i: number): { body: Buffer; signature: string } {
  const now = Date.now();
  const body = Buffer.from(JSON.stringify({
    object: 'page',
    entry: [{ id: PAGE_ID, time: now, messaging: [{ sender: { id: `7${String(i % 5000).padStart(15, '0')}` }, recipient: { id: PAGE_ID }, timestamp: now, message: { mid: `m_bench_${randomBytes(12).toString('base64url')}_${i}`, text: `Hello, is the blue bike still available? (${i})` } }] }],
  }));
  return { body, signature: `sha256=${createHmac('sha256', APP_SECRET).update(body).digest('hex')}` };
}

/** A port nobody listens on right now (the app is started on it, so a quiet log level still tells us where it is). */
const freePort = () => new Promise<number>((resolve) => {
  const srv = createServer().listen(0, '127.0.0.1', () => {
    const { port } = srv.address() as { port: number };
    srv.close(() => resolve(port));
  });
});

async function waitReady(url: string, exited: Promise<unknown>) {
  let gone = false;
  void exited.then(() => (gone = true));
  for (const started = Date.now(); Date.now() - started < 120_000 && !gone;) {
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the app did not become ready');
}

interface LoadResult { perSecond: number; ok: number; errors: number; latencies: number[] }

/**
 * A closed-loop load: CONNECTIONS keep-alive connections each POST one pre-signed delivery after
 * another for `seconds` (signing happens before the clock starts). Counts 200s per second.
 */
async function load(url: string, seconds: number, deliveries: { body: Buffer; signature: string }[], start: number): Promise<LoadResult & { next: number }> {
  const target = new URL('/api/v1/webhooks/facebook', url);
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  let next = start;
  let ok = 0;
  let errors = 0;
  const latencies: number[] = [];
  const until = performance.now() + seconds * 1000;
  const post = (d: { body: Buffer; signature: string }) => new Promise<number>((resolve) => {
    const req = request(target, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': d.body.length, 'x-hub-signature-256': d.signature } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end(d.body);
  });
  const started = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    while (performance.now() < until) {
      const d = deliveries[next++ % deliveries.length]!;
      const t0 = performance.now();
      const status = await post(d);
      latencies.push(performance.now() - t0);
      if (status === 200) ok++;
      else errors++;
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  return { perSecond: ok / elapsed, ok, errors, latencies, next };
}

/**
 * Issue 6 "Performance": signed Messenger webhook POSTs per second through the real app
 * (`messagesender serve` on PostgreSQL: signature check, every event persisted in webhook_events
 * before the 200) beside a bare Fastify route that only verifies the signature, same machine,
 * same load, same run. Target: at least 0.7× the bare route.
 */
interface Target { url: string; pid: number; runs: LoadResult[]; cpuMs: number }

const median = (xs: number[]) => percentile(xs, 50);

export async function benchWebhookIngest() {
  console.log(`# webhook ingest: ${CONNECTIONS} keep-alive connections, ${ROUNDS} alternating rounds of ${SECONDS} s per server (after ${WARMUP_SECONDS} s warm-up each)\n`);
  const deliveries = Array.from({ length: 50_000 }, (_, i) => delivery(i));

  const bareProc = spawn(process.execPath, ['--import', 'tsx', 'bench/webhook-bare-server.ts'], { cwd: PROJECT_ROOT, env: { ...process.env, FACEBOOK_APP_SECRET: APP_SECRET }, stdio: ['ignore', 'pipe', 'inherit'] });
  const dbUrl = await freshDatabase('bench_webhook');
  const port = await freePort();
  const app = spawnCli('serve', {
    DATABASE_URL: dbUrl, PORT: String(port), PUBLIC_URL: 'http://127.0.0.1', NODE_ENV: 'development',
    FACEBOOK_APP_ID: '1234567890', FACEBOOK_APP_SECRET: APP_SECRET, FACEBOOK_VERIFY_TOKEN: 'bench',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info', NODE_OPTIONS: process.env.BENCH_SERVE_NODE_OPTIONS,
  });
  try {
    const bareUrl = await new Promise<string>((resolve, reject) => {
      let out = '';
      bareProc.stdout!.on('data', (d) => {
        out += d;
        const m = /listening at (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      bareProc.on('exit', (code) => reject(new Error(`bare server exited (${code}): ${out}`)));
    });
    const ourUrl = `http://127.0.0.1:${port}`;
    await waitReady(ourUrl, app.exited).catch((err: Error) => {
      throw new Error(`${err.message}:\n${app.output()}`);
    });
    const ours: Target = { url: ourUrl, pid: app.child.pid!, runs: [], cpuMs: 0 };
    const bare: Target = { url: bareUrl, pid: bareProc.pid!, runs: [], cpuMs: 0 };
    // Other work on the machine comes and goes: alternating short rounds expose both servers to the same conditions.
    let next = 0;
    for (const target of [bare, ours]) next = (await load(target.url, WARMUP_SECONDS, deliveries, next)).next;
    // The PostgreSQL backends serving the app: their CPU is part of the cost of a stored delivery. The pool
    // closes idle connections between rounds, so backends are listed before and after each round.
    const db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    const backendCpu = async () => {
      const { rows } = await db.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
      const out = new Map<number, number>();
      for (const { pid } of rows) {
        try {
          out.set(pid, cpuMs(pid));
        } catch {
          // Gone since the query.
        }
      }
      return out;
    };
    let pgCpu = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const target of round % 2 ? [ours, bare] : [bare, ours]) {
        const cpu = cpuMs(target.pid);
        const pgBefore = target === ours ? await backendCpu() : new Map<number, number>();
        const r = await load(target.url, SECONDS, deliveries, next);
        target.cpuMs += cpuMs(target.pid) - cpu;
        if (target === ours) for (const [pid, ms] of await backendCpu()) pgCpu += ms - (pgBefore.get(pid) ?? 0);
        target.runs.push(r);
        next = r.next;
      }
    }

    const { rows: [row] } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM webhook_events WHERE source = 'facebook'");
    await db.end();
    const acked = (t: Target) => t.runs.reduce((a, r) => a + r.ok, 0);
    const all = (t: Target) => t.runs.flatMap((r) => r.latencies);
    const rates = (t: Target) => t.runs.map((r) => r.perSecond.toFixed(0)).join(', ');
    report('Messenger webhook ingest (signed POSTs acknowledged per second, median of the rounds)', {
      label: 'POST /api/v1/webhooks/facebook: signature, event stored in webhook_events before the 200 (serve, PostgreSQL)', value: median(ours.runs.map((r) => r.perSecond)), unit: 'req/s',
    }, {
      label: 'bare Fastify route, signature check only, no persistence', value: median(bare.runs.map((r) => r.perSecond)), unit: 'req/s',
    }, {
      'rounds ours': rates(ours),
      'rounds bare': rates(bare),
      'p50 / p99 ours': `${percentile(all(ours), 50).toFixed(1)} / ${percentile(all(ours), 99).toFixed(1)} ms`,
      'p50 / p99 bare': `${percentile(all(bare), 50).toFixed(1)} / ${percentile(all(bare), 99).toFixed(1)} ms`,
      'non-200 answers': `${ours.runs.reduce((a, r) => a + r.errors, 0)} ours, ${bare.runs.reduce((a, r) => a + r.errors, 0)} bare`,
      'events stored': `${row!.n} (every delivery acknowledged, warm-up included)`,
      'server CPU per delivery': `${(ours.cpuMs / Math.max(1, acked(ours))).toFixed(3)} ms ours + ${(pgCpu / Math.max(1, acked(ours))).toFixed(3)} ms in its PostgreSQL backends, ${(bare.cpuMs / Math.max(1, acked(bare))).toFixed(3)} ms bare`,
      target: '≥ 0.70',
    });
  } finally {
    bareProc.kill('SIGTERM');
    app.child.kill('SIGTERM');
    await app.exited;
    await dropDatabase(dbUrl);
  }
}
