import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { PGlite } from '@electric-sql/pglite';

const run = promisify(execFile);

/**
 * Server settings of the embedded database. Its buffers are touched when it starts, so each MB
 * is resident from then on; the operating system's page cache already holds the data files, and
 * at 32 MB instead of PostgreSQL's 128 MB a 200,000-row import ran as fast with ~100 MB less
 * peak RSS (16 MB was slower).
 */
export const EMBEDDED_SETTINGS: Record<string, string> = { shared_buffers: '32MB' };

const alterSystem = (settings: Record<string, string>) =>
  Object.entries(settings).map(([name, value]) => `ALTER SYSTEM SET ${name} = '${value}';`).join('\n');

/**
 * Creates a new PGlite data directory, with EMBEDDED_SETTINGS, in a short-lived child process.
 * Running initdb grows a process to ~800 MB (the unpacked bundle and the WASM memory initdb
 * touched), and a process never gives WASM memory back; opening an existing directory costs far
 * less. So the process that serves only ever opens the directory.
 */
export async function createPgliteDirIfMissing(dir: string): Promise<void> {
  if (existsSync(join(dir, 'PG_VERSION'))) return;
  const pglite = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const initdb = `const { PGlite } = require(${JSON.stringify(pglite)});
const db = new PGlite(process.argv[1]);
db.waitReady.then(() => db.exec(process.argv[2])).then(() => db.close()).catch((err) => { console.error(err); process.exit(1); });`;
  await run(process.execPath, ['-e', initdb, dir, alterSystem(EMBEDDED_SETTINGS)], { env: { ...process.env, NODE_OPTIONS: '' } });
}

/** A directory created before a setting changed gets it from its next start on. */
export async function applyEmbeddedSettings(pglite: PGlite): Promise<void> {
  const stale: Record<string, string> = {};
  for (const [name, value] of Object.entries(EMBEDDED_SETTINGS)) {
    const { rows } = await pglite.query<{ setting: string }>(`SELECT current_setting('${name}') AS setting`);
    if (rows[0]?.setting !== value) stale[name] = value;
  }
  if (Object.keys(stale).length) await pglite.exec(alterSystem(stale));
}
