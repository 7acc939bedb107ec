import { networkErrorText, type ApiFailure } from './failure.js';
import type { TokenSource } from './token-source.js';

export type AuthorizedResponse = { ok: true; response: Response } | { ok: false; failure: ApiFailure };

/**
 * fetch() with the mailbox's bearer token. A 401 gets exactly one token refresh and one retry; a
 * second 401 is returned as is for the provider's classifier to call `auth`. Token and network
 * problems come back as values. Bodies are re-sendable (strings/buffers), so the retry is safe.
 * A network error or timeout on a send is ambiguous (it may have left): its code says so
 * (`network`, `timeout`) and the engine checks findSent before sending again.
 */
export async function authorizedFetch(tokens: TokenSource, url: string, init: RequestInit = {}, timeoutMs = 30_000): Promise<AuthorizedResponse> {
  const first = await tokens.getAccessToken();
  if (!first.ok) return { ok: false, failure: first };
  const attempt = async (token: string): Promise<AuthorizedResponse> => {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${token}`);
    try {
      return { ok: true, response: await fetch(url, { ...init, headers, signal: AbortSignal.timeout(timeoutMs) }) };
    } catch (error) {
      const text = networkErrorText(error);
      return { ok: false, failure: { ok: false, kind: 'transient', code: text === 'timed out' ? 'timeout' : 'network', message: `${new URL(url).host}: ${text}` } };
    }
  };
  const answer = await attempt(first.accessToken);
  if (!answer.ok || answer.response.status !== 401) return answer;
  await answer.response.body?.cancel();
  const second = await tokens.refreshAfterRejection(first.accessToken);
  if (!second.ok) return { ok: false, failure: second };
  return attempt(second.accessToken);
}
