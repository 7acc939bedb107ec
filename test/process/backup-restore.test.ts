import { afterAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import pg from 'pg';
import { loadConfig, type Config } from '../../src/config.js';
import { openPglite, postgresDatabase, type Database } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';
import { countRows, type BackupManifest } from '../../src/db/backup/manifest.js';
import { restoreBackup } from '../../src/db/backup/restore-backup.js';
import { startJobs } from '../../src/engine/jobs.js';
import { createLogger } from '../../src/lib/logger.js';
import { openSecret, type SenderRow } from '../../src/modules/senders/senders.js';
import { testSecretsEnv } from '../helpers/app.js';
import { seedCampaign } from '../helpers/campaign-fixture.js';
import { createTestDatabase, engineName, TEST_DATABASE_URL, type TestDatabase } from '../helpers/db.js';
import { spawnCli } from '../helpers/process.js';

/**
 * The operator's backup and restore, through the real CLI: a seeded database is backed up, the
 * backup is restored into an empty database, and the copy has the same rows in every table and
 * the same records (including credentials that still open with the install's keys). Restore
 * refuses a database that is not empty and a payload that does not match its checksum.
 */

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

/** A new, empty PostgreSQL database on the test server (no migrations: restore must do it all). */
async function emptyPostgres(): Promise<string> {
  const name = `t_restore_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL! });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  cleanups.push(async () => {
    const c = new pg.Client({ connectionString: TEST_DATABASE_URL! });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  });
  const url = new URL(TEST_DATABASE_URL!);
  url.pathname = `/${name}`;
  return url.toString();
}

async function snapshot(database: Database, config: Config, campaignId: string) {
  const { rows: contacts } = await database.sql.query<{ email: string; first_name: string }>('SELECT email, first_name FROM contacts ORDER BY email');
  const { rows: campaigns } = await database.sql.query<{ name: string; status: string }>('SELECT name, status FROM campaigns WHERE id = $1', [campaignId]);
  const senders = (await database.db.query.senderAccounts.findMany()) as SenderRow[];
  const { rows: jobs } = await database.sql.query<{ name: string; data: unknown }>(`SELECT name, data FROM pgboss.job WHERE name = 'system-mail'`);
  return {
    counts: await countRows((text) => database.sql.query(text)),
    contacts,
    campaigns,
    passwords: senders.map((s) => openSecret(config.secrets, s, 'smtpPasswordEnc')).sort(),
    jobs: jobs.map((j) => j.data),
  };
}

describe(`backup and restore (${engineName})`, () => {
  it('restores every row and record into an empty database, and refuses a non-empty one and a damaged file', async () => {
    const work = mkdtempSync(join(tmpdir(), 'ms-backup-'));
    const outDir = join(work, 'backups');
    const sourceDir = join(work, 'source');
    const targetDir = join(work, 'target');
    const secretsEnv = engineName === 'postgres' ? testSecretsEnv() : {};
    let sourceEnv: Record<string, string>;
    let targetEnv: Record<string, string>;
    let source: Database;
    let testDb: TestDatabase | null = null;
    if (engineName === 'postgres') {
      testDb = await createTestDatabase();
      cleanups.push(() => testDb!.drop());
      source = testDb.database;
      sourceEnv = { DATABASE_URL: testDb.url!, ...secretsEnv };
      targetEnv = { DATABASE_URL: await emptyPostgres(), ...secretsEnv };
    } else {
      source = await openPglite(sourceDir);
      await migrate(source.sql);
      sourceEnv = { DATA_DIR: sourceDir };
      targetEnv = { DATA_DIR: targetDir };
    }
    // Embedded installs keep generated secrets in DATA_DIR; the backup must carry them.
    const sourceConfig = loadConfig({ NODE_ENV: 'test', DATA_DIR: sourceDir, ...sourceEnv });
    const seeded = await seedCampaign({ db: source.db, config: sourceConfig }, { smtpPort: 2525, inboxes: 2, contacts: 25 });
    // Text beyond ASCII survives the gzip/psql stream byte for byte.
    await source.sql.query('INSERT INTO contacts (workspace_id, email, first_name) VALUES ($1, $2, $3)', [seeded.workspaceId, 'zoe@prospect.test', 'Zoë Ångström 日本語 🚀'.repeat(400)]);
    const jobs = await startJobs(source, { connectionString: testDb?.url ?? null, log: createLogger('silent'), supervise: false });
    await jobs.send('system-mail', { to: 'queued@example.test', subject: 'still queued', text: 'survives the restore' });
    await jobs.stop({ graceful: false, timeoutMs: 1000 });
    const before = await snapshot(source, sourceConfig, seeded.campaignId);
    expect(before.counts['public.contacts']).toBe(26);
    expect(before.counts['public.sender_accounts']).toBe(2);
    if (engineName === 'pglite') await source.close();

    const backup = spawnCli('backup', { NODE_ENV: 'test', ...sourceEnv }, ['--out', outDir]);
    expect(await backup.exited, backup.output()).toBe(0);
    const manifestPath = /backup written: (\S+)/.exec(backup.output())![1]!;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as BackupManifest;
    expect(manifest.engine).toBe(engineName);
    expect(manifest.payload.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.tables).toEqual(before.counts);
    expect(manifest.migrations.length).toBeGreaterThan(5);
    expect(readdirSync(outDir).filter((f) => f.endsWith('.partial'))).toEqual([]);
    if (engineName === 'pglite') expect(manifest.secrets?.file).toMatch(/\.secrets\.json$/);

    const restore = spawnCli('restore', { NODE_ENV: 'test', ...targetEnv }, [manifestPath]);
    expect(await restore.exited, restore.output()).toBe(0);
    expect(restore.output()).toMatch(/row counts match the manifest/);

    const targetConfig = loadConfig({ NODE_ENV: 'test', DATA_DIR: targetDir, ...targetEnv });
    const target = engineName === 'postgres' ? postgresDatabase(targetEnv.DATABASE_URL!, { max: 2 }) : await openPglite(targetDir);
    const after = await snapshot(target, targetConfig, seeded.campaignId).finally(() => target.close());
    expect(after.counts).toEqual(before.counts);
    expect(after.contacts).toEqual(before.contacts);
    expect(after.campaigns).toEqual([{ name: 'Q4 outreach', status: 'running' }]);
    // Credentials sealed before the backup still open after it: the keys came along (or stayed in the env).
    expect(after.passwords).toEqual(['sender-password', 'sender-password']);
    expect(after.jobs).toEqual(before.jobs);

    // A second restore into the now non-empty database is refused and changes nothing.
    const again = spawnCli('restore', { NODE_ENV: 'test', ...targetEnv }, [manifestPath]);
    expect(await again.exited).toBe(1);
    expect(again.output()).toMatch(/refusing to restore into .*(not empty|already holds a database)/);

    // A payload damaged by one byte is refused before anything is loaded.
    const damaged = join(work, 'damaged');
    copyFileSync(manifestPath, join(work, basename(manifestPath)));
    const payload = readFileSync(join(outDir, manifest.payload.file));
    const middle = Math.floor(payload.length / 2);
    payload[middle] = payload[middle]! ^ 0xff;
    writeFileSync(join(work, manifest.payload.file), payload);
    const emptyTarget = engineName === 'postgres' ? { databaseUrl: await emptyPostgres(), dataDir: damaged } : { databaseUrl: null, dataDir: damaged };
    await expect(restoreBackup(emptyTarget, join(work, basename(manifestPath)))).rejects.toThrow(/does not match its checksum/);
    if (engineName === 'pglite') expect(existsSync(join(damaged, 'pg'))).toBe(false);
    else {
      const check = new pg.Client({ connectionString: emptyTarget.databaseUrl! });
      await check.connect();
      const { rows } = await check.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`);
      await check.end();
      expect(rows[0].n).toBe(0);
    }
  }, 240_000);
});
