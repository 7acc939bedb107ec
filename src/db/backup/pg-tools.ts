import { spawn } from 'node:child_process';
import { BackupError } from './manifest.js';

/**
 * libpq settings for pg_dump / psql taken from DATABASE_URL, passed in the environment so the
 * password never appears in a process list.
 */
export function libpqEnv(databaseUrl: string): Record<string, string> {
  const url = new URL(databaseUrl);
  const env: Record<string, string> = {};
  if (url.hostname) env.PGHOST = decodeURIComponent(url.hostname.replace(/^\[|\]$/g, ''));
  if (url.port) env.PGPORT = url.port;
  if (url.username) env.PGUSER = decodeURIComponent(url.username);
  if (url.password) env.PGPASSWORD = decodeURIComponent(url.password);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (database) env.PGDATABASE = database;
  const params: Record<string, string> = { sslmode: 'PGSSLMODE', sslrootcert: 'PGSSLROOTCERT', sslcert: 'PGSSLCERT', sslkey: 'PGSSLKEY', host: 'PGHOST', port: 'PGPORT', application_name: 'PGAPPNAME' };
  for (const [key, value] of url.searchParams) if (params[key]) env[params[key]] = value;
  return env;
}

/** Runs a PostgreSQL client program; rejects with its stderr when it fails or is not installed. */
export function runPgTool(program: 'pg_dump' | 'psql', args: string[], databaseUrl: string) {
  const child = spawn(program, args, {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', ...libpqEnv(databaseUrl) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', (err: NodeJS.ErrnoException) =>
      reject(new BackupError(err.code === 'ENOENT' ? `${program} is not installed: install the PostgreSQL client (Debian: apt-get install postgresql-client), at least the server's major version` : `${program}: ${err.message}`)));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new BackupError(`${program} failed (exit ${code}): ${stderr.trim()}`))));
  });
  return { child, done };
}
