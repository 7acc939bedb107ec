import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';
import type { OutgoingEmail } from '../src/channels/types.js';
import { loadConfig, type Config } from '../src/config.js';
import { postgresDatabase, type Database, type Db } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import { campaignAudience, campaigns, campaignSenders, campaignSteps, lists, stepVariants, workspaces } from '../src/db/schema/index.js';
import { queryRows } from '../src/db/sql-helpers.js';
import { claimMessages } from '../src/engine/claim-messages.js';
import { enrollAudience } from '../src/engine/enroll.js';
import { createSmtpAccount } from '../src/modules/senders/senders.js';
import { trackingKeys } from '../src/modules/tracking/tokens.js';
import { spawnCli, type Spawned } from '../test/helpers/process.js';
import { cpuMs, dropDatabase, freshDatabase, peakRssMb, report } from './lib.js';
import { findSmtpSink, SMTP_SINK_HELP, startSmtpSink, type SmtpSink } from './smtp-sink.js';

const CONTACTS = Number(process.env.BENCH_CAMPAIGN_CONTACTS ?? 20_000);
const INBOXES = Number(process.env.BENCH_CAMPAIGN_INBOXES ?? 8);
/** Worker processes (`messagesender worker`), each one dispatcher loop. */
const WORKERS = Number(process.env.BENCH_CAMPAIGN_WORKERS ?? 2);
const PUBLIC_URL = 'https://app.bench.test';

// Personalisation as users write it: spintax, Liquid with fallbacks, a custom field, two links.
const SUBJECT = '{Quick question|A thought|Idea} for {{ company | default: "your team" }}';
const BODY_TEXT = `{Hi|Hello|Hey} {{ first_name | default: "there" }},

I saw {{ company | default: "your company" }} is growing in {{ city | default: "your area" }}. {Teams like yours|Companies your size} usually spend hours on outreach; we cut that to minutes.

Worth a 15-minute chat? Here is a demo: https://acme.test/demo?ref={{ company | url_encode }}

{Best|Cheers|Thanks},
{{ sender_name }}`;
const BODY_HTML = `<p>{Hi|Hello|Hey} {{ first_name | default: "there" }},</p>
<p>I saw <b>{{ company | default: "your company" }}</b> is growing in {{ city | default: "your area" }}. {Teams like yours|Companies your size} usually spend hours on outreach; we cut that to minutes.</p>
<p>Worth a 15-minute chat? Here is <a href="https://acme.test/demo?ref={{ company | url_encode }}">a short demo</a> and <a href="https://acme.test/pricing">our pricing</a>.</p>
<p>{Best|Cheers|Thanks},<br>{{ sender_name }}</p>`;

export function benchConfig(databaseUrl: string, secretsEnv: Record<string, string>): Config {
  return loadConfig({ NODE_ENV: 'development', DATABASE_URL: databaseUrl, DATA_DIR: mkdtempSync(join(tmpdir(), 'ms-bench-data-')), PUBLIC_URL, LOG_LEVEL: 'silent', ...secretsEnv });
}

interface Seeded {
  workspaceId: string;
  campaignId: string;
}

/**
 * A running single-step campaign with tracking, on inboxes pointing at the sink, caps lifted.
 * Contacts go in with one INSERT … SELECT generate_series; enrollment is the engine's own.
 * The campaign starts tomorrow, so nothing is due until the benchmark releases the queue.
 */
export async function seedSendCampaign(db: Db, config: Config, sinkPort: number): Promise<Seeded> {
  const [ws] = await db.insert(workspaces).values({ name: 'Bench Outreach', postalAddress: 'Acme Inc.\n1 Main St, Springfield, OR 97477' }).returning();
  const workspaceId = ws!.id;
  const senderIds: string[] = [];
  for (let i = 0; i < INBOXES; i++) {
    const email = `sender${i + 1}@acme.test`;
    const row = await createSmtpAccount(db, config.secrets, workspaceId, {
      email, fromName: `Sam Sender ${i + 1}`, signature: `Sam Sender\nAcme Inc.`,
      smtp: { host: '127.0.0.1', port: sinkPort, security: 'none', user: email, password: 'sink-accepts-anything' },
      imap: { host: '127.0.0.1', port: 1, secure: false, user: email, password: 'unused' },
      dailyCap: 10_000, minGapSeconds: 0, maxGapSeconds: 0,
    });
    senderIds.push(row.id);
  }
  // Every tenth contact has no first name, so the fallback is exercised too.
  await db.execute(sql`
    INSERT INTO contacts (workspace_id, email, first_name, last_name, company, title, custom)
    SELECT ${workspaceId}, 'lead' || g || '@prospect' || (g % 997) || '.test', CASE WHEN g % 10 = 0 THEN NULL ELSE 'First' || g END,
      'Last' || g, 'Prospect ' || (g % 997) || ' & Co', 'Head of Sales', jsonb_build_object('city', 'City ' || (g % 300), 'plan', 'pro')
    FROM generate_series(1, ${CONTACTS}) g`);
  const [list] = await db.insert(lists).values({ workspaceId, name: 'Bench leads' }).returning();
  await db.execute(sql`INSERT INTO list_members (list_id, contact_id) SELECT ${list!.id}, id FROM contacts WHERE workspace_id = ${workspaceId}`);
  const [campaign] = await db.insert(campaigns).values({
    workspaceId, name: 'Bench campaign', status: 'running', timezone: 'UTC', sendDays: [1, 2, 3, 4, 5, 6, 7], windowStartMinute: 0, windowEndMinute: 1440,
    trackOpens: true, trackClicks: true, dailyNewLimit: null, startAt: new Date(Date.now() + 86400_000), launchedAt: new Date(),
  }).returning();
  const campaignId = campaign!.id;
  await db.insert(campaignSenders).values(senderIds.map((senderId) => ({ campaignId, senderId })));
  await db.insert(campaignAudience).values({ campaignId, listId: list!.id });
  const [step] = await db.insert(campaignSteps).values({ campaignId, position: 1 }).returning();
  await db.insert(stepVariants).values({ stepId: step!.id, label: 'A', subject: SUBJECT, bodyText: BODY_TEXT, bodyHtml: BODY_HTML, weight: 1 });
  const enrolled = await enrollAudience({ db }, campaignId, new Date());
  if (enrolled !== CONTACTS) throw new Error(`enrolled ${enrolled} of ${CONTACTS}`);
  await db.execute(sql`ANALYZE`);
  return { workspaceId, campaignId };
}

/**
 * The baseline's input: every message exactly as the engine renders it (claimMessages → the
 * same variant pick, Liquid, spintax, tracking, footer, List-Unsubscribe headers and Message-IDs)
 * inside a transaction that is rolled back, turned into nodemailer options by the same builder.
 */
async function renderAll(db: Db, config: Config): Promise<Mail.Options[]> {
  const out: Mail.Options[] = [];
  const rollback = new Error('render only');
  const farFuture = new Date(Date.now() + 2 * 86400_000);
  await db.transaction(async (tx) => {
    for (;;) {
      const claimed = await claimMessages(tx as unknown as Db, { now: farFuture, workerId: 'render', limit: 1000, leaseMs: 60_000, publicUrl: config.publicUrl, keys: trackingKeys(config.secrets) });
      if (!claimed.length) break;
      for (const c of claimed) out.push(nodemailerOptions(c.composed.email));
    }
    throw rollback;
  }).catch((err) => {
    if (err !== rollback) throw err;
  });
  return out;
}

/** The rendered message as nodemailer's own options: the baseline lets nodemailer compose it, as a plain app would. */
function nodemailerOptions(email: OutgoingEmail): Mail.Options {
  return {
    from: { name: email.from.name ?? '', address: email.from.address },
    to: { name: email.to.name ?? '', address: email.to.address },
    subject: email.subject, text: email.text, html: email.html ?? undefined,
    messageId: email.messageId, inReplyTo: email.inReplyTo ?? undefined, references: email.references?.length ? email.references : undefined,
    headers: email.headers,
    envelope: { from: email.from.address, to: [email.to.address] },
  };
}

/** A bare nodemailer pooled transport (default maxConnections, one process) sending everything at once. */
async function bareLoop(messages: Mail.Options[], port: number): Promise<{ rate: number; cpuMsPerMessage: number }> {
  const transport = nodemailer.createTransport({ pool: true, host: '127.0.0.1', port, ignoreTLS: true, auth: { user: 'bare@acme.test', pass: 'sink-accepts-anything' }, logger: false });
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(messages.map((m) => transport.sendMail(m)));
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  transport.close();
  return { rate: messages.length / seconds, cpuMsPerMessage: (used.user + used.system) / 1000 / messages.length };
}

interface Counts {
  status: Record<string, number>;
  sentEvents: number;
}

async function countOutcomes(db: Db, campaignId: string): Promise<Counts> {
  const rows = await queryRows<{ status: string; n: number }>(db, sql`SELECT status, count(*)::int AS n FROM messages WHERE campaign_id = ${campaignId} GROUP BY status`);
  const [events] = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM contact_events WHERE campaign_id = ${campaignId} AND type = 'sent'`);
  return { status: Object.fromEntries(rows.map((r) => [r.status, r.n])), sentEvents: events!.n };
}

/**
 * Ours: WORKERS real `messagesender worker` processes (one dispatcher loop each) on the same
 * database. The clock starts when the queue is released (send_at = now, database time) and stops
 * at the last recorded result (the latest updated_at of a sent message, same clock).
 */
async function engineRun(url: string, db: Db, seeded: Seeded, secretsEnv: Record<string, string>): Promise<{ rate: number; seconds: number; rss: number[]; counts: Counts; workerCpuMs: number; databaseCpuMs: number }> {
  const workers: Spawned[] = [];
  try {
    // One after another, each ready (queues created, loop idling) before the queue is released.
    for (let i = 0; i < WORKERS; i++) {
      const worker = spawnCli('worker', {
        ...secretsEnv, DATABASE_URL: url, PUBLIC_URL, LOG_LEVEL: 'info', MIGRATE_ON_START: 'false', NODE_OPTIONS: process.env.BENCH_WORKER_NODE_OPTIONS,
        DATA_DIR: mkdtempSync(join(tmpdir(), 'ms-bench-worker-')),
        // How long an idle loop sleeps before looking again: bounds how late the first claim is.
        ENGINE_IDLE_MS: process.env.ENGINE_IDLE_MS ?? '10',
        ...(process.env.ENGINE_BATCH_SIZE && { ENGINE_BATCH_SIZE: process.env.ENGINE_BATCH_SIZE }),
        ...(process.env.ENGINE_CONCURRENCY && { ENGINE_CONCURRENCY: process.env.ENGINE_CONCURRENCY }),
      });
      workers.push(worker);
      await worker.waitFor(/sending engine started/, 120_000);
    }
    // CPU used while sending, by the workers and by the database server's sessions for this database.
    const backends = async () => (await queryRows<{ pid: number }>(db, sql`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`)).map((r) => r.pid);
    const cpuOf = (pids: number[]) => pids.reduce((sum, pid) => { try { return sum + cpuMs(pid); } catch { return sum; } }, 0);
    const databaseBefore = new Map((await backends()).map((pid) => [pid, cpuOf([pid])]));
    const workersBefore = cpuOf(workers.map((w) => w.child.pid!));
    const [{ t0 }] = (await queryRows<{ t0: Date }>(db, sql`
      WITH r AS (UPDATE messages SET send_at = now() WHERE campaign_id = ${seeded.campaignId} AND status = 'scheduled' RETURNING 1)
      SELECT now() AS t0, (SELECT count(*) FROM r) AS n`)) as [{ t0: Date }];
    for (;;) {
      await new Promise((r) => setTimeout(r, 100));
      const [open] = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM messages WHERE campaign_id = ${seeded.campaignId} AND status IN ('scheduled', 'sending')`);
      if (!open!.n) break;
      const dead = workers.find((w) => w.child.exitCode !== null);
      if (dead) throw new Error(`a worker exited:\n${dead.output()}`);
    }
    const [{ t1 }] = (await queryRows<{ t1: Date }>(db, sql`SELECT max(updated_at) AS t1 FROM messages WHERE campaign_id = ${seeded.campaignId} AND status = 'sent'`)) as [{ t1: Date }];
    const seconds = (new Date(t1).getTime() - new Date(t0).getTime()) / 1000;
    const counts = await countOutcomes(db, seeded.campaignId);
    const rss = workers.map((w) => peakRssMb(w.child.pid!));
    const workerCpuMs = cpuOf(workers.map((w) => w.child.pid!)) - workersBefore;
    // Sessions opened during the run count whole; one that closed during it is not seen (the pools keep theirs open).
    const databaseCpuMs = (await backends()).reduce((sum, pid) => sum + cpuOf([pid]) - (databaseBefore.get(pid) ?? 0), 0);
    const failures = workers.flatMap((w) => w.output().split('\n').filter((l) => /"level":(50|60)/.test(l)));
    if (failures.length) console.log(`worker errors:\n${failures.slice(0, 5).join('\n')}`);
    return { rate: (counts.status.sent ?? 0) / seconds, seconds, rss, counts, workerCpuMs, databaseCpuMs };
  } finally {
    for (const w of workers) w.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
  }
}

export async function benchCampaignSend() {
  console.log(`# campaign engine: ${CONTACTS.toLocaleString()}-contact single-step campaign into smtp-sink (${INBOXES} inboxes, ${WORKERS} worker processes, PostgreSQL)\n`);
  const sinkBinary = findSmtpSink();
  if (!sinkBinary) {
    console.log(`skipped: ${SMTP_SINK_HELP}\n`);
    return;
  }
  const url = await freshDatabase('bench_send');
  let database: Database | null = null;
  let sink: SmtpSink | null = null;
  try {
    database = postgresDatabase(url, { max: 4 });
    await migrate(database.sql);
    const secretsEnv = {
      JWT_ACCESS_SECRET: randomBytes(48).toString('base64url'),
      JWT_REFRESH_SECRET: randomBytes(48).toString('base64url'),
      ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    };
    const config = benchConfig(url, secretsEnv);
    sink = await startSmtpSink(sinkBinary);
    const seeded = await seedSendCampaign(database.db, config, sink.port);

    const rendered = await renderAll(database.db, config);
    if (rendered.length !== CONTACTS) throw new Error(`rendered ${rendered.length} of ${CONTACTS}`);
    // The baseline runs before and after ours (the machine is shared; load drifts) and counts as their mean.
    const bare = async () => {
      const before = sink!.accepted();
      const { rate, cpuMsPerMessage } = await bareLoop(rendered, sink!.port);
      await new Promise((r) => setTimeout(r, 200));
      return { rate, cpuMsPerMessage, accepted: sink!.accepted() - before };
    };
    const bareBefore = await bare();
    const beforeOurs = sink.accepted();
    const ours = await engineRun(url, database.db, seeded, secretsEnv);
    await new Promise((r) => setTimeout(r, 200));
    const oursAccepted = sink.accepted() - beforeOurs;
    const bareAfter = await bare();
    const bareRate = (bareBefore.rate + bareAfter.rate) / 2;
    const bareAccepted = Math.min(bareBefore.accepted, bareAfter.accepted);
    const sent = ours.counts.status.sent ?? 0;
    const ok = sent === CONTACTS && ours.counts.sentEvents === CONTACTS && oursAccepted === CONTACTS && bareAccepted === CONTACTS;
    report(
      `campaign send, ${CONTACTS.toLocaleString()} messages (personalised, open+click tracking, List-Unsubscribe, footer)`,
      { label: `${WORKERS} × messagesender worker: claim → render → SMTP → record, first claim to last recorded result`, value: ours.rate, unit: 'msg/s' },
      { label: `bare nodemailer pool (one process, default maxConnections) sending the same rendered messages; mean of ${bareBefore.rate.toFixed(0)} before and ${bareAfter.rate.toFixed(0)} after ours`, value: bareRate, unit: 'msg/s' },
      {
        'ours wall time': `${ours.seconds.toFixed(2)} s`,
        'message statuses': JSON.stringify(ours.counts.status),
        "'sent' events": ours.counts.sentEvents,
        'smtp-sink accepted (ours / each baseline run)': `${oursAccepted} / ${bareBefore.accepted}, ${bareAfter.accepted}`,
        'all accounted for': ok ? 'yes' : 'NO',
        'worker peak RSS': ours.rss.map((mb) => `${mb} MB`).join(', '),
        // CPU per message does not depend on how busy the machine is, unlike messages/s.
        'CPU per message': `ours ${(ours.workerCpuMs / CONTACTS).toFixed(2)} ms in the workers + ${(ours.databaseCpuMs / CONTACTS).toFixed(2)} ms in PostgreSQL; baseline ${((bareBefore.cpuMsPerMessage + bareAfter.cpuMsPerMessage) / 2).toFixed(2)} ms`,
      },
    );
    if (!ok) process.exitCode = 1;
  } finally {
    await sink?.stop();
    await database?.close();
    await dropDatabase(url);
  }
}
