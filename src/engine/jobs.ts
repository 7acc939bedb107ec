import PgBoss from 'pg-boss';
import type { Database } from '../db/client.js';
import type { Logger } from '../lib/logger.js';
import { countJob } from './metrics.js';

/** Every background queue the product uses; each is created at start so sends never race it. */
export const QUEUES = ['system-mail', 'contact-import', 'inbound-poll', 'messenger-events', 'messenger-broadcast', 'campaign-tick'] as const;
export type QueueName = (typeof QUEUES)[number];

export interface Jobs {
  boss: PgBoss;
  send(queue: QueueName, data: object, options?: PgBoss.SendOptions): Promise<string | null>;
  work<T extends object>(queue: QueueName, handler: (data: T, job: PgBoss.Job<T>) => Promise<void>): Promise<void>;
  stop(opts?: { graceful?: boolean; timeoutMs?: number }): Promise<void>;
}

/**
 * pg-boss speaks to the same database as everything else. On PostgreSQL it gets its own small
 * pool; on PGlite it shares our single connection through its `db.executeSql` hook.
 */
function bossOptions(database: Database, connectionString: string | null): PgBoss.ConstructorOptions {
  const common = { schema: 'pgboss' } as const;
  if (database.kind === 'postgres' && connectionString) return { ...common, connectionString, max: 4, application_name: 'messagesender-jobs' };
  const pglite = database.pglite!;
  return {
    ...common,
    db: {
      async executeSql(text: string, values?: unknown[]) {
        if (values && values.length) return { rows: (await pglite.query(text, values)).rows };
        // Without parameters pg-boss may send several statements (its own migrations).
        const results = await pglite.exec(text);
        return { rows: results.at(-1)?.rows ?? [] };
      },
    },
  };
}

/** Any fixed key shared by every process: "someone is creating queues". */
const QUEUE_LOCK_KEY = 7_411_020_002;

/**
 * pg-boss creates a partition per queue; processes starting at once deadlock on those DDL
 * statements (and on pg-boss's own start-up maintenance), so start-up and queue creation take
 * turns under an advisory lock, skip existing queues, and a deadlock still reported by
 * PostgreSQL (40P01) is simply tried again.
 */
async function startAndCreateQueues(database: Database, boss: PgBoss) {
  await database.sql.withConnection(async (conn) => {
    await conn.query('SELECT pg_advisory_lock($1)', [QUEUE_LOCK_KEY]);
    try {
      await boss.start();
      const existing = new Set((await boss.getQueues()).map((q) => q.name));
      for (const queue of QUEUES) {
        if (!existing.has(queue)) await retryOnDeadlock(() => boss.createQueue(queue, { name: queue, retryLimit: 5, retryDelay: 10, retryBackoff: true, expireInSeconds: 300 }));
      }
    } finally {
      await conn.query('SELECT pg_advisory_unlock($1)', [QUEUE_LOCK_KEY]);
    }
  });
}

async function retryOnDeadlock<T>(fn: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if ((err as { code?: string }).code !== '40P01' || i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 100 * i));
    }
  }
}

export async function startJobs(
  database: Database,
  opts: { connectionString: string | null; log: Logger; supervise: boolean },
): Promise<Jobs> {
  const boss = new PgBoss({ ...bossOptions(database, opts.connectionString), supervise: opts.supervise, schedule: opts.supervise });
  boss.on('error', (err) => opts.log.error({ err }, 'job system error'));
  await startAndCreateQueues(database, boss);

  return {
    boss,
    send: (queue, data, options) => boss.send(queue, data, options ?? {}),
    async work(queue, handler) {
      await boss.work(queue, { pollingIntervalSeconds: 0.5, batchSize: 1 }, async (jobs) => {
        for (const job of jobs) {
          const started = Date.now();
          try {
            await handler(job.data as never, job as never);
            countJob(queue, 'completed', (Date.now() - started) / 1000);
            opts.log.info({ queue, jobId: job.id, ms: Date.now() - started }, 'job done');
          } catch (err) {
            countJob(queue, 'failed', (Date.now() - started) / 1000);
            opts.log.warn({ queue, jobId: job.id, err }, 'job failed; pg-boss will retry');
            throw err;
          }
        }
      });
    },
    stop: ({ graceful = true, timeoutMs = 10000 } = {}) => boss.stop({ graceful, timeout: timeoutMs, wait: true }),
  };
}
