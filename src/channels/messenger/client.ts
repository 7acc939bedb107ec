import { createHmac } from 'node:crypto';
import { classifyGraphError, type GraphResult } from './errors.js';

/** Where Graph is and which app calls it; built once from config.facebook. */
export interface GraphSettings {
  graphUrl: string;
  apiVersion: string;
  appId: string;
  appSecret: string;
  timeoutMs?: number;
}

export interface GraphRequest {
  method?: 'GET' | 'POST' | 'DELETE';
  /** Relative to the versioned base ("/me/accounts"), or a paging URL Graph handed back. */
  path: string;
  query?: Record<string, string>;
  accessToken?: string;
  json?: unknown;
}

const DEFAULT_TIMEOUT_MS = 15_000;

/** HMAC-SHA256 of the token with the app secret: proves the call comes from the app's server. */
export const appSecretProof = (appSecret: string, accessToken: string) => createHmac('sha256', appSecret).update(accessToken).digest('hex');

function buildUrl(s: GraphSettings, req: GraphRequest): URL | null {
  const base = new URL(`${s.graphUrl}/${s.apiVersion}`);
  const url = /^https?:\/\//.test(req.path) ? new URL(req.path) : new URL(`${base.toString().replace(/\/$/, '')}${req.path}`);
  // Paging links come from the answer: never send a token to any other host.
  if (url.origin !== base.origin) return null;
  for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, v);
  if (req.accessToken) {
    url.searchParams.set('access_token', req.accessToken);
    url.searchParams.set('appsecret_proof', appSecretProof(s.appSecret, req.accessToken));
  }
  return url;
}

/** One Graph call: JSON in and out, every failure (HTTP, Graph envelope, network) a classified value. */
export async function graphRequest<T>(s: GraphSettings, req: GraphRequest): Promise<GraphResult<T>> {
  const url = buildUrl(s, req);
  if (!url) return { ok: false, kind: 'permanent', code: null, subcode: null, status: null, message: `refused to follow a Graph link to another host (${new URL(req.path).origin})` };
  let response: Response;
  try {
    response = await fetch(url, {
      method: req.method ?? 'GET',
      headers: { accept: 'application/json', ...(req.json !== undefined && { 'content-type': 'application/json' }) },
      body: req.json !== undefined ? JSON.stringify(req.json) : undefined,
      signal: AbortSignal.timeout(s.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
  } catch (err) {
    const failure = classifyGraphError(null, null, null);
    return { ...failure, message: `Facebook could not be reached: ${(err as Error).message}` };
  }
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (response.ok && body !== null && !(typeof body === 'object' && 'error' in body)) return { ok: true, data: body as T };
  return classifyGraphError(response.status, body, response.headers);
}
