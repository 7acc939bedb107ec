import { PGlite } from '@electric-sql/pglite';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import { PGLITE_OPTIONS, pgliteDatabase, postgresDatabase, type Database } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';

export interface TestDatabase {
  database: Database;
  /** postgres:// URL of this file's own database, or null on PGlite. */
  url: string | null;
  drop(): Promise<void>;
}

/** Which engine this run uses: TEST_DATABASE_URL switches every DB test to that PostgreSQL server. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || null;
export const engineName = TEST_DATABASE_URL ? 'postgres' : 'pglite';

/** A fresh, migrated database for one test file: its own PostgreSQL database, or a PGlite copy. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (!TEST_DATABASE_URL) {
    const dump = readFileSync(inject('pgliteDump'));
    const pglite = new PGlite({ ...PGLITE_OPTIONS, loadDataDir: new Blob([dump]) });
    await pglite.waitReady;
    const database = pgliteDatabase(pglite);
    return { database, url: null, drop: () => database.close() };
  }
  const name = `t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  const database = postgresDatabase(url.toString(), { max: 5 });
  await migrate(database.sql);
  return {
    database,
    url: url.toString(),
    async drop() {
      await database.close();
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
