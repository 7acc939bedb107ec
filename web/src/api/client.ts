import { ApiError, type ProblemDetails } from './errors';
import { getStoredWorkspaceId } from './workspaceStore';

const API_BASE = '/api/v1';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, QueryValue>;
  /**
   * Set to false where a 401 does not mean "access token expired": bad credentials on login,
   * or public endpoints that never carry a session.
   */
  refreshOn401?: boolean;
  /** Set to false when the caller reacts to a lost session itself (auth guard, public pages). */
  redirectOn401?: boolean;
  /** Set to false for requests that are not workspace-scoped, so a stale stored id can't break them. */
  sendWorkspace?: boolean;
  signal?: AbortSignal;
  /** Reports upload progress of a FormData body (sent with XHR then, as fetch can't report it). */
  onUploadProgress?: (loaded: number, total: number) => void;
}

let csrfToken: string | null = null;
let csrfPromise: Promise<string> | null = null;
let refreshPromise: Promise<boolean> | null = null;
let sessionExpiredHandler: (() => void) | null = null;

/** Registered once by the app so the client can send the user to /login without knowing the router. */
export function setSessionExpiredHandler(handler: () => void): void {
  sessionExpiredHandler = handler;
}

/** Forget per-session state; a new session gets a new CSRF token. */
export function resetClientSession(): void {
  csrfToken = null;
  csrfPromise = null;
}

/** Same-origin URL of an API path, for plain links (downloads) that the browser fetches itself. */
/**
 * A URL for a full-page navigation or a download link, which cannot carry the x-workspace-id
 * header: the selected workspace travels as ?workspaceId= instead.
 */
export function apiUrl(path: string, query?: Record<string, QueryValue>): string {
  return buildUrl(path, { ...query, workspaceId: getStoredWorkspaceId() });
}

function buildUrl(path: string, query?: Record<string, QueryValue>): string {
  const url = API_BASE + path;
  if (!query) return url;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${url}?${qs}` : url;
}

/** XHR wrapped to look like fetch, for uploads that show progress. */
function sendWithXhr(method: Method, url: string, headers: Headers, body: FormData, options: RequestOptions): Promise<Response> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    headers.forEach((value, name) => xhr.setRequestHeader(name, value));
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) options.onUploadProgress?.(event.loaded, event.total);
    };
    xhr.onload = () => {
      const responseHeaders = new Headers();
      for (const line of xhr.getAllResponseHeaders().trim().split(/[\r\n]+/)) {
        const colon = line.indexOf(':');
        if (colon > 0) responseHeaders.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
      }
      // Response() refuses a body for these statuses, even an empty one.
      const nullBody = xhr.status === 204 || xhr.status === 205 || xhr.status === 304;
      resolve(new Response(nullBody ? null : xhr.responseText, { status: xhr.status, headers: responseHeaders }));
    };
    xhr.onerror = () => reject(new ApiError(0, {}));
    xhr.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
    options.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(body);
  });
}

async function rawFetch(method: Method, path: string, options: RequestOptions, csrf?: string): Promise<Response> {
  const headers = new Headers({ Accept: 'application/json, application/problem+json' });
  // FormData sets its own multipart Content-Type, boundary included.
  const isForm = options.body instanceof FormData;
  if (options.body !== undefined && !isForm) headers.set('Content-Type', 'application/json');
  if (csrf) headers.set('x-csrf-token', csrf);
  if (options.sendWorkspace !== false) {
    const workspaceId = getStoredWorkspaceId();
    if (workspaceId) headers.set('x-workspace-id', workspaceId);
  }
  const url = buildUrl(path, options.query);
  try {
    if (isForm && options.onUploadProgress) return await sendWithXhr(method, url, headers, options.body as FormData, options);
    return await fetch(url, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : isForm ? (options.body as FormData) : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, {});
  }
}

function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

async function toApiError(response: Response): Promise<ApiError> {
  let problem: ProblemDetails = {};
  try {
    const parsed: unknown = await response.json();
    if (parsed && typeof parsed === 'object') problem = parsed as ProblemDetails;
  } catch {
    // Non-JSON error bodies (proxies, crashes) fall back to a status-based message.
  }
  return new ApiError(response.status, problem, parseRetryAfter(response.headers.get('Retry-After')));
}

async function parseBody<T>(response: Response): Promise<T> {
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  if (!text) return undefined as T;
  return JSON.parse(text) as T;
}

function getCsrfToken(): Promise<string> {
  if (csrfToken) return Promise.resolve(csrfToken);
  csrfPromise ??= (async () => {
    const response = await rawFetch('GET', '/auth/csrf', { sendWorkspace: false });
    if (!response.ok) throw await toApiError(response);
    const { token } = await parseBody<{ token: string }>(response);
    csrfToken = token;
    return token;
  })().finally(() => {
    csrfPromise = null;
  });
  return csrfPromise;
}

/** Sends the request; a mutation rejected for a stale CSRF token is retried once with a fresh one. */
async function sendWithCsrf(method: Method, path: string, options: RequestOptions): Promise<Response> {
  if (method === 'GET') return rawFetch(method, path, options);
  const response = await rawFetch(method, path, options, await getCsrfToken());
  if (response.status !== 403) return response;
  const error = await toApiError(response);
  if (!error.isCsrfFailure) throw error;
  csrfToken = null;
  return rawFetch(method, path, options, await getCsrfToken());
}

/** Concurrent 401s share one refresh call so the refresh token is rotated only once. */
function refreshSession(): Promise<boolean> {
  refreshPromise ??= sendWithCsrf('POST', '/auth/refresh', { sendWorkspace: false })
    .then((response) => response.ok)
    .catch(() => false)
    .finally(() => {
      refreshPromise = null;
    });
  return refreshPromise;
}

export async function request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
  let response = await sendWithCsrf(method, path, options);

  if (response.status === 401 && options.refreshOn401 !== false) {
    if (await refreshSession()) {
      // A second 401 with a fresh session is a real answer (e.g. wrong current password), not expiry.
      response = await sendWithCsrf(method, path, options);
    } else {
      const error = await toApiError(response);
      resetClientSession();
      if (options.redirectOn401 !== false) sessionExpiredHandler?.();
      throw error;
    }
  }

  if (!response.ok) throw await toApiError(response);
  return parseBody<T>(response);
}

export const api = {
  get: <T>(path: string, options?: Omit<RequestOptions, 'body'>) => request<T>('GET', path, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('POST', path, { ...options, body }),
  patch: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PATCH', path, { ...options, body }),
  delete: <T = void>(path: string, options?: RequestOptions) => request<T>('DELETE', path, options),
  /** Multipart upload of one file in the field the endpoint names. */
  upload: <T>(path: string, field: string, file: Blob, filename: string, options?: Omit<RequestOptions, 'body'>) => {
    const form = new FormData();
    form.append(field, file, filename);
    return request<T>('POST', path, { ...options, body: form });
  },
};
