import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync, copyFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import pg from 'pg';
import { SECRETS_FILE } from '../../config.js';
import { openPglite } from '../client.js';
import { appliedMigrations } from '../migrate.js';
import { countRows, MANIFEST_SUFFIX, sha256File, type BackupManifest } from './manifest.js';
import { runPgTool } from './pg-tools.js';

export interface BackupTarget {
  databaseUrl: string | null;
  dataDir: string;
  /** Copy DATA_DIR/secrets.json too (embedded installs whose secrets were generated there). */
  dataDirSecrets: boolean;
  appVersion: string;
}

const stamp = (at: Date) => at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

/**
 * Writes one consistent backup into `outDir` and returns its manifest path. PostgreSQL: pg_dump
 * (plain SQL, no owners or grants, so it loads into any role) inside a snapshot exported from a
 * repeatable-read transaction, the same snapshot the row counts are read in. Embedded: the data
 * directory dump, taken while this process holds the data-directory lock (the server is stopped).
 * Files appear under their final names only when complete.
 */
export async function createBackup(target: BackupTarget, outDir: string, now = new Date()): Promise<{ manifestPath: string; manifest: BackupManifest }> {
  mkdirSync(outDir, { recursive: true, mode: 0o700 });
  const engine = target.databaseUrl ? 'postgres' : 'pglite';
  const stem = `messagesender-${engine}-${stamp(now)}`;
  const payloadName = `${stem}${engine === 'postgres' ? '.sql.gz' : '.tar.gz'}`;
  const payloadPath = join(outDir, payloadName);
  if (existsSync(payloadPath)) throw new Error(`${payloadPath} already exists`);
  const partial = `${payloadPath}.partial`;
  try {
    const taken = target.databaseUrl ? await dumpPostgres(target.databaseUrl, partial) : await dumpPglite(target.dataDir, partial);
    renameSync(partial, payloadPath);
    let secrets: BackupManifest['secrets'] = null;
    if (!target.databaseUrl && target.dataDirSecrets && existsSync(join(target.dataDir, SECRETS_FILE))) {
      const file = `${stem}.secrets.json`;
      copyFileSync(join(target.dataDir, SECRETS_FILE), join(outDir, file));
      chmodSync(join(outDir, file), 0o600);
      secrets = { file, sha256: await sha256File(join(outDir, file)) };
    }
    const manifest: BackupManifest = {
      format: 'messagesender-backup', version: 1, engine, createdAt: now.toISOString(), appVersion: target.appVersion,
      migrations: taken.migrations,
      payload: { file: payloadName, bytes: statSync(payloadPath).size, sha256: await sha256File(payloadPath) },
      secrets,
      tables: taken.tables,
    };
    const manifestPath = join(outDir, `${stem}${MANIFEST_SUFFIX}`);
    writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n', { mode: 0o600 });
    return { manifestPath, manifest };
  } finally {
    rmSync(partial, { force: true });
  }
}

async function dumpPostgres(databaseUrl: string, file: string) {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'messagesender-backup' });
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const { rows } = await client.query<{ snapshot: string }>('SELECT pg_export_snapshot() AS snapshot');
    const tables = await countRows((text) => client.query(text));
    const migrations = [...(await appliedMigrations(client))].sort();
    const dump = runPgTool('pg_dump', ['--format=plain', '--no-owner', '--no-privileges', `--snapshot=${rows[0]!.snapshot}`], databaseUrl);
    dump.child.stdin.end();
    await Promise.all([pipeline(dump.child.stdout, createGzip(), createWriteStream(file, { mode: 0o600 })), dump.done]);
    await client.query('COMMIT');
    return { tables, migrations };
  } finally {
    await client.end();
  }
}

async function dumpPglite(dataDir: string, file: string) {
  const database = await openPglite(dataDir);
  try {
    const tables = await countRows((text) => database.sql.query(text));
    const migrations = [...(await appliedMigrations(database.sql))].sort();
    const dump = await database.pglite!.dumpDataDir('gzip');
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()), { mode: 0o600 });
    return { tables, migrations };
  } finally {
    await database.close();
  }
}
