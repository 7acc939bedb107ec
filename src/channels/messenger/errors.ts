import { parseRetryAfter } from '../oauth/retry-after.js';

/**
 * What a failed Graph call means for the caller:
 * - auth: the token no longer works (190): the page needs reconnecting, never retried;
 * - outside_window: Messenger's messaging window is closed for this person (10/2018278 and the
 *   other policy refusals): failed, never retried — only the person writing again reopens it;
 * - unavailable: the person cannot be messaged (551: blocked the page, deactivated);
 * - rate_limited: slow down (613, 4, 17, 32, 80006), honouring retryAfterSeconds;
 * - transient: try again later (2, 1 with is_transient, HTTP 5xx, network);
 * - permanent: anything else (bad parameter, missing permission): sending again cannot help.
 */
export type GraphFailureKind = 'auth' | 'outside_window' | 'unavailable' | 'rate_limited' | 'transient' | 'permanent';

export interface GraphFailure {
  ok: false;
  kind: GraphFailureKind;
  /** Graph's error code and subcode, null when there was no Graph answer (network, HTML page). */
  code: number | null;
  subcode: number | null;
  message: string;
  /** HTTP status; null when the request never got an answer. */
  status: number | null;
  retryAfterSeconds?: number;
  fbtraceId?: string;
}

export type GraphResult<T> = { ok: true; data: T } | GraphFailure;

/** Policy refusals that mean "not allowed to message this person now". */
const WINDOW_SUBCODES = new Set([2018278, 2018108, 2018065, 2018109]);
const RATE_CODES = new Set([4, 17, 32, 613, 80006]);
/** Without a hint from Graph, how long to wait before trying again. */
export const DEFAULT_RATE_BACKOFF_SECONDS = 60;

interface GraphErrorBody {
  message?: unknown;
  type?: unknown;
  code?: unknown;
  error_subcode?: unknown;
  is_transient?: unknown;
  fbtrace_id?: unknown;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : null);

/**
 * Graph says how long a throttled app or page waits in its usage headers, in minutes:
 * X-Business-Use-Case-Usage `{"<id>":[{…, "estimated_time_to_regain_access": 5}]}` (page-level,
 * what Messenger sends hit) or X-App-Usage. Retry-After is honoured when present.
 */
export function retryAfterFromHeaders(headers: Headers, now = Date.now()): number | undefined {
  const explicit = parseRetryAfter(headers.get('retry-after'), now);
  if (explicit !== undefined) return explicit;
  let minutes: number | undefined;
  for (const name of ['x-business-use-case-usage', 'x-app-usage', 'x-ad-account-usage']) {
    const raw = headers.get(name);
    if (!raw) continue;
    try {
      const parsed = JSON.parse(raw) as unknown;
      const entries = name === 'x-business-use-case-usage' && parsed && typeof parsed === 'object' ? Object.values(parsed).flat() : [parsed];
      for (const e of entries) {
        const m = num((e as { estimated_time_to_regain_access?: unknown } | null)?.estimated_time_to_regain_access);
        if (m !== null) minutes = Math.max(minutes ?? 0, m);
      }
    } catch {
      // A malformed usage header says nothing; fall back to the default.
    }
  }
  return minutes === undefined ? undefined : minutes * 60;
}

/** Turns a non-2xx Graph answer (or none) into a failure value; see GraphFailureKind. */
export function classifyGraphError(status: number | null, body: unknown, headers: Headers | null, now = Date.now()): GraphFailure {
  const err = (body && typeof body === 'object' ? (body as { error?: GraphErrorBody }).error : undefined) ?? {};
  const code = num(err.code);
  const subcode = num(err.error_subcode);
  const text = typeof err.message === 'string' && err.message ? err.message : status === null ? 'no answer from Facebook' : `HTTP ${status} without a Graph error`;
  const message = `Facebook ${code !== null ? `error ${code}${subcode !== null ? `/${subcode}` : ''}` : `HTTP ${status ?? '-'}`}: ${text}`;
  const failure = (kind: GraphFailureKind, retryAfterSeconds?: number): GraphFailure => ({
    ok: false, kind, code, subcode, message, status,
    ...(retryAfterSeconds !== undefined && { retryAfterSeconds }),
    ...(typeof err.fbtrace_id === 'string' && { fbtraceId: err.fbtrace_id }),
  });
  const hinted = headers ? retryAfterFromHeaders(headers, now) : undefined;

  if (code === 190 || code === 102) return failure('auth');
  if (code === 10 && subcode !== null && WINDOW_SUBCODES.has(subcode)) return failure('outside_window');
  if (code === 551) return failure('unavailable');
  if (code !== null && RATE_CODES.has(code)) return failure('rate_limited', hinted ?? DEFAULT_RATE_BACKOFF_SECONDS);
  if (code === 1 || code === 2 || err.is_transient === true || status === null || status >= 500 || status === 429) return failure('transient', hinted);
  return failure('permanent');
}
