import { spawnSync } from 'node:child_process';
import { Redis } from 'ioredis';
import nodemailer from 'nodemailer';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openDatabase, type Database } from './db/client.js';
import { pendingMigrations } from './db/migrate.js';
import { DataDirInUseError, lockDataDir } from './db/datadir-lock.js';
import { configChecklist, formatCheck, type CheckResult } from './lib/production-checklist.js';

export interface DoctorReport {
  ok: boolean;
  lines: string[];
}

/** Messages due longer than this with nothing sending them suggest no worker is running. */
const STALE_QUEUE_MINUTES = 10;

const withTimeout = <T>(promise: Promise<T>, ms: number, what: string) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms).unref())]);

/**
 * `messagesender doctor`: the start-up guardrails, then the production checklist item by item
 * (configuration, database and migrations, Redis, SMTP, backup tooling, workers). Prints one line
 * per item (ok / WARN / FAIL) and fails when any item fails.
 */
export async function runDoctor(env: Record<string, string | undefined> = process.env): Promise<DoctorReport> {
  const lines: string[] = [];
  let config: Config;
  try {
    config = loadConfig(env);
    lines.push(`ok   configuration (${config.env}, secrets from ${config.secretsSource === 'env' ? 'environment' : 'data directory'})`);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const p of err.problems) lines.push(`FAIL ${p}`);
    return { ok: false, lines };
  }
  const checks: CheckResult[] = configChecklist(config);
  checks.push(...(await liveChecks(config)));
  lines.push(...checks.map(formatCheck));
  return { ok: checks.every((c) => c.status !== 'fail'), lines };
}

async function liveChecks(config: Config): Promise<CheckResult[]> {
  const checks: CheckResult[] = [];
  checks.push(...(await databaseChecks(config)));
  if (config.redisUrl) checks.push(await redisCheck(config.redisUrl));
  if (config.smtpUrl) checks.push(await smtpCheck(config.smtpUrl));
  return checks;
}

async function databaseChecks(config: Config): Promise<CheckResult[]> {
  let release = () => {};
  if (!config.databaseUrl) {
    try {
      release = lockDataDir(config.dataDir);
    } catch (err) {
      if (!(err instanceof DataDirInUseError)) throw err;
      // The running server holds the embedded database; its /health/ready reports the migrations.
      return [{ item: 'database', status: 'ok', detail: `embedded database in ${config.dataDir} is open in process ${err.pid}; check GET /health/ready for migrations` }];
    }
  }
  let database: Database;
  try {
    database = await openDatabase(config);
  } catch (err) {
    release();
    return [{ item: 'database', status: 'fail', detail: (err as Error).message }];
  }
  const checks: CheckResult[] = [];
  try {
    const { rows } = await withTimeout(database.sql.query<{ version: string }>("SELECT current_setting('server_version_num') AS version"), 10_000, 'the database');
    checks.push({ item: 'database reachable', status: 'ok', detail: `${database.kind === 'postgres' ? 'PostgreSQL' : 'embedded PostgreSQL'} ${formatVersion(rows[0]!.version)}` });
    const pending = await pendingMigrations(database.sql);
    checks.push(pending.length
      ? { item: 'migrations pending', status: 'fail', detail: `${pending.join(', ')} (run \`messagesender migrate\`)` }
      : { item: 'migrations', status: 'ok', detail: 'all applied' });
    if (database.kind === 'postgres') checks.push(backupToolCheck(Math.floor(Number(rows[0]!.version) / 10000)));
    else checks.push({ item: 'backups', status: 'ok', detail: '`messagesender backup` dumps the data directory (stop the server first)' });
    if (!pending.length) checks.push(await queueCheck(database));
  } catch (err) {
    checks.push({ item: 'database', status: 'fail', detail: (err as Error).message });
  } finally {
    await database.close();
    release();
  }
  return checks;
}

const formatVersion = (num: string) => `${Math.floor(Number(num) / 10000)}.${Number(num) % 10000}`;

/** pg_dump refuses servers newer than itself: backups need a client at least as new as the server. */
function backupToolCheck(serverMajor: number): CheckResult {
  const result = spawnSync('pg_dump', ['--version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) return { item: 'backups', status: 'warn', detail: 'pg_dump is not installed here: `messagesender backup` needs the PostgreSQL client (the container image has it)' };
  const clientMajor = Number(/(\d+)(\.\d+)?/.exec(result.stdout)?.[1] ?? 0);
  if (clientMajor < serverMajor) return { item: 'backups', status: 'warn', detail: `pg_dump ${clientMajor} cannot dump a PostgreSQL ${serverMajor} server: install client ${serverMajor} or later` };
  return { item: 'backups', status: 'ok', detail: `pg_dump ${clientMajor} can dump this PostgreSQL ${serverMajor} server (\`messagesender backup\`)` };
}

async function queueCheck(database: Database): Promise<CheckResult> {
  const { rows } = await database.sql.query<{ n: number; minutes: number | null }>(
    `SELECT count(*)::int AS n, extract(epoch FROM now() - min(send_at))::float8 / 60 AS minutes FROM messages WHERE status = 'scheduled' AND send_at <= now() - make_interval(mins => $1)`,
    [STALE_QUEUE_MINUTES]);
  const { n, minutes } = rows[0]!;
  if (!n) return { item: 'workers', status: 'ok', detail: `no message has waited more than ${STALE_QUEUE_MINUTES} minutes past its send time` };
  return { item: 'workers', status: 'warn', detail: `${n} messages are overdue by up to ${Math.round(minutes ?? 0)} minutes: is a \`worker\` (or \`start\`) process running?` };
}

async function redisCheck(url: string): Promise<CheckResult> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  redis.on('error', () => {});
  try {
    await withTimeout(redis.connect().then(() => redis.ping()), 5000, 'Redis');
    return { item: 'redis', status: 'ok', detail: 'REDIS_URL answers PING' };
  } catch (err) {
    return { item: 'redis', status: 'fail', detail: `REDIS_URL does not answer: ${(err as Error).message}` };
  } finally {
    redis.disconnect();
  }
}

async function smtpCheck(url: string): Promise<CheckResult> {
  const transport = nodemailer.createTransport({ url, connectionTimeout: 5000, greetingTimeout: 5000, socketTimeout: 5000 });
  try {
    await withTimeout(transport.verify(), 15_000, 'the SMTP server');
    return { item: 'smtp', status: 'ok', detail: 'SMTP_URL accepts a connection and the login' };
  } catch (err) {
    return { item: 'smtp', status: 'fail', detail: `SMTP_URL: ${(err as Error).message}` };
  } finally {
    transport.close();
  }
}
