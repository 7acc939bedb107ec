import { describe, expect, it } from 'vitest';
import { mkdtempSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config.js';
import { runDoctor } from './doctor.js';

const strong = (c: string) => c.repeat(48);
const goodProduction = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://app@db:5432/app',
  PUBLIC_URL: 'https://mail.example.org',
  JWT_ACCESS_SECRET: 'Kq7w' + strong('a'),
  JWT_REFRESH_SECRET: 'Zr9p' + strong('b'),
  ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('production guardrails', () => {
  it('accepts a complete production configuration', () => {
    expect(problemsOf(goodProduction)).toEqual([]);
  });

  it('rejects the well-known placeholder JWT secret', () => {
    const problems = problemsOf({ ...goodProduction, JWT_ACCESS_SECRET: '', JWT_SECRET: 'your-super-secret-jwt-key-change-in-production' });
    expect(problems.join('\n')).toMatch(/JWT_SECRET.*placeholder/);
  });

  it('rejects short secrets, equal access/refresh secrets, wildcard CORS and a missing database — all in one report', () => {
    const problems = problemsOf({
      NODE_ENV: 'production',
      PUBLIC_URL: 'https://mail.example.org',
      JWT_ACCESS_SECRET: 'short-secret',
      JWT_REFRESH_SECRET: 'short-secret',
      ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
      CORS_ORIGINS: '*',
    });
    const text = problems.join('\n');
    expect(text).toMatch(/JWT_ACCESS_SECRET is shorter than 32 bytes/);
    expect(text).toMatch(/JWT_REFRESH_SECRET is shorter than 32 bytes/);
    expect(text).toMatch(/must differ/);
    expect(text).toMatch(/CORS_ORIGINS.*wildcard/);
    expect(text).toMatch(/DATABASE_URL.*DATA_DIR/);
    expect(problems.length).toBeGreaterThanOrEqual(5);
  });

  it('rejects equal long secrets and a missing encryption key', () => {
    const same = 'Q' + strong('x');
    const problems = problemsOf({ ...goodProduction, JWT_ACCESS_SECRET: same, JWT_REFRESH_SECRET: same, ENCRYPTION_KEYS: '' });
    expect(problems.join('\n')).toMatch(/must differ/);
    expect(problems.join('\n')).toMatch(/ENCRYPTION_KEYS is missing/);
  });

  it('an explicit DATA_DIR is enough for the embedded database in production', () => {
    const { DATABASE_URL: _omit, ...rest } = goodProduction;
    expect(problemsOf({ ...rest, DATA_DIR: '/var/lib/messagesender' })).toEqual([]);
  });
});

describe('development secrets', () => {
  it('are generated on first start into the data dir with mode 0600 and reused afterwards', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ms-cfg-'));
    const first = loadConfig({ DATA_DIR: dir });
    const file = join(dir, 'secrets.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.secretsSource).toBe('data-dir');
    expect(first.secrets.accessTokenSecret).not.toBe(first.secrets.refreshTokenSecret);
    expect(Buffer.from(first.secrets.encryptionKeys.k1!, 'base64')).toHaveLength(32);
    const second = loadConfig({ DATA_DIR: dir });
    expect(second.secrets).toEqual(first.secrets);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(first.secrets);
  });

  it('reads PORT, HOST and DATA_DIR', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ms-cfg-'));
    const c = loadConfig({ DATA_DIR: dir, PORT: '4123', HOST: '0.0.0.0' });
    expect(c).toMatchObject({ port: 4123, host: '0.0.0.0', dataDir: dir, publicUrl: 'http://localhost:4123' });
    expect(problemsOf({ DATA_DIR: dir, PORT: 'eighty' })).toEqual(['PORT must be a non-negative integer (got "eighty")']);
  });
});

describe('doctor', () => {
  it('fails with every configuration problem listed', async () => {
    const report = await runDoctor({ NODE_ENV: 'production', JWT_SECRET: 'your-super-secret-jwt-key-change-in-production' });
    expect(report.ok).toBe(false);
    expect(report.lines.filter((l) => l.startsWith('FAIL')).length).toBeGreaterThanOrEqual(3);
  });

  it('reports an unreachable database', async () => {
    const report = await runDoctor({ ...goodProduction, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(report.ok).toBe(false);
    expect(report.lines.join('\n')).toMatch(/FAIL database/);
  });
});

describe('doctor on the embedded database', () => {
  it('reports pending migrations of a fresh data directory and fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ms-doc-'));
    const report = await runDoctor({ DATA_DIR: dir });
    expect(report.ok).toBe(false);
    expect(report.lines.join('\n')).toMatch(/FAIL migrations pending: 0000_foundation/);
  }, 60_000);
});
