import { createApiClient, type ApiClient } from '../oauth/api-client.js';
import type { TokenSource } from '../oauth/token-source.js';
import { classifyGmailError } from './errors.js';

export interface GmailChannelOptions {
  /** https://gmail.googleapis.com (the fake's baseUrl in tests). */
  apiBaseUrl: string;
  tokenSource: TokenSource;
  /** The connected address; testConnection checks the token really is this mailbox's. */
  mailbox: string;
  now?: () => number;
  timeoutMs?: number;
}

export interface GmailContext {
  api: ApiClient;
  mailbox: string;
  tokenSource: TokenSource;
  now: () => number;
}

/** Paths are relative to users/me/: the token decides whose mailbox it is. */
export function createGmailContext(opts: GmailChannelOptions): GmailContext {
  const now = opts.now ?? Date.now;
  const api = createApiClient({
    baseUrl: `${opts.apiBaseUrl.replace(/\/$/, '')}/gmail/v1/users/me/`,
    tokenSource: opts.tokenSource,
    classify: (status, body, headers) => classifyGmailError(status, body, headers, now()),
    timeoutMs: opts.timeoutMs,
  });
  return { api, mailbox: opts.mailbox, tokenSource: opts.tokenSource, now };
}
