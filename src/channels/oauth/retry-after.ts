/**
 * How long a provider asked us to wait, in whole seconds. Retry-After is either delta-seconds or
 * an HTTP-date (RFC 9110 §10.2.3); a date already past means "now" (0), garbage means "not said".
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  // Integers per the spec; a decimal ("1.5") is not, but rounding it up does no harm.
  if (/^\d+(\.\d+)?$/.test(v)) return Math.ceil(Number(v));
  // All three HTTP-date forms start with the day name; anything else ("-5", "soon") is not a date.
  return /^[A-Za-z]{3}/.test(v) ? untilDate(v, now) : undefined;
}

/**
 * Gmail often says when in the error text instead of a header:
 * "User-rate limit exceeded.  Retry after 2024-11-12T11:16:42.247Z".
 */
export function retryAfterInMessage(message: string | null | undefined, now = Date.now()): number | undefined {
  const at = /retry after (\d{4}-\d\d-\d\dT[\d:.]+Z)/i.exec(message ?? '')?.[1];
  return at ? untilDate(at, now) : undefined;
}

function untilDate(text: string, now: number): number | undefined {
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}
