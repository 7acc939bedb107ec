import { and, count, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { memberships, users, userTokens, workspaces } from '../../db/schema/index.js';
import type { Deps } from '../../http/context.js';
import { AppError, conflict, fieldError, unauthorized } from '../../lib/problems.js';
import { randomToken, sha256 } from '../../lib/tokens.js';
import { recordAudit, type Actor } from '../audit/record-audit.js';
import { queueSystemMail, resetPasswordMail, verifyEmailMail } from './emails.js';
import { assertNotLocked, clearLoginFailures, recordLoginFailure } from './login-throttle.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { revokeUserSessions, startSession, type ClientMeta } from './sessions.js';

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

const VERIFY_TTL_MS = 48 * 3600_000;
const RESET_TTL_MS = 3600_000;
const FIRST_USER_LOCK = 7_411_020_002;

export type UserRow = typeof users.$inferSelect;

export function publicUser(u: UserRow) {
  return { id: u.id, email: u.email, name: u.name, emailVerified: Boolean(u.emailVerifiedAt), isInstanceAdmin: u.isInstanceAdmin, createdAt: u.createdAt.toISOString() };
}

async function issueUserToken(db: Db, userId: string, kind: 'verify_email' | 'reset_password', ttlMs: number) {
  const token = randomToken(32);
  await db.insert(userTokens).values({ userId, kind, tokenHash: sha256(token), expiresAt: new Date(Date.now() + ttlMs) });
  return token;
}

/** Marks a mailed token used; null when it is unknown, expired or already used. */
async function consumeUserToken(db: Db, kind: 'verify_email' | 'reset_password', token: string) {
  const [row] = await db
    .update(userTokens)
    .set({ usedAt: new Date() })
    .where(and(eq(userTokens.tokenHash, sha256(token)), eq(userTokens.kind, kind), isNull(userTokens.usedAt), gt(userTokens.expiresAt, new Date())))
    .returning({ userId: userTokens.userId });
  return row?.userId ?? null;
}

export async function sendVerificationEmail(deps: Deps, user: Pick<UserRow, 'id' | 'email'>) {
  const token = await issueUserToken(deps.db, user.id, 'verify_email', VERIFY_TTL_MS);
  await queueSystemMail(deps, verifyEmailMail(user.email, `${deps.config.publicUrl}/verify-email?token=${token}`));
}

export async function signup(deps: Deps, input: { email: string; password: string; name: string }, meta: ClientMeta) {
  const email = normalizeEmail(input.email);
  const passwordHash = await hashPassword(input.password);
  const { user, workspace } = await deps.db.transaction(async (tx) => {
    // Serialises signups so exactly one first user becomes the instance admin.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${FIRST_USER_LOCK})`);
    const [existing] = await tx.select({ id: users.id }).from(users).where(eq(users.email, email));
    if (existing) throw conflict('An account with this email already exists.', [{ field: 'email', message: 'is already registered' }]);
    const [{ n }] = (await tx.select({ n: count() }).from(users)) as [{ n: number }];
    const [user] = await tx.insert(users).values({ email, name: input.name.trim(), passwordHash, isInstanceAdmin: Number(n) === 0 }).returning();
    const [workspace] = await tx.insert(workspaces).values({ name: `${input.name.trim()}'s workspace` }).returning();
    await tx.insert(memberships).values({ workspaceId: workspace!.id, userId: user!.id, role: 'owner' });
    await tx.update(users).set({ currentWorkspaceId: workspace!.id }).where(eq(users.id, user!.id));
    const actor: Actor = { userId: user!.id, ...meta };
    await recordAudit(tx as unknown as Db, actor, { workspaceId: workspace!.id, action: 'auth.signup', targetType: 'user', targetId: user!.id });
    await recordAudit(tx as unknown as Db, actor, { workspaceId: workspace!.id, action: 'workspace.created', targetType: 'workspace', targetId: workspace!.id });
    return { user: user!, workspace: workspace! };
  });
  await sendVerificationEmail(deps, user);
  const tokens = await startSession(deps.db, deps.config.secrets, user.id, meta);
  return { user, workspace, tokens };
}

export async function login(deps: Deps, input: { email: string; password: string }, meta: ClientMeta) {
  const email = normalizeEmail(input.email);
  try {
    await assertNotLocked(deps.db, email);
  } catch (err) {
    await recordAudit(deps.db, meta, { action: 'auth.login_locked', targetType: 'email', targetId: email });
    throw err;
  }
  const [user] = await deps.db.select().from(users).where(eq(users.email, email));
  const ok = await verifyPassword(user?.passwordHash ?? null, input.password);
  if (!user || !ok) {
    const failures = await recordLoginFailure(deps.db, email);
    await recordAudit(deps.db, meta, { action: 'auth.login_failed', targetType: user ? 'user' : 'email', targetId: user?.id ?? email, metadata: { failures } });
    throw new AppError(401, 'invalid-credentials', 'The email or password is not correct.');
  }
  await clearLoginFailures(deps.db, email);
  const tokens = await startSession(deps.db, deps.config.secrets, user.id, meta);
  await recordAudit(deps.db, { userId: user.id, ...meta }, { action: 'auth.login', targetType: 'user', targetId: user.id });
  return { user, tokens };
}

export async function getUser(db: Db, userId: string): Promise<UserRow> {
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  if (!user) throw unauthorized();
  return user;
}

export async function updateProfile(db: Db, userId: string, input: { name: string }) {
  const [user] = await db.update(users).set({ name: input.name.trim(), updatedAt: new Date() }).where(eq(users.id, userId)).returning();
  return user!;
}

/** Changing the password ends every other session of the user. */
export async function changePassword(deps: Deps, actor: Actor & { userId: string; sessionId: string }, input: { currentPassword: string; newPassword: string }) {
  const user = await getUser(deps.db, actor.userId);
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) throw fieldError('currentPassword', 'is not correct');
  if (input.currentPassword === input.newPassword) throw fieldError('newPassword', 'must differ from the current password');
  await deps.db.update(users).set({ passwordHash: await hashPassword(input.newPassword), passwordChangedAt: new Date(), updatedAt: new Date() }).where(eq(users.id, user.id));
  await revokeUserSessions(deps.db, user.id, 'password_changed', actor.sessionId);
  await recordAudit(deps.db, actor, { action: 'auth.password_changed', targetType: 'user', targetId: user.id });
}

export async function verifyEmail(deps: Deps, token: string, meta: ClientMeta) {
  const userId = await consumeUserToken(deps.db, 'verify_email', token);
  if (!userId) throw new AppError(400, 'invalid-token', 'This verification link is invalid, used or expired.', [{ field: 'token', message: 'is invalid or expired' }]);
  await deps.db.update(users).set({ emailVerifiedAt: new Date() }).where(and(eq(users.id, userId), isNull(users.emailVerifiedAt)));
  await recordAudit(deps.db, { userId, ...meta }, { action: 'auth.email_verified', targetType: 'user', targetId: userId });
}

/** Always succeeds from the caller's view, so it cannot be used to find out who has an account. */
export async function requestPasswordReset(deps: Deps, emailInput: string, meta: ClientMeta) {
  const email = normalizeEmail(emailInput);
  const [user] = await deps.db.select({ id: users.id, email: users.email }).from(users).where(eq(users.email, email));
  if (!user) return;
  const token = await issueUserToken(deps.db, user.id, 'reset_password', RESET_TTL_MS);
  await queueSystemMail(deps, resetPasswordMail(user.email, `${deps.config.publicUrl}/reset-password?token=${token}`));
  await recordAudit(deps.db, meta, { action: 'auth.password_reset_requested', targetType: 'user', targetId: user.id });
}

export async function resetPassword(deps: Deps, input: { token: string; password: string }, meta: ClientMeta) {
  const userId = await consumeUserToken(deps.db, 'reset_password', input.token);
  if (!userId) throw new AppError(400, 'invalid-token', 'This reset link is invalid, used or expired.', [{ field: 'token', message: 'is invalid or expired' }]);
  const [user] = await deps.db
    .update(users)
    .set({ passwordHash: await hashPassword(input.password), passwordChangedAt: new Date(), updatedAt: new Date(), emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, now())` })
    .where(eq(users.id, userId))
    .returning({ email: users.email });
  await revokeUserSessions(deps.db, userId, 'password_reset');
  await clearLoginFailures(deps.db, user!.email);
  await recordAudit(deps.db, { userId, ...meta }, { action: 'auth.password_reset', targetType: 'user', targetId: userId });
}
