import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Config, OAuthProviderConfig } from '../../config.js';
import type { Db } from '../../db/client.js';
import { oauthStates, senderAccounts } from '../../db/schema/index.js';
import { resumeSenderMessages } from '../../engine/sender-messages.js';
import { decrypt, encrypt } from '../../lib/crypto.js';
import { AppError } from '../../lib/problems.js';
import { sha256 } from '../../lib/tokens.js';
import { assertWithinLimit } from '../billing/limits.js';
import { sealSecret } from './senders.js';

export type OAuthProvider = 'google' | 'microsoft';

const GMAIL = 'https://www.googleapis.com/auth/';
/** What we ask for, and which granted scopes satisfy each need (a broader scope also does). */
const PROVIDERS = {
  google: {
    kind: 'gmail' as const,
    scopes: ['openid', 'email', `${GMAIL}gmail.send`, `${GMAIL}gmail.readonly`],
    needs: { send: [`${GMAIL}gmail.send`, `${GMAIL}gmail.compose`, `${GMAIL}gmail.modify`, 'https://mail.google.com/'], read: [`${GMAIL}gmail.readonly`, `${GMAIL}gmail.modify`, 'https://mail.google.com/'] },
    extraAuthParams: { access_type: 'offline', prompt: 'consent', include_granted_scopes: 'true' },
  },
  microsoft: {
    kind: 'outlook' as const,
    scopes: ['offline_access', 'openid', 'email', 'User.Read', 'Mail.Send', 'Mail.Read'],
    // Microsoft does not echo offline_access in the granted scopes; the refresh token's presence is checked instead.
    needs: { send: ['mail.send'], read: ['mail.read', 'mail.readwrite'] },
    extraAuthParams: { prompt: 'select_account', response_mode: 'query' },
  },
};

const STATE_TTL_MS = 10 * 60_000;
const base64url = (b: Buffer) => b.toString('base64url');

export function providerConfig(config: Config, provider: OAuthProvider): OAuthProviderConfig {
  const p = config.oauth[provider];
  if (!p) throw new AppError(404, 'provider-not-configured', `${provider === 'google' ? 'Gmail' : 'Microsoft 365'} is not configured on this instance (set ${provider === 'google' ? 'GOOGLE' : 'MICROSOFT'}_CLIENT_ID and _CLIENT_SECRET).`);
  return p;
}

export const callbackUrl = (config: Config, provider: OAuthProvider) => `${config.publicUrl}/api/v1/senders/oauth/${provider}/callback`;

/** Starts the authorization-code flow with PKCE; returns where to send the browser. */
export async function startOAuth(db: Db, config: Config, provider: OAuthProvider, who: { userId: string; workspaceId: string }): Promise<string> {
  const p = providerConfig(config, provider);
  const state = base64url(randomBytes(32));
  const verifier = base64url(randomBytes(48));
  const challenge = base64url(createHash('sha256').update(verifier).digest());
  await db.insert(oauthStates).values({
    stateHash: sha256(state), workspaceId: who.workspaceId, userId: who.userId, provider,
    codeVerifierEnc: encrypt(config.secrets, verifier, `oauth-state:${provider}`), expiresAt: new Date(Date.now() + STATE_TTL_MS),
  });
  const url = new URL(p.authUrl);
  const params = { client_id: p.clientId, redirect_uri: callbackUrl(config, provider), response_type: 'code', scope: PROVIDERS[provider].scopes.join(' '), state, code_challenge: challenge, code_challenge_method: 'S256', ...PROVIDERS[provider].extraAuthParams };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

export class OAuthFailure extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** A new mailbox must fit the plan (a reconnect always may); the page shows the 402's words. */
async function withinPlan(tx: Db, config: Config, workspaceId: string) {
  try {
    await assertWithinLimit(tx, config, workspaceId, 'senders');
  } catch (err) {
    if (err instanceof AppError && err.status === 402) throw new OAuthFailure('plan_limit', err.message);
    throw err;
  }
}

interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  expires_in: number;
  scope?: string;
}

async function exchangeCode(p: OAuthProviderConfig, redirectUri: string, code: string, verifier: string): Promise<TokenResponse> {
  const res = await fetch(p.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: p.clientId, client_secret: p.clientSecret, code_verifier: verifier }),
  });
  const body = (await res.json().catch(() => ({}))) as Partial<TokenResponse> & { error?: string; error_description?: string };
  if (!res.ok || !body.access_token) throw new OAuthFailure(body.error ?? `http_${res.status}`, `The provider refused the authorization code: ${body.error_description ?? body.error ?? res.status}`);
  return body as TokenResponse;
}

async function mailboxAddress(p: OAuthProviderConfig, accessToken: string): Promise<string> {
  const res = await fetch(p.userInfoUrl, { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' } });
  const body = (await res.json().catch(() => ({}))) as { email?: string; mail?: string; userPrincipalName?: string };
  const email = body.email ?? body.mail ?? body.userPrincipalName;
  if (!res.ok || !email) throw new OAuthFailure('userinfo_failed', `Could not read the mailbox address (HTTP ${res.status}).`);
  return email.toLowerCase();
}

/** Scopes the user actually granted must cover sending and reading replies (and refresh, for Microsoft). */
export function missingNeeds(provider: OAuthProvider, granted: string[]): string[] {
  const have = new Set(granted.map((s) => s.toLowerCase().replace(/^https:\/\/graph\.microsoft\.com\//, '')));
  return Object.entries(PROVIDERS[provider].needs).filter(([, any]) => !any.some((s) => have.has(s.toLowerCase()))).map(([need]) => need);
}

/**
 * Finishes the flow: checks the single-use state against the signed-in user, exchanges the code
 * with the PKCE verifier, checks the granted scopes, and stores the tokens encrypted. Connecting
 * an already connected mailbox again replaces its tokens and clears "reconnect needed".
 */
export async function completeOAuth(db: Db, config: Config, provider: OAuthProvider, userId: string, q: { code?: string; state?: string; error?: string; error_description?: string }) {
  if (!q.state) throw new OAuthFailure('invalid_state', 'The sign-in response has no state.');
  const [pending] = await db.update(oauthStates).set({ usedAt: new Date() })
    .where(and(eq(oauthStates.stateHash, sha256(q.state)), eq(oauthStates.provider, provider), isNull(oauthStates.usedAt), gt(oauthStates.expiresAt, new Date())))
    .returning();
  if (!pending || pending.userId !== userId) throw new OAuthFailure('invalid_state', 'This sign-in link is invalid, expired or was already used; start again.');
  if (q.error) throw new OAuthFailure(q.error, q.error_description ?? `The provider answered: ${q.error}.`);
  if (!q.code) throw new OAuthFailure('no_code', 'The provider did not return an authorization code.');
  const p = providerConfig(config, provider);
  const tokens = await exchangeCode(p, callbackUrl(config, provider), q.code, decrypt(config.secrets, pending.codeVerifierEnc, `oauth-state:${provider}`));
  const granted = (tokens.scope ?? '').split(/\s+/).filter(Boolean);
  const missing = missingNeeds(provider, granted);
  if (missing.length) throw new OAuthFailure('missing_scopes', `Permission to ${missing.join(' and ')} mail was not granted; connect again and leave every box ticked.`);
  if (!tokens.refresh_token) throw new OAuthFailure('no_refresh_token', 'The provider did not grant offline access; connect again.');
  const email = await mailboxAddress(p, tokens.access_token);
  const kind = PROVIDERS[provider].kind;
  return db.transaction(async (tx) => {
    const [existing] = await tx.select().from(senderAccounts).where(and(eq(senderAccounts.workspaceId, pending.workspaceId), eq(senderAccounts.email, email)));
    if (existing && existing.kind !== kind) throw new OAuthFailure('already_connected', `${email} is already connected as an ${existing.kind.toUpperCase()} account.`);
    if (!existing) await withinPlan(tx as unknown as Db, config, pending.workspaceId);
    const [row] = existing
      ? [existing]
      : await tx.insert(senderAccounts).values({ workspaceId: pending.workspaceId, kind, email, sendingDomain: email.split('@')[1] ?? null, dailyCap: 50 }).returning();
    const id = row!.id;
    const [saved] = await tx.update(senderAccounts).set({
      accessTokenEnc: sealSecret(config.secrets, id, 'accessTokenEnc', tokens.access_token),
      refreshTokenEnc: sealSecret(config.secrets, id, 'refreshTokenEnc', tokens.refresh_token!),
      tokenExpiresAt: new Date(Date.now() + tokens.expires_in * 1000), scopes: granted,
      status: 'active', statusReason: null, updatedAt: new Date(),
    }).where(eq(senderAccounts.id, id)).returning();
    if (existing) await resumeSenderMessages(tx, id);
    return { sender: saved!, reconnected: Boolean(existing), workspaceId: pending.workspaceId };
  });
}
