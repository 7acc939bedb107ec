import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closedPort } from '../test/helpers/closed-port.js';
import { createTestDatabase, engineName, type TestDatabase } from '../test/helpers/db.js';
import { startSmtpPeer, type SmtpPeer } from '../test/helpers/smtp-peer.js';
import { openPglite } from './db/client.js';
import { migrate } from './db/migrate.js';
import { runDoctor } from './doctor.js';

const secrets = {
  JWT_ACCESS_SECRET: 'Kq7w' + 'a1b2'.repeat(12),
  JWT_REFRESH_SECRET: 'Zr9p' + 'c3d4'.repeat(12),
  ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
};
const redisUrl = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';

let testDb: TestDatabase | null = null;
let smtp: SmtpPeer;
/** Where the database is: this file's PostgreSQL database, or a migrated embedded data directory. */
let databaseEnv: Record<string, string>;

beforeAll(async () => {
  smtp = await startSmtpPeer({ user: 'mailer', password: 'mailer-password' });
  if (engineName === 'postgres') {
    testDb = await createTestDatabase();
    databaseEnv = { DATABASE_URL: testDb.url! };
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'ms-doctor-'));
    const database = await openPglite(dir);
    await migrate(database.sql);
    await database.close();
    databaseEnv = { DATA_DIR: dir };
  }
});
afterAll(async () => {
  await smtp?.close();
  await testDb?.drop();
});

const lineOf = (lines: string[], item: string) => lines.find((l) => l.slice(5).startsWith(`${item}:`));

describe(`doctor: the production checklist item by item (${engineName})`, () => {
  it('passes a complete production setup, every item on its own line', async () => {
    const report = await runDoctor({
      NODE_ENV: 'production', PUBLIC_URL: 'https://outreach.example.com', TRUST_PROXY: '1', METRICS_TOKEN: 'metrics-token-0123456789',
      REDIS_URL: redisUrl, SMTP_URL: `smtp://mailer:mailer-password@127.0.0.1:${smtp.port}`, ...secrets, ...databaseEnv,
    });
    expect(report.lines.filter((l) => l.startsWith('FAIL')), report.lines.join('\n')).toEqual([]);
    expect(report.ok).toBe(true);
    for (const item of ['production mode', 'https', 'secrets', 'encryption keys', 'shared rate limits', 'system mail', 'reverse proxy', 'metrics access', 'database reachable', 'migrations', 'backups', 'workers', 'redis', 'smtp']) {
      expect(lineOf(report.lines, item), `${item} in\n${report.lines.join('\n')}`).toMatch(/^ok {3}/);
    }
    // The embedded database is allowed in production, but the checklist says what it costs.
    expect(lineOf(report.lines, 'database')).toMatch(engineName === 'postgres' ? /^ok {3}database: PostgreSQL/ : /^WARN database: embedded database/);
  });

  it('fails on what production must have and warns about what it should have', async () => {
    const report = await runDoctor({
      NODE_ENV: 'production', PUBLIC_URL: 'http://outreach.example.com',
      REDIS_URL: `redis://127.0.0.1:${await closedPort()}`, SMTP_URL: `smtp://mailer:wrong-password@127.0.0.1:${smtp.port}`, ...secrets, ...databaseEnv,
    });
    expect(report.ok).toBe(false);
    expect(lineOf(report.lines, 'https')).toMatch(/^FAIL https: PUBLIC_URL http:\/\/outreach.example.com is not https/);
    expect(lineOf(report.lines, 'redis')).toMatch(/^FAIL redis: REDIS_URL does not answer/);
    expect(lineOf(report.lines, 'smtp')).toMatch(/^FAIL smtp: SMTP_URL: .*(auth|535)/i);
    expect(lineOf(report.lines, 'metrics access')).toMatch(/^WARN metrics access: METRICS_TOKEN is not set/);
    expect(lineOf(report.lines, 'migrations')).toMatch(/^ok/);
  });

  it('in development the production items only warn, and nothing fails', async () => {
    const report = await runDoctor({ NODE_ENV: 'development', ...databaseEnv, ...secrets });
    expect(lineOf(report.lines, 'production mode')).toMatch(/^WARN production mode: NODE_ENV is development/);
    expect(lineOf(report.lines, 'https')).toMatch(/^WARN https/);
    expect(report.ok).toBe(true);
  });
});
