import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { createLogger } from '../lib/logger.js';
import { lazyChildLogger } from './lazy-child-logger.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done(); } });
  return { lines, log: createLogger('info', stream) };
}

describe('the per-request logger', () => {
  it('writes what its level lets through, with the request id, like a pino child', () => {
    const { lines, log } = capture();
    const child = lazyChildLogger(log, { reqId: 'r-1' }, {});
    child.debug('not at info');
    child.info({ token: 'secret-value', step: 1 }, 'incoming request');
    child.child({ contactId: 'c1' }).warn('nested');
    expect(lines.map((l) => [l.msg, l.reqId, l.contactId])).toEqual([['incoming request', 'r-1', undefined], ['nested', 'r-1', 'c1']]);
    // The parent's redaction still applies.
    expect(lines[0]!.token).toBe('[redacted]');
    expect(child.level).toBe('info');
  });

  it("honours a route's log level: a 'warn' route drops info and keeps warnings and errors", () => {
    const { lines, log } = capture();
    const child = lazyChildLogger(log, { reqId: 'r-2' }, { level: 'warn' }) as unknown as Logger;
    child.info('incoming request');
    child.warn('slow');
    child.error({ err: new Error('boom') }, 'failed');
    expect(lines.map((l) => [l.msg, l.level, l.reqId])).toEqual([['slow', 'warn', 'r-2'], ['failed', 'error', 'r-2']]);
    expect(child.level).toBe('warn');
    expect(child.isLevelEnabled('info')).toBe(false);
    expect(child.isLevelEnabled('error')).toBe(true);
  });
});
