import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { PROJECT_ROOT } from '../../src/lib/paths.js';

/**
 * A real Dovecot IMAP server for channel tests, started by scripts/test-dovecot.sh (one shared
 * instance on 127.0.0.1; every test file gets its own fresh user, so mailboxes never mix).
 */

export interface DovecotServer {
  host: string;
  port: number;
  /** The instance's temp dir; its passwd-file is `users` in it. */
  dir: string;
}

export interface TestMailbox {
  host: string;
  port: number;
  user: string;
  password: string;
}

export type DovecotStart = { ok: true; server: DovecotServer } | { ok: false; reason: string };

/**
 * Starts (or finds) the test Dovecot. Outside CI a machine that cannot run it (not root, no
 * Debian packages) gets a reason to skip with; in CI (`CI=true`) that is a failure instead.
 */
export function ensureDovecot(): DovecotStart {
  const run = spawnSync('bash', [join(PROJECT_ROOT, 'scripts/test-dovecot.sh')], { encoding: 'utf8', timeout: 300_000 });
  const port = run.stdout?.match(/^port=(\d+)$/m)?.[1];
  const dir = run.stdout?.match(/^dir=(.+)$/m)?.[1];
  if (run.status === 0 && port && dir) return { ok: true, server: { host: '127.0.0.1', port: Number(port), dir } };
  const reason = `scripts/test-dovecot.sh failed (${run.error?.message ?? `exit ${run.status}`}): ${(run.stderr || run.stdout || '').trim()}`;
  if (process.env.CI === 'true') throw new Error(reason);
  return { ok: false, reason };
}

/**
 * A new user with an empty mailbox. Dovecot re-reads its passwd-file when the file changed, but
 * checks at most once per second; so we wait into the next second, after which a login sees it.
 */
export async function createMailbox(server: DovecotServer): Promise<TestMailbox> {
  const user = `t${process.pid}-${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  appendFileSync(join(server.dir, 'users'), `${user}:{PLAIN}${password}\n`);
  await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 50));
  return { host: server.host, port: server.port, user, password };
}

/** Delivers a message the way a mail server would: straight into the folder, over IMAP APPEND. */
export async function appendMessage(mailbox: TestMailbox, folder: string, raw: string | Buffer): Promise<number> {
  const client = new ImapFlow({
    host: mailbox.host,
    port: mailbox.port,
    secure: false,
    auth: { user: mailbox.user, pass: mailbox.password },
    logger: false,
  });
  client.on('error', () => {});
  await client.connect();
  try {
    const result = await client.append(folder, typeof raw === 'string' ? Buffer.from(raw) : raw);
    if (!result || !result.uid) throw new Error(`APPEND to ${folder} returned no UID`);
    return result.uid;
  } finally {
    await client.logout();
  }
}

/** Gives a folder a new UIDVALIDITY, as a server does after rebuilding its index. */
export function setUidValidity(server: DovecotServer, mailbox: TestMailbox, folder: string, uidValidity: number): void {
  const run = spawnSync('doveadm', ['-c', join(server.dir, 'dovecot.conf'), 'mailbox', 'update', '-u', mailbox.user, '--uid-validity', String(uidValidity), folder], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`doveadm mailbox update failed: ${run.stderr || run.error?.message}`);
}
