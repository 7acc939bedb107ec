import { spawn, type ChildProcess } from 'node:child_process';
import { PROJECT_ROOT } from '../../src/lib/paths.js';

export interface Spawned {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<number | null>;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

/** Runs the real CLI (`bin/messagesender.js <command> [args]`) as its own process. */
export function spawnCli(command: string, env: Record<string, string | undefined>, args: string[] = []): Spawned {
  const child = spawn(process.execPath, ['bin/messagesender.js', command, ...args], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const started = Date.now();
        const tick = () => {
          const m = out.match(pattern);
          if (m) return resolve(m);
          if (child.exitCode !== null) return reject(new Error(`process exited (${child.exitCode}) before ${pattern}:\n${out}`));
          if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${pattern}:\n${out}`));
          setTimeout(tick, 100);
        };
        tick();
      });
    },
  };
}

/** A minimal cookie-keeping fetch client for a live server, doing CSRF like the web app. */
export class LiveClient {
  cookies = new Map<string, string>();
  csrf: string | null = null;
  constructor(readonly base: string) {}

  async request(method: string, path: string, body?: unknown, form?: FormData) {
    const headers: Record<string, string> = {};
    if (method !== 'GET') {
      if (!this.csrf) this.csrf = (await (await this.request('GET', '/api/v1/auth/csrf')).json()).token;
      headers['x-csrf-token'] = this.csrf!;
    }
    if (body !== undefined) headers['content-type'] = 'application/json';
    headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(this.base + path, { method, headers, body: form ?? (body === undefined ? undefined : JSON.stringify(body)) });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
    return res;
  }

  /** Multipart upload of one file in the field "file". */
  upload(path: string, filename: string, data: Blob) {
    const form = new FormData();
    form.append('file', data, filename);
    return this.request('POST', path, undefined, form);
  }
}
