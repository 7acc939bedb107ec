import { PGlite } from '@electric-sql/pglite';
import { copyFileSync, chmodSync, createReadStream, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import pg from 'pg';
import { SECRETS_FILE } from '../../config.js';
import { PGLITE_OPTIONS } from '../client.js';
import { BackupError, countMismatches, countRows, readManifest, verifyFile, type BackupManifest } from './manifest.js';
import { runPgTool } from './pg-tools.js';
import { listMigrations } from '../migrate.js';

export interface RestoreTarget {
  databaseUrl: string | null;
  dataDir: string;
}

/**
 * Loads a backup into an empty database: checks the manifest and the payload's SHA-256 first,
 * refuses a database that already holds tables, loads in one transaction (PostgreSQL) and ends by
 * comparing every table's row count with the manifest.
 */
export async function restoreBackup(target: RestoreTarget, path: string): Promise<{ manifest: BackupManifest; tables: number; rows: number }> {
  const { manifest, dir } = readManifest(path);
  const engine = target.databaseUrl ? 'postgres' : 'pglite';
  if (manifest.engine !== engine) {
    throw new BackupError(`this backup is of the ${manifest.engine === 'postgres' ? 'PostgreSQL' : 'embedded'} database; restore it with ${manifest.engine === 'postgres' ? 'DATABASE_URL set' : 'DATABASE_URL unset and DATA_DIR set'}`);
  }
  const known = new Set(listMigrations().map((m) => m.tag));
  const unknown = manifest.migrations.filter((tag) => !known.has(tag));
  if (unknown.length) throw new BackupError(`the backup was taken by a newer version (migrations ${unknown.join(', ')} are unknown here): restore it with that version or later`);
  await verifyFile(join(dir, manifest.payload.file), manifest.payload.sha256, 'payload');
  if (manifest.secrets) await verifyFile(join(dir, manifest.secrets.file), manifest.secrets.sha256, 'secrets file');

  const restored = target.databaseUrl ? await loadPostgres(target.databaseUrl, join(dir, manifest.payload.file)) : await loadPglite(target.dataDir, join(dir, manifest.payload.file));
  const mismatches = countMismatches(manifest.tables, restored);
  if (mismatches.length) throw new BackupError(`restored row counts differ from the backup:\n  ${mismatches.join('\n  ')}`);
  // The database was empty, so nothing is sealed under the data directory's current secrets.
  if (!target.databaseUrl && manifest.secrets) {
    copyFileSync(join(dir, manifest.secrets.file), join(target.dataDir, SECRETS_FILE));
    chmodSync(join(target.dataDir, SECRETS_FILE), 0o600);
  }
  return { manifest, tables: Object.keys(restored).length, rows: Object.values(restored).reduce((a, b) => a + b, 0) };
}

async function loadPostgres(databaseUrl: string, payload: string) {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'messagesender-restore' });
  await client.connect();
  try {
    const { rows } = await client.query<{ tables: number; schemas: number }>(`
      SELECT (SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema'))::int AS tables,
             (SELECT count(*) FROM pg_namespace WHERE nspname = 'pgboss')::int AS schemas`);
    if (rows[0]!.tables > 0 || rows[0]!.schemas > 0) {
      throw new BackupError(`refusing to restore into a database that is not empty (${rows[0]!.tables} tables): create a new database (CREATE DATABASE …) and point DATABASE_URL at it, with no server started on it yet`);
    }
    const version = Number((await client.query<{ v: string }>('SHOW server_version_num')).rows[0]!.v);
    const psql = runPgTool('psql', ['--no-psqlrc', '--quiet', '--single-transaction', '--set=ON_ERROR_STOP=1', '--output=/dev/null', '--file=-'], databaseUrl);
    psql.child.stdout.resume();
    await Promise.all([pipeline(createReadStream(payload), createGunzip(), ...olderServerFilter(version), psql.child.stdin), psql.done]);
    return await countRows((text) => client.query(text));
  } finally {
    await client.end();
  }
}

/**
 * pg_dump 17 (the one in the image) writes `SET transaction_timeout = 0;`, a setting servers
 * before 17 do not know; restoring into such a server (a managed PostgreSQL 16) drops that line.
 */
function olderServerFilter(serverVersionNum: number): Transform[] {
  if (serverVersionNum >= 170000) return [];
  let rest = '';
  // Decoded across chunk boundaries, so a multi-byte character split by gzip is never broken.
  const decoder = new StringDecoder('utf8');
  const keep = (line: string) => !/^SET transaction_timeout = /.test(line);
  return [new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const lines = (rest + decoder.write(chunk)).split('\n');
      rest = lines.pop()!;
      done(null, lines.filter(keep).map((l) => l + '\n').join(''));
    },
    flush(done) {
      rest += decoder.end();
      done(null, keep(rest) ? rest : '');
    },
  })];
}

async function loadPglite(dataDir: string, payload: string) {
  const dir = join(dataDir, 'pg');
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new BackupError(`refusing to restore into ${dir}: it already holds a database; restore into a new, empty DATA_DIR`);
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pglite = new PGlite(dir, { ...PGLITE_OPTIONS, loadDataDir: new Blob([readFileSync(payload)]) });
  try {
    await pglite.waitReady;
    return await countRows((text) => pglite.query(text) as Promise<{ rows: Record<string, unknown>[] }>);
  } finally {
    await pglite.close();
  }
}
