import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { postgresDatabase } from '../../src/db/client.js';
import { listMigrations, migrate } from '../../src/db/migrate.js';
import { engineName, TEST_DATABASE_URL } from '../helpers/db.js';
import { spawnCli } from '../helpers/process.js';

/**
 * Several processes starting at once against one fresh PostgreSQL database all migrate it; the
 * advisory lock makes them take turns, so every migration is applied exactly once and nobody
 * fails on a half-created schema. (The embedded database is single-process: the data-directory
 * lock, tested in runtime.test.ts, already keeps a second process out.)
 */

const dropped: string[] = [];
async function freshDatabase(): Promise<string> {
  const name = `t_migrate_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL! });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  dropped.push(name);
  const url = new URL(TEST_DATABASE_URL!);
  url.pathname = `/${name}`;
  return url.toString();
}

afterAll(async () => {
  if (!dropped.length) return;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL! });
  await admin.connect();
  for (const name of dropped) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
});

async function appliedRows(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<{ tag: string }>('SELECT tag FROM schema_migrations ORDER BY tag')).rows.map((r) => r.tag);
  } finally {
    await c.end();
  }
}

const all = listMigrations().map((m) => m.tag);

describe.skipIf(engineName !== 'postgres')(`concurrent migrations (${engineName}; the embedded database is single-process, so this runs on PostgreSQL only)`, () => {
  it('six migrate() calls on separate connections at once apply each migration exactly once', async () => {
    const url = await freshDatabase();
    const databases = Array.from({ length: 6 }, () => postgresDatabase(url, { max: 1 }));
    try {
      const results = await Promise.all(databases.map((d) => migrate(d.sql)));
      // Exactly one caller applied everything; the others found nothing left to do.
      expect(results.flat().sort()).toEqual([...all].sort());
      expect(results.filter((r) => r.length > 0)).toHaveLength(1);
    } finally {
      await Promise.all(databases.map((d) => d.close()));
    }
    expect(await appliedRows(url)).toEqual([...all].sort());
  });

  it('three `messagesender migrate` processes started together all succeed on one fresh database', async () => {
    const url = await freshDatabase();
    const processes = Array.from({ length: 3 }, () => spawnCli('migrate', { NODE_ENV: 'test', DATABASE_URL: url }));
    const codes = await Promise.all(processes.map((p) => p.exited));
    expect(codes, processes.map((p) => p.output()).join('\n---\n')).toEqual([0, 0, 0]);
    const outputs = processes.map((p) => p.output());
    expect(outputs.filter((o) => o.startsWith('applied: '))).toHaveLength(1);
    expect(outputs.filter((o) => o.startsWith('database is up to date'))).toHaveLength(2);
    expect(await appliedRows(url)).toEqual([...all].sort());
  }, 120_000);
});
