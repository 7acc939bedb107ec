import type { ApiFailure } from '../oauth/failure.js';
import { parseProviderError } from '../oauth/provider-error.js';
import { parseRetryAfter } from '../oauth/retry-after.js';

/** Graph throttling windows are short; without a Retry-After, wait a minute. */
export const DEFAULT_BACKOFF_SECONDS = 60;
/** 404s that mean the mailbox cannot use Graph at all (on-premises, no Exchange licence): only the user can fix that. */
const MAILBOX_UNUSABLE = new Set(['MailboxNotEnabledForRESTAPI', 'MailboxNotSupportedForRESTAPI']);

/**
 * A Graph error answer as a failure kind (see ../types.ts). Called after authorizedFetch already
 * spent its one refresh, so a 401 here means the grant no longer works.
 */
export function classifyGraphError(status: number, body: unknown, headers: Headers, now = Date.now()): ApiFailure {
  const { code, message } = parseProviderError(body);
  const text = `Microsoft Graph ${status}${code ? ` ${code}` : ''}: ${message ?? 'no error message'}`;
  const retryAfterSeconds = parseRetryAfter(headers.get('retry-after'), now);
  const failure = (kind: ApiFailure['kind'], retry = retryAfterSeconds): ApiFailure =>
    ({ ok: false, kind, code: code ?? `http_${status}`, message: text, ...(retry !== undefined && { retryAfterSeconds: retry }) });

  if (status === 429) return failure('rate_limited', retryAfterSeconds ?? DEFAULT_BACKOFF_SECONDS);
  // 401 after a refresh; 403 ErrorAccessDenied (Mail.Send unticked), ErrorSendAsDenied: reconnect, never retry.
  if (status === 401 || status === 403 || (code && MAILBOX_UNUSABLE.has(code))) return failure('auth', undefined);
  // 503 serviceNotAvailable comes with a Retry-After, which the retry should honour.
  if (status === 408 || status >= 500) return failure('transient');
  // 400 ErrorInvalidRecipients, 413 too large, malformed MIME: sending it again cannot help.
  return failure('permanent', undefined);
}
