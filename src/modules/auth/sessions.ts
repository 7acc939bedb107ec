import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { refreshTokens, sessions, users } from '../../db/schema/index.js';
import type { Secrets } from '../../config.js';
import { hmacSha256, randomToken } from '../../lib/tokens.js';
import { signAccessToken } from './access-token.js';

export const SESSION_TTL_DAYS = 30;

export interface ClientMeta {
  ip: string | null;
  userAgent: string | null;
}

export interface IssuedTokens {
  sessionId: string;
  accessToken: string;
  refreshToken: string;
}

/** Refresh tokens are stored as an HMAC under the refresh secret, never as themselves. */
export const refreshTokenHash = (secrets: Secrets, token: string) => hmacSha256(secrets.refreshTokenSecret, token);

async function issueRefreshToken(db: Db, secrets: Secrets, sessionId: string): Promise<string> {
  const token = randomToken(32);
  await db.insert(refreshTokens).values({ sessionId, tokenHash: refreshTokenHash(secrets, token) });
  return token;
}

export async function startSession(db: Db, secrets: Secrets, userId: string, meta: ClientMeta): Promise<IssuedTokens> {
  const expiresAt = new Date(Date.now() + SESSION_TTL_DAYS * 86400_000);
  const [session] = await db.insert(sessions).values({ userId, expiresAt, ip: meta.ip, userAgent: meta.userAgent?.slice(0, 300) }).returning({ id: sessions.id });
  const sessionId = session!.id;
  return { sessionId, accessToken: await signAccessToken(secrets.accessTokenSecret, { userId, sessionId }), refreshToken: await issueRefreshToken(db, secrets, sessionId) };
}

export type RotateResult =
  | { ok: true; tokens: IssuedTokens; userId: string }
  | { ok: false; reason: 'unknown' | 'expired' | 'revoked' | 'reused'; userId?: string; sessionId?: string };

/**
 * Exchanges a refresh token for a new pair. Each token works once: presenting a used token
 * means it leaked (or was replayed), so the whole session is revoked.
 */
export async function rotateRefreshToken(db: Db, secrets: Secrets, presented: string): Promise<RotateResult> {
  const hash = refreshTokenHash(secrets, presented);
  return db.transaction(async (tx) => {
    const [claimed] = await tx
      .update(refreshTokens)
      .set({ usedAt: new Date() })
      .where(and(eq(refreshTokens.tokenHash, hash), isNull(refreshTokens.usedAt)))
      .returning({ sessionId: refreshTokens.sessionId });
    if (!claimed) {
      const [previous] = await tx
        .select({ sessionId: refreshTokens.sessionId, userId: sessions.userId })
        .from(refreshTokens)
        .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
        .where(eq(refreshTokens.tokenHash, hash));
      if (!previous) return { ok: false, reason: 'unknown' } as const;
      await tx.update(sessions).set({ revokedAt: new Date(), revokedReason: 'refresh_token_reuse' }).where(and(eq(sessions.id, previous.sessionId), isNull(sessions.revokedAt)));
      return { ok: false, reason: 'reused', userId: previous.userId, sessionId: previous.sessionId } as const;
    }
    const [session] = await tx.select().from(sessions).where(eq(sessions.id, claimed.sessionId));
    if (!session || session.revokedAt) return { ok: false, reason: 'revoked' } as const;
    if (session.expiresAt < new Date()) return { ok: false, reason: 'expired' } as const;
    await tx.update(sessions).set({ lastSeenAt: new Date() }).where(eq(sessions.id, session.id));
    const refreshToken = await issueRefreshToken(tx as unknown as Db, secrets, session.id);
    const accessToken = await signAccessToken(secrets.accessTokenSecret, { userId: session.userId, sessionId: session.id });
    return { ok: true, userId: session.userId, tokens: { sessionId: session.id, accessToken, refreshToken } } as const;
  });
}

export async function revokeSession(db: Db, sessionId: string, reason: string) {
  await db.update(sessions).set({ revokedAt: new Date(), revokedReason: reason }).where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
}

export async function revokeUserSessions(db: Db, userId: string, reason: string, exceptSessionId?: string) {
  const open = await db.select({ id: sessions.id }).from(sessions).where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)));
  for (const s of open) if (s.id !== exceptSessionId) await revokeSession(db, s.id, reason);
}

/**
 * The user behind a live session, in one query (this runs on every cookie-authenticated request):
 * null when the session is revoked, expired, or not the token's user.
 */
export async function activeSessionUser(db: Db, sessionId: string, userId: string): Promise<{ isInstanceAdmin: boolean } | null> {
  const [row] = await db
    .select({ isInstanceAdmin: users.isInstanceAdmin })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, new Date())));
  return row ?? null;
}
