import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, fstatSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { closedPort } from '../test/helpers/closed-port.js';

export const SMTP_SINK_HELP = 'smtp-sink (from Debian\'s postfix package) is not installed. Install it with\n' +
  '  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y postfix\n' +
  '(only the smtp-sink test program is used; the postfix daemon need not run), or point BENCH_SMTP_SINK at the binary.';

/** The smtp-sink binary: BENCH_SMTP_SINK, then PATH, then where Debian puts it (/usr/sbin is often not on a user's PATH). */
export function findSmtpSink(): string | null {
  if (process.env.BENCH_SMTP_SINK) return existsSync(process.env.BENCH_SMTP_SINK) ? process.env.BENCH_SMTP_SINK : null;
  const found = spawnSync('sh', ['-c', 'command -v smtp-sink'], { encoding: 'utf8' }).stdout.trim();
  if (found) return found;
  return existsSync('/usr/sbin/smtp-sink') ? '/usr/sbin/smtp-sink' : null;
}

export interface SmtpSink {
  port: number;
  /** Messages the sink has accepted so far (its own `-c` counter). */
  accepted(): number;
  stop(): Promise<void>;
}

/**
 * Postfix's smtp-sink on a free loopback port, as the issue asks: `smtp-sink -u nobody -c
 * 127.0.0.1:PORT 1000`. It accepts and discards everything; `-c` makes it print a running
 * "sess=… quit=… mesg=N" counter, which is how we check that every message arrived.
 */
export async function startSmtpSink(binary: string): Promise<SmtpSink> {
  const port = await closedPort();
  // -u drops root privileges after binding; a non-root user cannot (and need not) switch.
  const args = [...(process.getuid?.() === 0 ? ['-u', 'nobody'] : []), '-c', `127.0.0.1:${port}`, '1000'];
  // Into a file, not a pipe: into a pipe its counter sits in a buffer until it exits.
  const counterFile = join(mkdtempSync(join(tmpdir(), 'ms-bench-sink-')), 'counter');
  const out = openSync(counterFile, 'w+');
  const child = spawn(binary, args, { stdio: ['ignore', out, 'pipe'] });
  let errors = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Ready when it accepts a connection.
  const { connect } = await import('node:net');
  for (let i = 0; ; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
    });
    if (ok) break;
    if (child.exitCode !== null || i > 100) throw new Error(`smtp-sink did not start: ${errors}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    accepted() {
      const size = fstatSync(out).size;
      const tail = Buffer.alloc(Math.min(size, 200));
      readSync(out, tail, 0, tail.length, size - tail.length);
      return Number([...tail.toString('latin1').matchAll(/mesg=(\d+)/g)].at(-1)?.[1] ?? 0);
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
      closeSync(out);
      rmSync(dirname(counterFile), { recursive: true, force: true });
    },
  };
}
