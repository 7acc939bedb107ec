import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { postgresDatabase } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import { PROJECT_ROOT } from '../src/lib/paths.js';
import { dropDatabase, freshDatabase, percentile, report } from './lib.js';

const ENROLLMENTS = Number(process.env.BENCH_SCALE_ENROLLMENTS ?? 1_000_000);
const SENDERS = Number(process.env.BENCH_SCALE_SENDERS ?? 5_000);
const CLAIMS = Number(process.env.BENCH_SCALE_CLAIMS ?? 200);
const BATCH = Number(process.env.BENCH_SCALE_BATCH ?? 100);
/** Inboxes per campaign; every inbox belongs to one campaign, five campaigns per workspace. */
const INBOXES_PER_CAMPAIGN = 10;
const CAMPAIGNS_PER_WORKSPACE = 5;

const SUBJECT = '{Quick question|Idea} for {{ company | default: "your team" }}';
const BODY = '{Hi|Hello} {{ first_name | default: "there" }},\n\nWorth a chat about {{ company }}? https://acme.test/demo\n\n{{ sender_name }}';

/**
 * Many tenants at once: SENDERS inboxes in SENDERS/10 running campaigns (5 per workspace), each
 * campaign enrolling its workspace's contacts, ENROLLMENTS enrollments with one due message each.
 * Due times are spread over the last hour, so a batch of due messages spans many campaigns and
 * locks many inboxes — the scheduler's hard case. Caps are lifted (daily cap 10,000, no gaps) so
 * every claim claims a full batch. Everything is generated in the database (generate_series).
 */
export async function seedScale(client: pg.Client) {
  const campaignsN = Math.max(1, Math.floor(SENDERS / INBOXES_PER_CAMPAIGN));
  const workspacesN = Math.ceil(campaignsN / CAMPAIGNS_PER_WORKSPACE);
  const contactsPerWorkspace = Math.ceil(ENROLLMENTS / campaignsN);
  const step = async (label: string, text: string, params: unknown[] = []) => {
    const t0 = performance.now();
    const r = await client.query(text, params);
    console.log(`  ${label}: ${r.rowCount ?? 0} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  };
  console.log(`seeding ${workspacesN} workspaces, ${campaignsN * INBOXES_PER_CAMPAIGN} inboxes, ${campaignsN} campaigns, ${(workspacesN * contactsPerWorkspace).toLocaleString()} contacts, ${(campaignsN * contactsPerWorkspace).toLocaleString()} enrollments`);
  // Deterministic ids (md5 of a label) let each statement find the rows of the one before.
  await step('workspaces', `INSERT INTO workspaces (id, name, postal_address)
    SELECT md5('w' || w)::uuid, 'Tenant ' || w, 'Tenant ' || w || ' Inc., 1 Main St' FROM generate_series(1, $1) w`, [workspacesN]);
  await step('sender accounts', `INSERT INTO sender_accounts (id, workspace_id, kind, email, from_name, sending_domain, daily_cap, min_gap_seconds, max_gap_seconds,
      smtp_host, smtp_port, smtp_security, smtp_user, imap_host, imap_port, imap_secure, imap_user)
    SELECT md5('s' || s)::uuid, md5('w' || ((s - 1) / ${INBOXES_PER_CAMPAIGN * CAMPAIGNS_PER_WORKSPACE} + 1))::uuid, 'smtp', 'inbox' || s || '@tenant.test', 'Inbox ' || s, 'tenant.test',
      10000, 0, 0, '127.0.0.1', 2525, 'none', 'inbox' || s, '127.0.0.1', 1, false, 'inbox' || s
    FROM generate_series(1, $1) s`, [campaignsN * INBOXES_PER_CAMPAIGN]);
  await step('sender pacing', `INSERT INTO sender_pacing (sender_id, next_send_at) SELECT id, now() - interval '1 day' FROM sender_accounts`);
  await step('campaigns', `INSERT INTO campaigns (id, workspace_id, name, status, timezone, send_days, window_start_minute, window_end_minute, track_opens, track_clicks, launched_at)
    SELECT md5('c' || c)::uuid, md5('w' || ((c - 1) / ${CAMPAIGNS_PER_WORKSPACE} + 1))::uuid, 'Campaign ' || c, 'running', 'UTC', '{1,2,3,4,5,6,7}', 0, 1440, true, true, now()
    FROM generate_series(1, $1) c`, [campaignsN]);
  await step('campaign senders', `INSERT INTO campaign_senders (campaign_id, sender_id)
    SELECT md5('c' || ((s - 1) / ${INBOXES_PER_CAMPAIGN} + 1))::uuid, md5('s' || s)::uuid FROM generate_series(1, $1) s`, [campaignsN * INBOXES_PER_CAMPAIGN]);
  await step('steps', `INSERT INTO campaign_steps (id, campaign_id, position) SELECT md5('st' || c)::uuid, md5('c' || c)::uuid, 1 FROM generate_series(1, $1) c`, [campaignsN]);
  await step('variants', `INSERT INTO step_variants (step_id, label, subject, body_text) SELECT md5('st' || c)::uuid, 'A', $2, $3 FROM generate_series(1, $1) c`, [campaignsN, SUBJECT, BODY]);
  await step('contacts', `INSERT INTO contacts (id, workspace_id, email, first_name, company)
    SELECT md5('k' || w || '-' || k)::uuid, md5('w' || w)::uuid, 'lead' || k || '@prospect' || (k % 500) || '.w' || w || '.test',
      CASE WHEN k % 10 = 0 THEN NULL ELSE 'First' || k END, 'Prospect ' || (k % 500)
    FROM generate_series(1, $1) w, generate_series(1, $2) k`, [workspacesN, contactsPerWorkspace]);
  await step('enrollments', `INSERT INTO enrollments (workspace_id, campaign_id, contact_id)
    SELECT md5('w' || ((c - 1) / ${CAMPAIGNS_PER_WORKSPACE} + 1))::uuid, md5('c' || c)::uuid, md5('k' || ((c - 1) / ${CAMPAIGNS_PER_WORKSPACE} + 1) || '-' || k)::uuid
    FROM generate_series(1, $1) c, generate_series(1, $2) k`, [campaignsN, contactsPerWorkspace]);
  await step('messages', `INSERT INTO messages (workspace_id, campaign_id, enrollment_id, contact_id, step_position, step_id, send_at)
    SELECT e.workspace_id, e.campaign_id, e.id, e.contact_id, 1, s.id, now() - random() * interval '1 hour'
    FROM enrollments e JOIN campaign_steps s ON s.campaign_id = e.campaign_id AND s.position = 1`);
  await step('analyze', 'ANALYZE');
}

function runClaims(url: string): Promise<{ ours: number[]; baseline: number[]; claimed: number; rssAtStart: number; rssMax: number; rssAtEnd: number; peakRss: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/scheduler-claims.ts'], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: url, PUBLIC_URL: 'https://app.bench.test', NODE_ENV: 'development',
      JWT_ACCESS_SECRET: randomBytes(48).toString('base64url'), JWT_REFRESH_SECRET: randomBytes(48).toString('base64url'), ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      BENCH_SCALE_CLAIMS: String(CLAIMS), BENCH_SCALE_BATCH: String(BATCH),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => child.on('exit', (code) => {
    const line = out.split('\n').find((l) => l.startsWith('{'));
    if (code !== 0 || !line) reject(new Error(`claim worker exited ${code}:\n${out}`));
    else resolve(JSON.parse(line));
  }));
}

export async function benchSchedulerScale() {
  console.log(`# scheduler scale: ${SENDERS.toLocaleString()} inboxes, ${ENROLLMENTS.toLocaleString()} enrollments; ${CLAIMS} batch claims of ${BATCH} (PostgreSQL)\n`);
  const url = await freshDatabase('bench_scale');
  try {
    const database = postgresDatabase(url, { max: 1 });
    await migrate(database.sql);
    await database.close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await seedScale(client);
    } finally {
      await client.end();
    }
    const r = await runClaims(url);
    const extra = {
      // Caps are lifted, so anything short of a full batch is the claim deferring work it could do.
      'messages claimed': `${r.claimed.toLocaleString()} of ${(CLAIMS * BATCH).toLocaleString()} asked (${(r.claimed / CLAIMS).toFixed(1)} per claim)`,
      'worker RSS': `${r.rssAtStart} MB before the first claim, ${r.rssMax} MB at most while claiming, ${r.rssAtEnd} MB after (peak ${r.peakRss} MB)`,
    };
    report(`batch claim p50 (${BATCH} of ${ENROLLMENTS.toLocaleString()} due)`,
      { label: 'claimMessages: locks, stop rules, window, caps, rotation, render, mark sending', value: percentile(r.ours, 50), unit: 'ms' },
      { label: 'bare SELECT … ORDER BY send_at LIMIT n FOR UPDATE SKIP LOCKED in a transaction', value: percentile(r.baseline, 50), unit: 'ms' }, extra);
    report(`batch claim p99 (${BATCH} of ${ENROLLMENTS.toLocaleString()} due)`,
      { label: 'claimMessages', value: percentile(r.ours, 99), unit: 'ms' },
      { label: 'bare SKIP LOCKED select', value: percentile(r.baseline, 99), unit: 'ms' });
  } finally {
    await dropDatabase(url);
  }
}
