import { networkErrorText } from './failure.js';
import { parseProviderError, readJson } from './provider-error.js';
import { parseRetryAfter } from './retry-after.js';

export interface RefreshRequest {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  /** Microsoft wants the scopes again on refresh; Google ignores it. Space-separated. */
  scope?: string;
  now?: () => number;
  timeoutMs?: number;
}

export type RefreshResult =
  | {
      ok: true;
      accessToken: string;
      expiresAt: Date;
      /** Present when the provider rotated it (Microsoft does, every time): store it, the caller must. */
      refreshToken?: string;
      /** Scopes granted, when the provider said (both do); empty when it did not. */
      scopes: string[];
    }
  | { ok: false; kind: 'auth' | 'transient'; code: string; message: string; retryAfterSeconds?: number };

/**
 * One refresh_token grant (RFC 6749 §6). Failures are values: `auth` means this refresh token will
 * never work again as asked (revoked, expired, consent withdrawn, client secret wrong), so the
 * caller must stop and ask the user to reconnect; `transient` means try later.
 * Nothing secret is put in a message: provider texts are passed on with the refresh token and client secret redacted.
 */
export async function refreshAccessToken(req: RefreshRequest): Promise<RefreshResult> {
  const now = req.now ?? Date.now;
  const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: req.refreshToken, client_id: req.clientId, client_secret: req.clientSecret });
  if (req.scope) form.set('scope', req.scope);
  let response: Response;
  try {
    response = await fetch(req.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form,
      signal: AbortSignal.timeout(req.timeoutMs ?? 30_000),
    });
  } catch (error) {
    return { ok: false, kind: 'transient', code: 'network', message: `token endpoint unreachable: ${networkErrorText(error)}` };
  }
  const body = await readJson(response);
  // Real secrets are long; a short test value would only mangle ordinary words.
  const secrets = [req.refreshToken, req.clientSecret].filter((s) => s.length >= 8);
  const redact = (text: string) => secrets.reduce((t, secret) => t.split(secret).join('[redacted]'), text);

  if (response.ok) {
    const t = (body ?? {}) as { access_token?: unknown; expires_in?: unknown; refresh_token?: unknown; scope?: unknown };
    if (typeof t.access_token !== 'string' || !t.access_token) {
      return { ok: false, kind: 'transient', code: 'invalid_response', message: `token endpoint answered ${response.status} without an access token` };
    }
    // Google has sent expires_in as a string in the past; an absent one is taken as the usual hour.
    const ttl = Number(t.expires_in ?? 3600);
    return {
      ok: true,
      accessToken: t.access_token,
      expiresAt: new Date(now() + (Number.isFinite(ttl) && ttl > 0 ? ttl : 3600) * 1000),
      ...(typeof t.refresh_token === 'string' && t.refresh_token && { refreshToken: t.refresh_token }),
      scopes: typeof t.scope === 'string' ? t.scope.split(/\s+/).filter(Boolean) : [],
    };
  }

  const { code, message } = parseProviderError(body);
  const text = redact(`token refresh refused (HTTP ${response.status}${code ? ` ${code}` : ''})${message ? `: ${message}` : ''}`);
  // 408/429/5xx: the endpoint is busy or down, the grant itself may be fine.
  if (response.status === 408 || response.status === 429 || response.status >= 500) {
    const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'), now());
    return { ok: false, kind: 'transient', code: code ?? `http_${response.status}`, message: text, ...(retryAfterSeconds !== undefined && { retryAfterSeconds }) };
  }
  // Any other refusal (invalid_grant, invalid_client, unauthorized_client, invalid_scope,
  // interaction_required…) comes back the same however often we ask: never a retry loop.
  return { ok: false, kind: 'auth', code: code ?? `http_${response.status}`, message: text };
}
