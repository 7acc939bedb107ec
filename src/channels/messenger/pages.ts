import { graphRequest, type GraphSettings } from './client.js';
import type { GraphResult } from './errors.js';

/** What we ask the person connecting their pages for (Facebook Login scope, comma-separated). */
export const LOGIN_SCOPES = ['pages_show_list', 'pages_messaging', 'pages_manage_metadata', 'pages_read_engagement'] as const;
/** Without these the channel cannot work: list pages, send, and subscribe the app to webhooks. */
export const REQUIRED_PERMISSIONS = ['pages_show_list', 'pages_messaging', 'pages_manage_metadata'] as const;
/** The webhook fields the app subscribes each page to. */
export const WEBHOOK_FIELDS = ['messages', 'messaging_postbacks', 'message_echoes', 'message_deliveries', 'message_reads'] as const;

export interface UserToken {
  accessToken: string;
  /** Seconds until it expires; null when Facebook did not say. */
  expiresIn: number | null;
}

export interface ManagedPage {
  id: string;
  name: string;
  accessToken: string;
  /** What the user may do on the page (MESSAGING, MANAGE…); empty when Graph omitted it. */
  tasks: string[];
}

/** The Facebook Login dialog URL the browser is sent to. */
export function loginDialogUrl(opts: { oauthUrl: string; apiVersion: string; appId: string; redirectUri: string; state: string }): string {
  const url = new URL(`${opts.oauthUrl}/${opts.apiVersion}/dialog/oauth`);
  url.searchParams.set('client_id', opts.appId);
  url.searchParams.set('redirect_uri', opts.redirectUri);
  url.searchParams.set('state', opts.state);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', LOGIN_SCOPES.join(','));
  return url.toString();
}

interface TokenAnswer { access_token?: string; expires_in?: number }
const toUserToken = (res: GraphResult<TokenAnswer>): GraphResult<UserToken> => {
  if (!res.ok) return res;
  if (!res.data.access_token) return { ok: false, kind: 'permanent', code: null, subcode: null, status: 200, message: 'Facebook returned no access token' };
  return { ok: true, data: { accessToken: res.data.access_token, expiresIn: typeof res.data.expires_in === 'number' ? res.data.expires_in : null } };
};

/** The login code for a short-lived user token (the redirect URI must repeat the dialog's exactly). */
export async function exchangeCode(s: GraphSettings, code: string, redirectUri: string): Promise<GraphResult<UserToken>> {
  return toUserToken(await graphRequest<TokenAnswer>(s, { path: '/oauth/access_token', query: { client_id: s.appId, client_secret: s.appSecret, redirect_uri: redirectUri, code } }));
}

/** A short-lived user token for a long-lived one (about 60 days); page tokens read with it do not expire. */
export async function exchangeToken(s: GraphSettings, shortLivedToken: string): Promise<GraphResult<UserToken>> {
  return toUserToken(await graphRequest<TokenAnswer>(s, { path: '/oauth/access_token', query: { grant_type: 'fb_exchange_token', client_id: s.appId, client_secret: s.appSecret, fb_exchange_token: shortLivedToken } }));
}

/** Permissions the user granted or declined at the dialog. */
export async function getPermissions(s: GraphSettings, userToken: string): Promise<GraphResult<{ granted: string[]; declined: string[] }>> {
  const res = await graphRequest<{ data?: { permission: string; status: string }[] }>(s, { path: '/me/permissions', accessToken: userToken });
  if (!res.ok) return res;
  const rows = res.data.data ?? [];
  return { ok: true, data: { granted: rows.filter((r) => r.status === 'granted').map((r) => r.permission), declined: rows.filter((r) => r.status === 'declined').map((r) => r.permission) } };
}

/** Most pages one person can manage that we read; Graph pages them 25 at a time. */
const MAX_PAGES = 1000;

/** Every page the user manages, with its page token, following Graph's paging links. */
export async function listPages(s: GraphSettings, userToken: string): Promise<GraphResult<ManagedPage[]>> {
  const pages: ManagedPage[] = [];
  let next: string | null = '/me/accounts';
  let query: Record<string, string> | undefined = { fields: 'id,name,access_token,tasks', limit: '100' };
  while (next && pages.length < MAX_PAGES) {
    const res: GraphResult<{ data?: { id: string; name: string; access_token?: string; tasks?: string[] }[]; paging?: { next?: string } }> =
      await graphRequest(s, { path: next, query, accessToken: userToken });
    if (!res.ok) return res;
    for (const p of res.data.data ?? []) if (p.access_token) pages.push({ id: p.id, name: p.name, accessToken: p.access_token, tasks: p.tasks ?? [] });
    next = res.data.paging?.next ?? null;
    query = undefined; // the paging link carries every parameter
  }
  return { ok: true, data: pages };
}

/** Subscribes our app to the page's webhook fields (POST /{page-id}/subscribed_apps with the page token). */
export async function subscribeApp(s: GraphSettings, pageId: string, pageToken: string, fields: readonly string[] = WEBHOOK_FIELDS): Promise<GraphResult<{ success: boolean }>> {
  const res = await graphRequest<{ success?: boolean }>(s, { method: 'POST', path: `/${pageId}/subscribed_apps`, query: { subscribed_fields: fields.join(',') }, accessToken: pageToken });
  if (!res.ok) return res;
  if (res.data.success !== true) return { ok: false, kind: 'permanent', code: null, subcode: null, status: 200, message: 'Facebook did not confirm the webhook subscription' };
  return { ok: true, data: { success: true } };
}

/** Stops webhook deliveries for the page to our app (DELETE /{page-id}/subscribed_apps). */
export async function unsubscribeApp(s: GraphSettings, pageId: string, pageToken: string): Promise<GraphResult<{ success: boolean }>> {
  const res = await graphRequest<{ success?: boolean }>(s, { method: 'DELETE', path: `/${pageId}/subscribed_apps`, accessToken: pageToken });
  if (!res.ok) return res;
  return { ok: true, data: { success: res.data.success === true } };
}
