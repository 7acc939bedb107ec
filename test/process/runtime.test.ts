import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { createTestDatabase, engineName, type TestDatabase } from '../helpers/db.js';
import { lockDataDir } from '../../src/db/datadir-lock.js';
import { LiveClient, spawnCli, type Spawned } from '../helpers/process.js';

interface Received {
  to: string[];
  raw: string;
}

/** A real SMTP server on loopback that keeps what it receives. */
async function startSmtpSink() {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, done) {
      let raw = '';
      stream.on('data', (d) => (raw += d));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        done();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return { received, port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

async function waitUntil<T>(fn: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = fn();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe(`the messagesender process (${engineName})`, () => {
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let testDb: TestDatabase | null = null;
  let server: Spawned;
  let base: string;
  const dataDir = mkdtempSync(join(tmpdir(), 'ms-proc-'));

  beforeAll(async () => {
    smtp = await startSmtpSink();
    const env: Record<string, string> = { DATA_DIR: dataDir, PORT: '0', SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_FROM: 'MessageSender <system@ms.test>' };
    if (engineName === 'postgres') {
      testDb = await createTestDatabase();
      env.DATABASE_URL = testDb.url!;
    }
    server = spawnCli('start', env);
    const [, url] = await server.waitFor(/MessageSender is running at (http:\/\/[^"\s]+)/, 90_000);
    base = url!;
  }, 120_000);

  afterAll(async () => {
    if (server?.child.exitCode === null) server.child.kill('SIGKILL');
    await smtp?.close();
    await testDb?.drop();
  });

  it('serves health and readiness once migrations are applied', async () => {
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
    expect((await ready.json()).checks).toEqual({ database: 'ok', migrations: 'ok' });
  });

  it('sends the verification mail through the job queue to the SMTP server, and the link verifies', async () => {
    const browser = new LiveClient(base);
    const signup = await browser.request('POST', '/api/v1/auth/signup', { email: 'mail-me@example.com', password: 'long enough password', name: 'Mia' });
    expect(signup.status).toBe(201);
    const mail = await waitUntil(() => smtp.received.find((m) => m.to.includes('mail-me@example.com')));
    const parsed = await simpleParser(mail.raw);
    expect(parsed.subject).toBe('Confirm your email address');
    expect(parsed.from?.text).toContain('system@ms.test');
    const link = /https?:\/\/\S+\/verify-email\?token=([\w-]+)/.exec(parsed.text ?? '');
    expect(link).not.toBeNull();
    const verify = await browser.request('POST', '/api/v1/auth/verify-email', { token: link![1] });
    expect(verify.status).toBe(204);
    expect((await (await browser.request('GET', '/api/v1/me')).json()).user.emailVerified).toBe(true);
  });

  it('refuses a second process on a data directory that another process holds', async () => {
    // On PGlite the running server holds dataDir; on PostgreSQL runs this test process takes a lock itself.
    const held = engineName === 'pglite' ? dataDir : mkdtempSync(join(tmpdir(), 'ms-held-'));
    const release = engineName === 'pglite' ? () => {} : lockDataDir(held);
    try {
      const second = spawnCli('start', { DATA_DIR: held, PORT: '0' });
      expect(await second.exited).toBe(1);
      expect(second.output()).toMatch(/data directory in use/);
    } finally {
      release();
    }
  });

  it('shuts down cleanly on SIGTERM within the bounded time and releases the data directory', async () => {
    const started = Date.now();
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(server.output()).toMatch(/"msg":"stopped"/);
    expect(existsSync(join(dataDir, 'messagesender.lock'))).toBe(false);
  });
});
