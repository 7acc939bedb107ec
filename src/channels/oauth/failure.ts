import type { SendResult } from '../types.js';

/** The failure half of SendResult: every API call in the OAuth channels reports problems this way. */
export type ApiFailure = Extract<SendResult, { ok: false }>;

/**
 * fetchInbound has no failure value in the EmailChannel contract, so it throws this instead; `kind`
 * still tells the poller whether to back off (rate_limited, transient) or ask for a reconnect (auth).
 */
export class ChannelApiError extends Error {
  readonly kind: ApiFailure['kind'];
  readonly code: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly status: number | null;

  constructor(failure: ApiFailure, status: number | null = null) {
    super(failure.message);
    this.name = 'ChannelApiError';
    this.kind = failure.kind;
    this.code = failure.code;
    this.retryAfterSeconds = failure.retryAfterSeconds;
    this.status = status;
  }
}

/** fetch() rejections, in words: the errno (ECONNREFUSED…) or "timed out"; never the request itself. */
export function networkErrorText(error: unknown): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } } | null;
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'timed out';
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(error);
}
