import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { loadConfig } from '../../src/config.js';
import { openPglite, type Database } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';
import { enrollAudience } from '../../src/engine/enroll.js';
import { testSecretsEnv } from '../helpers/app.js';
import { seedCampaign } from '../helpers/campaign-fixture.js';
import { createTestDatabase, engineName, type TestDatabase } from '../helpers/db.js';
import { spawnCli, type Spawned } from '../helpers/process.js';

/**
 * The engine's promise under the harshest stop there is: a worker process is SIGKILLed while
 * it sends. After a restart every message has gone out exactly once, except those in flight at
 * the kill, which are flagged 'uncertain' (this SMTP server keeps no Sent folder to look in),
 * never silently sent twice, and nothing is lost.
 */

/**
 * An SMTP server that accepts each message, then answers slowly. While `holding`, it stops
 * answering once it has `holdAfter` messages, so the kill is sure to land mid-send whatever the
 * machine's load (a kill between two rounds would find nothing in flight to recover).
 */
async function startSlowSink(delayMs: number, holdAfter: number) {
  const messageIds: string[] = [];
  const state = { holding: true };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth: (_auth, _session, done) => done(null, { user: 'sender' }),
    onData(stream, _session, done) {
      let raw = '';
      stream.on('data', (d) => (raw += d));
      stream.on('end', () => {
        messageIds.push(/^Message-ID: (.*)$/im.exec(raw)?.[1]?.trim() ?? '?');
        if (state.holding && messageIds.length >= holdAfter) return; // never answered: in flight at the kill
        setTimeout(() => done(), delayMs);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { messageIds, state, port: (server.server.address() as { port: number }).port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

async function waitUntil(check: () => boolean, timeoutMs: number, what: string) {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe(`a worker killed with SIGKILL mid-send (${engineName})`, () => {
  const CONTACTS = 60;
  const secretsEnv = testSecretsEnv();
  const dataDir = mkdtempSync(join(tmpdir(), 'ms-crash-'));
  let testDb: TestDatabase | null = null;
  let sink: Awaited<ReturnType<typeof startSlowSink>>;
  const processes: Spawned[] = [];

  afterAll(async () => {
    for (const p of processes) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await sink?.close();
    await testDb?.drop();
  });

  it('loses nothing and sends nothing twice after a restart', async () => {
    sink = await startSlowSink(150, 15);
    const env: Record<string, string> = {
      ...secretsEnv, PORT: '0', PUBLIC_URL: 'http://app.test',
      ENGINE_LEASE_SECONDS: '3', ENGINE_IDLE_MS: '200', ENGINE_BATCH_SIZE: '8', ENGINE_CONCURRENCY: '8',
    };
    let database: Database;
    if (engineName === 'postgres') {
      testDb = await createTestDatabase();
      database = testDb.database;
      env.DATABASE_URL = testDb.url!;
    } else {
      env.DATA_DIR = dataDir;
      database = await openPglite(dataDir);
      await migrate(database.sql);
    }
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, ...env });
    const seeded = await seedCampaign({ db: database.db, config }, { smtpPort: sink.port, inboxes: 2, contacts: CONTACTS });
    expect(await enrollAudience({ db: database.db }, seeded.campaignId, new Date())).toBe(CONTACTS);
    if (engineName === 'pglite') await database.close();

    // PostgreSQL: a separate `worker` process; embedded: `start` (API + worker in one process).
    const command = engineName === 'postgres' ? 'worker' : 'start';
    const first = spawnCli(command, env);
    processes.push(first);
    await waitUntil(() => sink.messageIds.length >= 15, 90_000, 'the first sends');
    first.child.kill('SIGKILL');
    await first.exited;
    const atKill = sink.messageIds.length;
    expect(atKill).toBeLessThan(CONTACTS);
    sink.state.holding = false;

    const second = spawnCli(command, env);
    processes.push(second);
    // Done when the restarted worker has recovered the dead one's in-flight messages (after their
    // lease) and then found nothing left to do.
    await second.waitFor(/recovered in-flight messages[\s\S]*sending engine idle/, 150_000);
    second.child.kill('SIGTERM');
    await second.exited;

    if (engineName === 'pglite') database = await openPglite(dataDir);
    const { rows } = await database.sql.query<{ status: string; message_id_header: string | null; reason: string | null }>(
      'SELECT status, message_id_header, reason FROM messages WHERE campaign_id = $1', [seeded.campaignId]);
    if (engineName === 'pglite') await database.close();

    // Nothing lost: every contact's message is accounted for, sent or flagged.
    expect(rows).toHaveLength(CONTACTS);
    const byStatus = (s: string) => rows.filter((r) => r.status === s);
    expect(byStatus('sent').length + byStatus('uncertain').length).toBe(CONTACTS);
    // Nothing doubled: the server never saw a Message-ID twice.
    expect(new Set(sink.messageIds).size).toBe(sink.messageIds.length);
    // Every 'sent' message reached the server exactly once.
    const received = new Set(sink.messageIds);
    for (const r of byStatus('sent')) expect(received.has(r.message_id_header!)).toBe(true);
    // The in-flight ones were not re-sent; the user is told why.
    expect(byStatus('uncertain').length).toBeGreaterThan(0);
    expect(byStatus('uncertain').length).toBeLessThanOrEqual(8 * 2);
    for (const r of byStatus('uncertain')) expect(r.reason).toMatch(/in flight when a worker stopped/);
    expect(sink.messageIds.length).toBeLessThanOrEqual(CONTACTS);
  }, 240_000);
});
