import { pino, type Logger } from 'pino';

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
  'token',
  'secret',
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

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { req: requestSerializer, err: pino.stdSerializers.err },
      base: { service: 'messagesender' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination as pino.DestinationStream | undefined,
  );
}

export type { Logger };
