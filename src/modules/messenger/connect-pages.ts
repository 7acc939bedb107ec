import { randomBytes, randomUUID } from 'node:crypto';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { facebookPages, oauthStates } from '../../db/schema/index.js';
import { exchangeCode, exchangeToken, getPermissions, listPages, loginDialogUrl, REQUIRED_PERMISSIONS, subscribeApp, WEBHOOK_FIELDS, type GraphFailure, type ManagedPage } from '../../channels/messenger/index.js';
import { encrypt } from '../../lib/crypto.js';
import { AppError } from '../../lib/problems.js';
import { sha256 } from '../../lib/tokens.js';
import { assertWithinLimit } from '../billing/limits.js';
import { requireMessenger } from './messenger-config.js';
import { sealPageToken } from './pages.js';

/**
 * "Connect Facebook Pages": Facebook Login (code flow, single-use state bound to the user and
 * workspace) → short-lived user token → long-lived token → the pages the user manages, each with
 * its page token (sealed at rest) → our app subscribed to each page's webhook fields.
 *
 * The state lives in oauth_states like the mailbox flows, under provider 'facebook'. Facebook's
 * standard Login code flow has no PKCE, so code_verifier_enc (required) holds a sealed empty value.
 */
const PROVIDER = 'facebook' as const;
const STATE_TTL_MS = 10 * 60_000;

export const facebookCallbackUrl = (config: Config) => `${config.publicUrl}/api/v1/channels/facebook/oauth/callback`;

export class ConnectFailure extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** Where to send the browser to start connecting pages. */
export async function startPageConnect(db: Db, config: Config, who: { userId: string; workspaceId: string }): Promise<string> {
  const { fb } = requireMessenger(config);
  const state = randomBytes(32).toString('base64url');
  await db.insert(oauthStates).values({
    stateHash: sha256(state), workspaceId: who.workspaceId, userId: who.userId, provider: PROVIDER,
    codeVerifierEnc: encrypt(config.secrets, '', `oauth-state:${PROVIDER}`), expiresAt: new Date(Date.now() + STATE_TTL_MS),
  });
  return loginDialogUrl({ oauthUrl: fb.oauthUrl, apiVersion: fb.apiVersion, appId: fb.appId, redirectUri: facebookCallbackUrl(config), state });
}

/** Spends the state once; only the user who started the flow may finish it. Returns its workspace. */
async function consumeState(db: Db, state: string | undefined, userId: string): Promise<string> {
  if (!state) throw new ConnectFailure('invalid_state', 'The sign-in response has no state.');
  const [row] = await db.update(oauthStates).set({ usedAt: new Date() })
    .where(and(eq(oauthStates.stateHash, sha256(state)), eq(oauthStates.provider, PROVIDER), isNull(oauthStates.usedAt), gt(oauthStates.expiresAt, new Date())))
    .returning({ workspaceId: oauthStates.workspaceId, userId: oauthStates.userId });
  if (!row || row.userId !== userId) throw new ConnectFailure('invalid_state', 'This sign-in link is invalid, expired or was already used; start again.');
  return row.workspaceId;
}

const graphFailed = (step: string, f: GraphFailure) => new ConnectFailure('facebook_error', `Facebook refused ${step}: ${f.message}`);

export interface ConnectResult {
  workspaceId: string;
  /** Pages connected (or reconnected) and subscribed. */
  connected: number;
  /** Pages stored but whose webhook subscription failed: they show "reconnect needed" with the reason. */
  failed: number;
  /** Pages the user cannot message from (no MESSAGING task), left out. */
  skipped: string[];
  /** New pages left out because the plan's page limit is reached (billing only). */
  limited: string[];
}

/** The person must be able to answer messages on the page. */
const canMessage = (p: ManagedPage) => p.tasks.length === 0 || p.tasks.includes('MESSAGING') || p.tasks.includes('MANAGE');

/** A page not connected yet (or disconnected) takes a place under the plan's page limit; a reconnect does not. */
async function takesPlace(db: Db, workspaceId: string, pageId: string) {
  const [row] = await db.select({ status: facebookPages.status }).from(facebookPages).where(and(eq(facebookPages.workspaceId, workspaceId), eq(facebookPages.pageId, pageId)));
  return !row || row.status === 'disconnected';
}

/** Whether the plan has room for this page (402 from the limit check → false). */
async function fitsPlan(db: Db, config: Config, workspaceId: string, pageId: string) {
  if (!config.billing || !(await takesPlace(db, workspaceId, pageId))) return true;
  try {
    await assertWithinLimit(db, config, workspaceId, 'pages');
    return true;
  } catch (err) {
    if (err instanceof AppError && err.status === 402) return false;
    throw err;
  }
}

/**
 * Stores one page: a new row, or the same row again with a fresh token (clears "reconnect
 * needed"). Returns false when a new page no longer fits the plan (checked under the limit's lock).
 */
async function upsertPage(db: Db, config: Config, workspaceId: string, page: ManagedPage, subscribed: GraphFailure | null) {
  const status = subscribed ? ('reconnect_needed' as const) : ('active' as const);
  const statusReason = subscribed ? `Could not subscribe to the page's messages: ${subscribed.message}` : null;
  const subscribedFields = subscribed ? [] : [...WEBHOOK_FIELDS];
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    if (!(await fitsPlan(t, config, workspaceId, page.id))) return false;
    const [existing] = await tx.select({ id: facebookPages.id }).from(facebookPages).where(and(eq(facebookPages.workspaceId, workspaceId), eq(facebookPages.pageId, page.id))).for('update');
    if (existing) {
      await tx.update(facebookPages).set({ name: page.name, accessTokenEnc: sealPageToken(config.secrets, existing.id, page.accessToken), status, statusReason, subscribedFields, updatedAt: new Date() })
        .where(eq(facebookPages.id, existing.id));
      return true;
    }
    const id = randomUUID();
    await tx.insert(facebookPages).values({ id, workspaceId, pageId: page.id, name: page.name, accessTokenEnc: sealPageToken(config.secrets, id, page.accessToken), status, statusReason, subscribedFields });
    return true;
  });
}

/**
 * Finishes the flow: state, code → short-lived token → long-lived token, the permissions the
 * channel needs, the pages with their tokens (sealed), and the webhook subscription of each.
 */
export async function completePageConnect(db: Db, config: Config, userId: string, q: { code?: string; state?: string; error?: string; error_reason?: string; error_description?: string }): Promise<ConnectResult> {
  const { graph } = requireMessenger(config);
  const workspaceId = await consumeState(db, q.state, userId);
  if (q.error) throw new ConnectFailure(q.error_reason || q.error, q.error_description || `Facebook answered: ${q.error}.`);
  if (!q.code) throw new ConnectFailure('no_code', 'Facebook did not return an authorization code.');

  const short = await exchangeCode(graph, q.code, facebookCallbackUrl(config));
  if (!short.ok) throw graphFailed('the authorization code', short);
  const long = await exchangeToken(graph, short.data.accessToken);
  if (!long.ok) throw graphFailed('a long-lived token', long);
  const permissions = await getPermissions(graph, long.data.accessToken);
  if (!permissions.ok) throw graphFailed('to list the granted permissions', permissions);
  const missing = REQUIRED_PERMISSIONS.filter((p) => !permissions.data.granted.includes(p));
  if (missing.length) throw new ConnectFailure('missing_permissions', `Facebook did not grant ${missing.join(', ')}; connect again and allow every permission asked.`);
  const pages = await listPages(graph, long.data.accessToken);
  if (!pages.ok) throw graphFailed('to list your pages', pages);

  const usable = pages.data.filter(canMessage);
  const skipped = pages.data.filter((p) => !canMessage(p)).map((p) => p.name);
  if (!usable.length) throw new ConnectFailure('no_pages', 'No Facebook Page you can message from was shared; connect again and select at least one page.');
  let failed = 0;
  const limited: string[] = [];
  for (const page of usable) {
    // Checked before subscribing too, so a page the plan has no room for is never subscribed.
    if (!(await fitsPlan(db, config, workspaceId, page.id))) {
      limited.push(page.name);
      continue;
    }
    const sub = await subscribeApp(graph, page.id, page.accessToken);
    if (!(await upsertPage(db, config, workspaceId, page, sub.ok ? null : sub))) limited.push(page.name);
    else if (!sub.ok) failed++;
  }
  return { workspaceId, connected: usable.length - failed - limited.length, failed, skipped, limited };
}
