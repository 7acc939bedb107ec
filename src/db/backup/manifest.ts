import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * A backup is a payload file (gzipped pg_dump SQL, or the embedded database's data-directory
 * tarball) and a small JSON manifest beside it naming the payload with its SHA-256, the
 * migrations it was taken at and the row count of every table in the same snapshot, so a
 * restore can prove it loaded everything.
 */
export interface BackupManifest {
  format: 'messagesender-backup';
  version: 1;
  engine: 'postgres' | 'pglite';
  createdAt: string;
  appVersion: string;
  migrations: string[];
  payload: { file: string; bytes: number; sha256: string };
  /** Embedded installs whose secrets were generated into DATA_DIR: without them nothing sealed opens. */
  secrets: { file: string; sha256: string } | null;
  /** Rows per table ("schema.table") in the backed-up snapshot. */
  tables: Record<string, number>;
}

export const MANIFEST_SUFFIX = '.manifest.json';

export class BackupError extends Error {}

export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path).on('data', (d) => hash.update(d)).on('error', reject).on('end', () => resolve(hash.digest('hex')));
  });
}

/** Accepts the manifest or the payload path; the other is found beside it. */
export function readManifest(path: string): { manifest: BackupManifest; dir: string; manifestPath: string } {
  let manifestPath = path;
  if (!path.endsWith(MANIFEST_SUFFIX)) {
    const stem = basename(path).replace(/\.(sql\.gz|tar\.gz)$/, '');
    manifestPath = join(dirname(path), `${stem}${MANIFEST_SUFFIX}`);
  }
  if (!existsSync(manifestPath)) throw new BackupError(`no backup manifest at ${manifestPath}`);
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as BackupManifest;
  } catch {
    throw new BackupError(`${manifestPath} is not a backup manifest (invalid JSON)`);
  }
  if (manifest.format !== 'messagesender-backup' || manifest.version !== 1) throw new BackupError(`${manifestPath} is not a MessageSender backup manifest (format version 1)`);
  return { manifest, dir: dirname(manifestPath), manifestPath };
}

/** Fails unless the file on disk is byte for byte the one the manifest names. */
export async function verifyFile(path: string, expected: string, what: string) {
  if (!existsSync(path)) throw new BackupError(`${what} ${path} is missing`);
  const actual = await sha256File(path);
  if (actual !== expected) throw new BackupError(`${what} ${basename(path)} does not match its checksum (sha256 ${actual}, manifest says ${expected}): the file is damaged or not the one this manifest describes`);
}

/** Table row counts, user schemas only (ours and pg-boss's), read through one connection/snapshot. */
export const TABLE_COUNT_SQL = `SELECT schemaname || '.' || tablename AS name FROM pg_tables WHERE schemaname IN ('public', 'pgboss') ORDER BY 1`;

export async function countRows(query: (text: string) => Promise<{ rows: Record<string, unknown>[] }>): Promise<Record<string, number>> {
  const { rows } = await query(TABLE_COUNT_SQL);
  const counts: Record<string, number> = {};
  for (const { name } of rows as { name: string }[]) {
    const [schema, table] = name.split('.') as [string, string];
    const r = await query(`SELECT count(*)::int AS n FROM "${schema}"."${table}"`);
    counts[name] = Number(r.rows[0]!.n);
  }
  return counts;
}

/** Which tables differ in rows between the manifest and the restored database. */
export function countMismatches(expected: Record<string, number>, actual: Record<string, number>): string[] {
  const names = new Set([...Object.keys(expected), ...Object.keys(actual)]);
  return [...names].filter((n) => expected[n] !== actual[n]).map((n) => `${n}: backup ${expected[n] ?? 'absent'}, restored ${actual[n] ?? 'absent'}`);
}
