/**
 * The worker side of bench/scheduler-scale.ts, run as its own process so the memory figures are
 * a worker's alone: claimMessages (the engine's batch claim) CLAIMS times with batch BATCH,
 * interleaved with the bare SKIP LOCKED select the benchmark compares it with, each timed.
 * Prints one JSON line with the latencies and the process's memory.
 */
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { postgresDatabase } from '../src/db/client.js';
import { claimMessages } from '../src/engine/claim-messages.js';
import { trackingKeys } from '../src/modules/tracking/tokens.js';
import { peakRssMb, rssMb } from './lib.js';

const url = process.env.DATABASE_URL!;
const CLAIMS = Number(process.env.BENCH_SCALE_CLAIMS ?? 200);
const BATCH = Number(process.env.BENCH_SCALE_BATCH ?? 100);
const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
// The pool size a worker process opens (src/db/client.ts default).
const database = postgresDatabase(url);
const bare = new pg.Client({ connectionString: url });
await bare.connect();
const keys = trackingKeys(config.secrets);

const BARE_CLAIM = `SELECT id, campaign_id, enrollment_id, contact_id, step_position, sender_id, send_at FROM messages
  WHERE status = 'scheduled' AND send_at <= now() ORDER BY send_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`;

const rssAtStart = rssMb(process.pid);
const ours: number[] = [];
const baseline: number[] = [];
let claimed = 0;
let rssMax = rssAtStart;
for (let i = 0; i < CLAIMS; i++) {
  let t0 = performance.now();
  const batch = await claimMessages(database.db, { now: new Date(), workerId: 'scale-bench', limit: BATCH, leaseMs: 300_000, publicUrl: config.publicUrl, keys });
  ours.push(performance.now() - t0);
  claimed += batch.length;

  t0 = performance.now();
  await bare.query('BEGIN');
  const rows = await bare.query(BARE_CLAIM);
  await bare.query('COMMIT');
  baseline.push(performance.now() - t0);
  if (rows.rowCount !== BATCH) throw new Error(`bare claim found ${rows.rowCount} rows`);
  rssMax = Math.max(rssMax, rssMb(process.pid));
}
await bare.end();
await database.close();
process.stdout.write(JSON.stringify({ ours, baseline, claimed, rssAtStart, rssMax, rssAtEnd: rssMb(process.pid), peakRss: peakRssMb(process.pid) }) + '\n');
