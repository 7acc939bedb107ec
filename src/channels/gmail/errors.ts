import type { ApiFailure } from '../oauth/failure.js';
import { parseProviderError } from '../oauth/provider-error.js';
import { parseRetryAfter, retryAfterInMessage } from '../oauth/retry-after.js';

/** Per-user and per-project rate limits: slow down, the message itself is fine. */
const RATE_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);
/** Without a hint, wait a minute: Gmail's per-user windows are short. */
export const DEFAULT_BACKOFF_SECONDS = 60;
/** The project's daily quota resets at midnight Pacific time; checking hourly costs one call. */
export const DAILY_LIMIT_BACKOFF_SECONDS = 3600;
/** 400/412 reasons that are about the mailbox (Gmail disabled for the account), not the recipient. */
const ACCOUNT_REASONS = new Set(['failedPrecondition', 'domainPolicy']);

/**
 * A Gmail API error answer as a failure kind (see the channel contract in ../types.ts).
 * Called after authorizedFetch already spent its one refresh, so a 401 here means auth.
 */
export function classifyGmailError(status: number, body: unknown, headers: Headers, now = Date.now()): ApiFailure {
  const { code, reason, message } = parseProviderError(body);
  const text = `Gmail API ${status}${reason ? ` ${reason}` : ''}: ${message ?? 'no error message'}`;
  const failure = (kind: ApiFailure['kind'], retryAfterSeconds?: number): ApiFailure =>
    ({ ok: false, kind, code: reason ?? code ?? `http_${status}`, message: text, ...(retryAfterSeconds !== undefined && { retryAfterSeconds }) });
  const hinted = parseRetryAfter(headers.get('retry-after'), now) ?? retryAfterInMessage(message, now);

  if (reason === 'dailyLimitExceeded') return failure('rate_limited', hinted ?? DAILY_LIMIT_BACKOFF_SECONDS);
  if (status === 429 || (reason && RATE_REASONS.has(reason))) return failure('rate_limited', hinted ?? DEFAULT_BACKOFF_SECONDS);
  // 401 after a refresh, or 403: missing scope (the user unticked it), delegation denied, API
  // disabled by a Workspace admin. Only the user can fix any of these: reconnect, never retry.
  if (status === 401 || status === 403 || (reason && ACCOUNT_REASONS.has(reason))) return failure('auth');
  if (status === 408 || status >= 500) return failure('transient', hinted);
  // 400 invalidArgument ("Invalid To header"), 413 too large: sending it again cannot help.
  return failure('permanent');
}
