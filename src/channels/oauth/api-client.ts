import { authorizedFetch } from './authorized-fetch.js';
import type { ApiFailure } from './failure.js';
import { readJson } from './provider-error.js';
import type { TokenSource } from './token-source.js';

export type ApiResult<T> = { ok: true; status: number; data: T } | { ok: false; status: number | null; failure: ApiFailure };

/** Turns a non-2xx answer into the channel's failure kinds; one per provider. */
export type ClassifyError = (status: number, body: unknown, headers: Headers) => ApiFailure;

export interface ApiRequest {
  method?: 'GET' | 'POST';
  /** Appended as is: callers encode (Graph wants `$select`, not `%24select`). */
  query?: string;
  json?: unknown;
  body?: string;
  headers?: Record<string, string>;
  /** Read the answer as bytes (Graph's MIME `$value`) instead of JSON. */
  bytes?: boolean;
}

export interface ApiClient {
  /** `path` is relative to the base URL, or an absolute URL the caller has already checked. */
  request<T>(path: string, req?: ApiRequest): Promise<ApiResult<T>>;
}

/** One provider's HTTP API: bearer auth with refresh-on-401, JSON in and out, errors classified. */
export function createApiClient(opts: { baseUrl: string; tokenSource: TokenSource; classify: ClassifyError; headers?: Record<string, string>; timeoutMs?: number }): ApiClient {
  return {
    async request<T>(path: string, req: ApiRequest = {}): Promise<ApiResult<T>> {
      const url = `${/^https?:\/\//.test(path) ? path : `${opts.baseUrl}${path}`}${req.query ? `?${req.query}` : ''}`;
      const headers: Record<string, string> = { accept: 'application/json', ...opts.headers, ...req.headers };
      let body = req.body;
      if (req.json !== undefined) {
        body = JSON.stringify(req.json);
        headers['content-type'] = 'application/json';
      }
      const answer = await authorizedFetch(opts.tokenSource, url, { method: req.method ?? 'GET', headers, body }, opts.timeoutMs);
      if (!answer.ok) return { ok: false, status: null, failure: answer.failure };
      const { response } = answer;
      if (response.ok && req.bytes) return { ok: true, status: response.status, data: Buffer.from(await response.arrayBuffer()) as T };
      const data = await readJson(response);
      if (response.ok) return { ok: true, status: response.status, data: data as T };
      return { ok: false, status: response.status, failure: opts.classify(response.status, data, response.headers) };
    },
  };
}
