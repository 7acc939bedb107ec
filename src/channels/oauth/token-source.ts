import { refreshAccessToken, type RefreshResult } from './refresh-token.js';

/** The tokens as the caller stores them (decrypted); the access token may be missing or stale. */
export interface StoredTokens {
  accessToken?: string | null;
  expiresAt?: Date | null;
  refreshToken: string;
  scopes?: readonly string[] | null;
}

/** What onTokens receives after each successful refresh: everything to persist, rotated refresh token included. */
export interface OAuthTokens {
  accessToken: string;
  expiresAt: Date;
  refreshToken: string;
  scopes: string[];
}

export interface TokenSourceOptions {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  tokens: StoredTokens;
  /** Scopes to name on refresh (Microsoft asks for them), space-separated. */
  scope?: string;
  /**
   * Persist refreshed tokens (encrypted: the caller's job). Awaited; if it throws, the call that
   * triggered the refresh rejects, so a storage failure is loud rather than a silently lost rotation.
   */
  onTokens?: (tokens: OAuthTokens) => void | Promise<void>;
  /** Refresh this long before expiry, so no request leaves with a token about to lapse. */
  refreshMarginSeconds?: number;
  now?: () => number;
  timeoutMs?: number;
}

export type TokenFailure = Extract<RefreshResult, { ok: false }>;
export type TokenResult = { ok: true; accessToken: string } | TokenFailure;

export interface TokenSource {
  /** A usable access token, refreshed first when it expires within the margin. */
  getAccessToken(): Promise<TokenResult>;
  /** The API refused `rejected` (401): get a new one now, unless another call already replaced it. */
  refreshAfterRejection(rejected: string): Promise<TokenResult>;
  /** Granted scopes, when known (from storage or the latest refresh). */
  readonly scopes: readonly string[] | null;
}

/**
 * Holds one mailbox's access token and refreshes it. At most one refresh is in flight: concurrent
 * sends share it. Once the provider says the grant is dead (`auth`), that answer sticks and the
 * token endpoint is not asked again: reconnecting the mailbox makes a new TokenSource.
 */
export function createTokenSource(opts: TokenSourceOptions): TokenSource {
  const now = opts.now ?? Date.now;
  const margin = (opts.refreshMarginSeconds ?? 60) * 1000;
  let accessToken = opts.tokens.accessToken ?? null;
  let expiresAt = opts.tokens.expiresAt?.getTime() ?? 0;
  let refreshToken = opts.tokens.refreshToken;
  let scopes: string[] | null = opts.tokens.scopes?.length ? [...opts.tokens.scopes] : null;
  let dead: TokenFailure | null = null;
  let inFlight: Promise<TokenResult> | null = null;

  const usable = () => accessToken !== null && now() < expiresAt;
  const fresh = () => accessToken !== null && now() < expiresAt - margin;

  async function doRefresh(): Promise<TokenResult> {
    const r = await refreshAccessToken({ tokenUrl: opts.tokenUrl, clientId: opts.clientId, clientSecret: opts.clientSecret, refreshToken, scope: opts.scope, now, timeoutMs: opts.timeoutMs });
    if (!r.ok) {
      if (r.kind === 'auth') dead = r;
      return r;
    }
    accessToken = r.accessToken;
    expiresAt = r.expiresAt.getTime();
    if (r.refreshToken) refreshToken = r.refreshToken;
    if (r.scopes.length) scopes = r.scopes;
    await opts.onTokens?.({ accessToken: r.accessToken, expiresAt: r.expiresAt, refreshToken, scopes: scopes ?? [] });
    return { ok: true, accessToken: r.accessToken };
  }

  function refresh(): Promise<TokenResult> {
    if (dead) return Promise.resolve(dead);
    inFlight ??= doRefresh().finally(() => {
      inFlight = null;
    });
    return inFlight;
  }

  return {
    async getAccessToken() {
      if (dead) return dead;
      if (fresh()) return { ok: true, accessToken: accessToken! };
      const r = await refresh();
      // An early refresh that failed for a passing reason must not fail a call the old token can still make.
      if (!r.ok && r.kind === 'transient' && usable()) return { ok: true, accessToken: accessToken! };
      return r;
    },

    async refreshAfterRejection(rejected) {
      if (dead) return dead;
      if (accessToken !== rejected && usable()) return { ok: true, accessToken: accessToken! };
      if (accessToken === rejected) expiresAt = 0; // known bad: never hand it out again
      return refresh();
    },

    get scopes() {
      return scopes;
    },
  };
}
