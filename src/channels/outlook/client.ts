import { createApiClient, type ApiClient } from '../oauth/api-client.js';
import type { TokenSource } from '../oauth/token-source.js';
import { classifyGraphError } from './errors.js';

export interface OutlookChannelOptions {
  /** https://graph.microsoft.com (the fake's baseUrl in tests); /v1.0 is added here. */
  graphBaseUrl: string;
  tokenSource: TokenSource;
  /** The connected address; testConnection checks the token really is this mailbox's. */
  mailbox: string;
  now?: () => number;
  timeoutMs?: number;
}

export interface OutlookContext {
  api: ApiClient;
  /** `${graphBaseUrl}/v1.0`: every path and every link we follow starts here. */
  root: string;
  mailbox: string;
  tokenSource: TokenSource;
  now: () => number;
}

/**
 * Message ids change when a message moves between folders unless every request asks for
 * immutable ones; providerId must stay stable, so every request does.
 */
export const IMMUTABLE_IDS = 'IdType="ImmutableId"';

export function createOutlookContext(opts: OutlookChannelOptions): OutlookContext {
  const now = opts.now ?? Date.now;
  const root = `${opts.graphBaseUrl.replace(/\/$/, '')}/v1.0`;
  const api = createApiClient({
    baseUrl: root,
    tokenSource: opts.tokenSource,
    classify: (status, body, headers) => classifyGraphError(status, body, headers, now()),
    headers: { prefer: IMMUTABLE_IDS },
    timeoutMs: opts.timeoutMs,
  });
  return { api, root, mailbox: opts.mailbox, tokenSource: opts.tokenSource, now };
}

/**
 * Links (nextLink, deltaLink, a stored cursor) are fetched with the mailbox's token, so only ones
 * on our Graph host are followed: a tampered cursor must not send the token elsewhere.
 */
export const isGraphLink = (ctx: OutlookContext, link: string) => link.startsWith(`${ctx.root}/`);

/** OData options as Graph documents them: `$select=…`, not `%24select=…`; values encoded. */
export function odataQuery(params: Record<string, string>): string {
  return Object.entries(params).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
}
