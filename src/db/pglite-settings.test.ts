import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { openPglite } from './client.js';
import { EMBEDDED_SETTINGS } from './pglite-initdb.js';

const dirs: string[] = [];
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ms-pglite-settings-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function sharedBuffers(dir: string) {
  const database = await openPglite(dir);
  try {
    return (await database.sql.query<{ shared_buffers: string }>('SHOW shared_buffers')).rows[0]!.shared_buffers;
  } finally {
    await database.close();
  }
}

describe('the embedded database directory', () => {
  it('is created with the embedded settings in effect from the first start', async () => {
    expect(EMBEDDED_SETTINGS.shared_buffers).toBe('32MB');
    expect(await sharedBuffers(dataDir())).toBe('32MB');
  });

  it('a directory made with PostgreSQL defaults gets the settings from its next start on', async () => {
    const dir = dataDir();
    const old = new PGlite(join(dir, 'pg'));
    await old.waitReady;
    await old.close();
    expect(await sharedBuffers(dir)).toBe('128MB');
    expect(await sharedBuffers(dir)).toBe('32MB');
  });
});
