import { PGlite } from '@electric-sql/pglite';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { PGLITE_OPTIONS, pgliteDatabase } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';
import { startJobs } from '../../src/engine/jobs.js';
import { createLogger } from '../../src/lib/logger.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteDump: string;
  }
}

/**
 * Initialising PGlite costs seconds; migrating once and handing every test file a copy of the
 * migrated data dir (with pg-boss's schema too) keeps each file's setup well under a second.
 */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'ms-test-'));
  const pglite = new PGlite(PGLITE_OPTIONS);
  const database = pgliteDatabase(pglite);
  await migrate(database.sql);
  const jobs = await startJobs(database, { connectionString: null, log: createLogger('silent'), supervise: false });
  await jobs.stop({ graceful: false, timeoutMs: 1000 });
  const dump = await pglite.dumpDataDir('none');
  const file = join(dir, 'migrated.tar');
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await pglite.close();
  project.provide('pgliteDump', file);
  return () => rmSync(dir, { recursive: true, force: true });
}
