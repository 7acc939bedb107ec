import type { FastifyInstance } from 'fastify';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { startJobs } from '../../src/engine/jobs.js';
import { startWorker } from '../../src/engine/worker.js';
import { createMailer } from '../../src/lib/mailer.js';
import { WEB_DIST_DIR } from '../../src/lib/paths.js';
import type { Deps } from '../../src/http/context.js';
import { createLogger, type Logger } from '../../src/lib/logger.js';
import { createTestDatabase, type TestDatabase } from './db.js';

export const testSecretsEnv = () => ({
  JWT_ACCESS_SECRET: randomBytes(48).toString('base64url'),
  JWT_REFRESH_SECRET: randomBytes(48).toString('base64url'),
  ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
});

export interface TestApp {
  app: FastifyInstance;
  deps: Deps;
  testDb: TestDatabase;
  close(): Promise<void>;
}

/**
 * The real app on a real (per-file) database; requests go through app.inject.
 * `log` replaces the (silent) logger, e.g. one writing into an array to inspect what gets logged;
 * `worker: true` also runs the background handlers (imports, system mail) in this process;
 * `web: true` serves the built web app.
 */
export async function createTestApp(opts: { env?: Record<string, string>; supervise?: boolean; log?: Logger; worker?: boolean; web?: boolean } = {}): Promise<TestApp> {
  const testDb = await createTestDatabase();
  const config: Config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'ms-data-')),
    PUBLIC_URL: 'http://app.test',
    ...testSecretsEnv(),
    ...opts.env,
  });
  const log = opts.log ?? createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const jobs = await startJobs(testDb.database, { connectionString: testDb.url, log, supervise: opts.supervise ?? opts.worker ?? false });
  const deps: Deps = { config, database: testDb.database, db: testDb.database.db, log, jobs };
  const worker = opts.worker ? await startWorker(deps, createMailer({ smtpUrl: null, from: config.mailFrom, log, production: false })) : null;
  const app = await buildApp(deps, { webDistDir: opts.web ? WEB_DIST_DIR : join(tmpdir(), 'ms-no-web') });
  await app.ready();
  return {
    app,
    deps,
    testDb,
    async close() {
      await app.close();
      await worker?.stop();
      await jobs.stop({ graceful: false, timeoutMs: 2000 });
      await testDb.drop();
    },
  };
}
