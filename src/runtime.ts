import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { browsableHost, type Config } from './config.js';
import { openDatabase, type Database } from './db/client.js';
import { lockDataDir } from './db/datadir-lock.js';
import { migrate } from './db/migrate.js';
import { startJobs, type Jobs } from './engine/jobs.js';
import { startWorker, type Worker } from './engine/worker.js';
import type { Deps } from './http/context.js';
import type { Logger } from './lib/logger.js';
import { createMailer, type Mailer } from './lib/mailer.js';
import { startMetricsServer } from './lib/metrics-server.js';

export type Role = 'all' | 'serve' | 'worker';

export interface Running {
  app: FastifyInstance | null;
  deps: Deps;
  url: string | null;
  stop(): Promise<void>;
}

/**
 * Starts the product in one of its shapes: everything in one process (the default, works on the
 * embedded database), the API alone, or the background worker alone (both need PostgreSQL).
 */
export async function startRuntime(config: Config, log: Logger, role: Role): Promise<Running> {
  if (role !== 'all' && !config.databaseUrl) {
    throw new Error(`"${role}" runs as a separate process and needs DATABASE_URL (PostgreSQL); the embedded database is single-process: use "start"`);
  }
  const release = config.databaseUrl ? () => {} : lockDataDir(config.dataDir);
  let database: Database | null = null;
  let jobs: Jobs | null = null;
  let mailer: Mailer | null = null;
  let app: FastifyInstance | null = null;
  let worker: Worker | null = null;
  let metricsServer: Awaited<ReturnType<typeof startMetricsServer>> | null = null;
  try {
    database = await openDatabase(config);
    if (config.migrateOnStart) {
      const applied = await migrate(database.sql);
      if (applied.length) log.info({ applied }, 'migrations applied');
    }
    jobs = await startJobs(database, { connectionString: config.databaseUrl, log, supervise: role !== 'serve' });
    const deps: Deps = { config, database, db: database.db, log, jobs };
    mailer = createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, log, production: config.env === 'production' });
    if (role !== 'serve') worker = await startWorker(deps, mailer);
    // The API serves /metrics itself; a lone worker needs its own small listener for it.
    if (role === 'worker' && config.metricsPort) {
      metricsServer = await startMetricsServer({ host: config.host, port: config.metricsPort, token: config.metricsToken });
      log.info({ port: metricsServer.port }, 'worker metrics and health listening');
    }
    let url: string | null = null;
    if (role !== 'worker') {
      app = await buildApp(deps);
      await app.listen({ host: config.host, port: config.port });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      url = `http://${browsableHost(config.host)}:${port}`;
    }
    const opened = { database, jobs, mailer, app, worker, metricsServer };
    return {
      app,
      deps,
      url,
      async stop() {
        // Order matters: stop taking requests, let in-flight jobs finish, then close the database.
        await opened.app?.close();
        await opened.worker?.stop();
        await opened.metricsServer?.close();
        await opened.jobs.stop({ graceful: true, timeoutMs: Math.max(1000, config.shutdownTimeoutMs - 2000) });
        opened.mailer.close();
        await opened.database.close();
        release();
      },
    };
  } catch (err) {
    await app?.close().catch(() => {});
    await worker?.stop().catch(() => {});
    await metricsServer?.close().catch(() => {});
    await jobs?.stop({ graceful: false, timeoutMs: 1000 }).catch(() => {});
    await database?.close().catch(() => {});
    release();
    throw err;
  }
}
