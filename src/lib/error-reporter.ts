import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';

/**
 * Optional Sentry reporting without the SDK (which would bring ~95 MB of dependencies): every
 * log line at level error or above — already redacted by the logger, so no secret can leave —
 * becomes a Sentry event posted to the project's envelope endpoint. Fire-and-forget: a slow or
 * unreachable Sentry never blocks or breaks the app; at most MAX_PENDING events are in flight.
 */
const MAX_PENDING = 20;
const TIMEOUT_MS = 5000;
const PINO_LEVELS: Record<number, string> = { 50: 'error', 60: 'fatal' };

export interface SentryDsn {
  envelopeUrl: string;
  publicKey: string;
  dsn: string;
}

/** `https://<key>@<host>[/<path>]/<project>` → where and how to post. Null for anything else. */
export function parseSentryDsn(dsn: string): SentryDsn | null {
  let url: URL;
  try {
    url = new URL(dsn);
  } catch {
    return null;
  }
  const parts = url.pathname.split('/').filter(Boolean);
  const project = parts.pop();
  if (!/^https?:$/.test(url.protocol) || !url.username || !project || !/^\d+$/.test(project)) return null;
  const prefix = parts.length ? `/${parts.join('/')}` : '';
  return { envelopeUrl: `${url.protocol}//${url.host}${prefix}/api/${project}/envelope/`, publicKey: url.username, dsn };
}

interface LogLine {
  level: number;
  time?: string;
  msg?: string;
  err?: { type?: string; message?: string; stack?: string };
  reqId?: string;
  [key: string]: unknown;
}

/** Stack lines "    at fn (file:line:col)" → Sentry frames, innermost last as Sentry expects. */
function framesOf(stack: string | undefined) {
  if (!stack) return [];
  const frames = [];
  for (const line of stack.split('\n').slice(1)) {
    const m = /^\s*at (?:(.+?) \()?(.+?):(\d+):(\d+)\)?$/.exec(line);
    if (m) frames.push({ function: m[1] ?? '?', filename: m[2], lineno: Number(m[3]), colno: Number(m[4]), in_app: !m[2]!.includes('node_modules') && !m[2]!.startsWith('node:') });
  }
  return frames.reverse();
}

export function sentryEvent(line: LogLine, opts: { environment: string; release: string }) {
  const { level, time, msg, err, reqId, ...rest } = line;
  delete rest.pid;
  delete rest.hostname;
  return {
    event_id: randomUUID().replace(/-/g, ''),
    timestamp: time ?? new Date().toISOString(),
    platform: 'node',
    level: PINO_LEVELS[level] ?? 'error',
    logger: 'messagesender',
    environment: opts.environment,
    release: opts.release,
    message: msg ? { formatted: msg } : undefined,
    exception: err ? { values: [{ type: err.type ?? 'Error', value: err.message ?? msg ?? '', stacktrace: { frames: framesOf(err.stack) } }] } : undefined,
    tags: reqId ? { reqId: String(reqId) } : undefined,
    extra: rest,
  };
}

/** A pino destination for error lines that posts each one to Sentry. */
export function createSentryStream(dsn: SentryDsn, opts: { environment: string; release: string; fetchImpl?: typeof fetch }): Writable {
  const post = opts.fetchImpl ?? fetch;
  let pending = 0;
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      done();
      if (pending >= MAX_PENDING) return;
      let line: LogLine;
      try {
        line = JSON.parse(chunk.toString('utf8')) as LogLine;
      } catch {
        return;
      }
      const event = sentryEvent(line, opts);
      const body = `${JSON.stringify({ event_id: event.event_id, dsn: dsn.dsn, sent_at: new Date().toISOString() })}\n${JSON.stringify({ type: 'event' })}\n${JSON.stringify(event)}\n`;
      pending++;
      post(dsn.envelopeUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-sentry-envelope', 'x-sentry-auth': `Sentry sentry_version=7, sentry_key=${dsn.publicKey}, sentry_client=messagesender/1` },
        body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      }).then((res) => res.body?.cancel(), () => undefined).finally(() => pending--);
    },
  });
}
