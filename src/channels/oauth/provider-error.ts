/** What a provider said went wrong, whichever of its three error shapes it used. */
export interface ProviderError {
  /** Google API `status` (RESOURCE_EXHAUSTED), Graph `code` (ErrorInvalidRecipients) or OAuth `error` (invalid_grant). */
  code: string | null;
  /** Google's finer `errors[0].reason` (rateLimitExceeded, dailyLimitExceeded); null elsewhere. */
  reason: string | null;
  message: string | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

/**
 * Reads the three envelopes we meet:
 * - Google APIs: `{error: {code: 429, message, status, errors: [{reason, domain, message}]}}`
 * - Microsoft Graph: `{error: {code: "TooManyRequests", message, innerError}}`
 * - OAuth token endpoints (RFC 6749 §5.2): `{error: "invalid_grant", error_description}`
 */
export function parseProviderError(body: unknown): ProviderError {
  if (!body || typeof body !== 'object') return { code: null, reason: null, message: null };
  const { error, error_description: description } = body as { error?: unknown; error_description?: unknown };
  if (typeof error === 'string') return { code: error, reason: null, message: str(description) };
  if (!error || typeof error !== 'object') return { code: null, reason: null, message: null };
  const e = error as { code?: unknown; status?: unknown; message?: unknown; errors?: unknown };
  const first = Array.isArray(e.errors) ? (e.errors[0] as { reason?: unknown } | undefined) : undefined;
  return { code: str(e.status) ?? str(e.code), reason: str(first?.reason), message: str(e.message) };
}

/** The body as JSON when it is JSON; null otherwise (HTML error pages, empty 202s). */
export async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
