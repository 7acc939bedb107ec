import { describe, expect, it } from 'vitest';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { parseSentryDsn } from './error-reporter.js';
import { createLogger } from './logger.js';

/** A stand-in Sentry ingest: records envelopes posted to /api/<project>/envelope/. */
async function startFakeSentry() {
  const received: { url: string; headers: IncomingHttpHeaders; lines: unknown[] }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received.push({ url: req.url!, headers: req.headers, lines: body.trim().split('\n').map((l) => JSON.parse(l)) });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { received, port: (server.address() as AddressInfo).port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const sink = () => new Writable({ write: (_c, _e, done) => done() });
const settle = async (check: () => boolean) => {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
};

describe('error reporting to Sentry (SENTRY_DSN)', () => {
  it('reads a DSN into the envelope endpoint and refuses anything else', () => {
    expect(parseSentryDsn('https://abc123@o42.ingest.sentry.io/7')).toEqual({ envelopeUrl: 'https://o42.ingest.sentry.io/api/7/envelope/', publicKey: 'abc123', dsn: 'https://abc123@o42.ingest.sentry.io/7' });
    expect(parseSentryDsn('https://key@sentry.example.com/prefix/9')?.envelopeUrl).toBe('https://sentry.example.com/prefix/api/9/envelope/');
    for (const bad of ['', 'not a url', 'https://o42.ingest.sentry.io/7', 'https://k@host/abc', 'ftp://k@host/1']) expect(parseSentryDsn(bad)).toBeNull();
  });

  it('posts error lines as events with the stack, redacted like the logs; info lines stay local', async () => {
    const sentry = await startFakeSentry();
    try {
      const log = createLogger('info', sink(), { sentryDsn: `http://pubkey@127.0.0.1:${sentry.port}/42`, environment: 'production', release: '1.2.3' });
      log.info('all good');
      log.error({ err: new Error('boom'), reqId: 'req-7', password: 'hunter2', accessToken: 'ya29.secret' }, 'request failed');
      await settle(() => sentry.received.length > 0);
      expect(sentry.received).toHaveLength(1);
      const [envelope] = sentry.received;
      expect(envelope!.url).toBe('/api/42/envelope/');
      expect(envelope!.headers['x-sentry-auth']).toMatch(/sentry_version=7, sentry_key=pubkey/);
      const [header, item, event] = envelope!.lines as [Record<string, unknown>, Record<string, unknown>, Record<string, any>];
      expect(item).toEqual({ type: 'event' });
      expect(header.event_id).toBe(event.event_id);
      expect(event).toMatchObject({ level: 'error', environment: 'production', release: '1.2.3', message: { formatted: 'request failed' }, tags: { reqId: 'req-7' } });
      expect(event.exception.values[0]).toMatchObject({ type: 'Error', value: 'boom' });
      expect(event.exception.values[0].stacktrace.frames.length).toBeGreaterThan(0);
      const raw = JSON.stringify(envelope!.lines);
      expect(raw).not.toContain('hunter2');
      expect(raw).not.toContain('ya29.secret');
    } finally {
      await sentry.close();
    }
  });

  it('never throws or blocks when Sentry is unreachable', async () => {
    const log = createLogger('info', sink(), { sentryDsn: 'http://k@127.0.0.1:1/1', environment: 'test', release: '0' });
    expect(() => log.fatal(new Error('down'), 'still fine')).not.toThrow();
  });
});
