import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Creates a new PGlite data directory in a short-lived child process. Running initdb grows a
 * process to ~800 MB (the unpacked bundle and the WASM memory initdb touched), and a process never
 * gives WASM memory back; opening an existing directory costs ~300 MB. So the process that serves
 * only ever opens the directory.
 */
export async function createPgliteDirIfMissing(dir: string): Promise<void> {
  if (existsSync(join(dir, 'PG_VERSION'))) return;
  const pglite = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const initdb = `const { PGlite } = require(${JSON.stringify(pglite)});
const db = new PGlite(process.argv[1]);
db.waitReady.then(() => db.close()).catch((err) => { console.error(err); process.exit(1); });`;
  await run(process.execPath, ['-e', initdb, dir], { env: { ...process.env, NODE_OPTIONS: '' } });
}
