import { pino, type Logger } from 'pino';
import { createSentryStream, parseSentryDsn } from './error-reporter.js';

/** Paths pino blanks out wherever they appear; tokens and secrets never reach a log line. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.apiKey',
  '*.key',
  '*.secret',
  '*.clientSecret',
  'password',
  'currentPassword',
  'newPassword',
  'token',
  'accessToken',
  'refreshToken',
  'apiKey',
  'secret',
  'clientSecret',
];

/** Mailed tokens travel in URLs (/invites/<token>, ?token=…); keep them out of request logs. */
export function redactUrl(url: string): string {
  return url.replace(/(\/invites\/)(?!accept\b)[^/?#]+/, '$1[redacted]').replace(/([?&](?:token|code|state|key)=)[^&#]*/gi, '$1[redacted]');
}

interface LoggedRequest {
  method?: string;
  url?: string;
  headers?: Record<string, unknown>;
  host?: string;
  hostname?: string;
  ip?: string;
  socket?: { remoteAddress?: string; remotePort?: number };
}

const requestSerializer = (req: LoggedRequest) => ({
  method: req.method,
  url: req.url ? redactUrl(req.url) : undefined,
  host: req.host ?? req.hostname,
  remoteAddress: req.ip ?? req.socket?.remoteAddress,
});

export interface ErrorReporting {
  /** A Sentry DSN; error and fatal lines are also posted there (see error-reporter.ts). */
  sentryDsn: string | null;
  environment: string;
  release: string;
}

export function createLogger(level: string, destination?: NodeJS.WritableStream, reporting?: ErrorReporting): Logger {
  const dsn = reporting?.sentryDsn ? parseSentryDsn(reporting.sentryDsn) : null;
  const out = (destination ?? pino.destination(1)) as pino.DestinationStream;
  const target = dsn
    ? pino.multistream([{ level: level as pino.Level, stream: out }, { level: 'error', stream: createSentryStream(dsn, reporting!) }])
    : out;
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { req: requestSerializer, err: pino.stdSerializers.err },
      base: { service: 'messagesender' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    target,
  );
}

export type { Logger };
