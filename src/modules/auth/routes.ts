import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { eq } from 'drizzle-orm';
import { actorOf, requireUser } from '../../http/context.js';
import { REFRESH_COOKIE } from '../../http/access.js';
import { AppError, unauthorized } from '../../lib/problems.js';
import { refreshTokens } from '../../db/schema/index.js';
import { recordAudit } from '../audit/record-audit.js';
import { listUserWorkspaces, workspaceView } from '../workspaces/workspaces.js';
import * as accounts from './accounts.js';
import { clearSessionCookies, setSessionCookies } from './cookies.js';
import { email, password, personName, userOut, workspaceOut } from './schemas.js';
import { refreshTokenHash, revokeSession, rotateRefreshToken } from './sessions.js';

const meta = (request: FastifyRequest) => ({ ip: request.ip ?? null, userAgent: request.headers['user-agent'] ?? null });
const tags = ['auth'];
/** Per-IP limits on the endpoints attackers hammer; the per-account backoff lives in login-throttle.ts. */
const ipLimit = (max: number) => ({ max, timeWindow: '1 minute' });

export async function authRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { deps } = app;

  r.get('/auth/csrf', {
    config: { access: 'public' },
    schema: { tags, summary: 'Get a CSRF token for cookie-authenticated mutations', response: { 200: z.object({ token: z.string() }) } },
  }, async (_request, reply) => ({ token: reply.generateCsrf() }));

  r.post('/auth/signup', {
    config: { access: 'public', rateLimit: ipLimit(10) },
    schema: {
      tags, summary: 'Create an account and its first workspace',
      body: z.object({ email, password, name: personName }),
      response: { 201: z.object({ user: userOut, workspace: workspaceOut }) },
    },
  }, async (request, reply) => {
    const { user, workspace, tokens } = await accounts.signup(deps, request.body, meta(request));
    setSessionCookies(reply, deps.config, tokens);
    return reply.status(201).send({ user: accounts.publicUser(user), workspace: workspaceView(workspace, 'owner') });
  });

  r.post('/auth/login', {
    config: { access: 'public', rateLimit: ipLimit(20) },
    schema: { tags, summary: 'Log in with email and password', body: z.object({ email: z.string().max(254), password: z.string().max(256) }), response: { 200: z.object({ user: userOut }) } },
  }, async (request, reply) => {
    const { user, tokens } = await accounts.login(deps, request.body, meta(request));
    setSessionCookies(reply, deps.config, tokens);
    return { user: accounts.publicUser(user) };
  });

  r.post('/auth/refresh', {
    config: { access: 'public', rateLimit: ipLimit(60) },
    schema: { tags, summary: 'Rotate the refresh token and get a new access token', response: { 200: z.object({ ok: z.literal(true) }) } },
  }, async (request, reply) => {
    const presented = request.cookies[REFRESH_COOKIE];
    if (!presented) throw unauthorized('No refresh token.');
    const result = await rotateRefreshToken(deps.db, deps.config.secrets, presented);
    if (!result.ok) {
      clearSessionCookies(reply, deps.config);
      if (result.reason === 'reused') {
        await recordAudit(deps.db, { userId: result.userId, ...meta(request) }, { action: 'auth.refresh_reuse', targetType: 'session', targetId: result.sessionId });
        request.log.warn({ sessionId: result.sessionId }, 'refresh token reuse: session revoked');
      }
      throw new AppError(401, 'invalid-refresh-token', result.reason === 'reused' ? 'This refresh token was already used; the session has been ended for safety.' : 'The session has ended; log in again.');
    }
    setSessionCookies(reply, deps.config, result.tokens);
    return { ok: true as const };
  });

  r.post('/auth/logout', {
    config: { access: 'public' },
    schema: { tags, summary: 'End this session' },
  }, async (request, reply) => {
    const presented = request.cookies[REFRESH_COOKIE];
    let sessionId = request.auth?.kind === 'user' ? request.auth.sessionId : undefined;
    if (!sessionId && presented) {
      const [row] = await deps.db.select({ sessionId: refreshTokens.sessionId }).from(refreshTokens).where(eq(refreshTokens.tokenHash, refreshTokenHash(deps.config.secrets, presented)));
      sessionId = row?.sessionId;
    }
    if (sessionId) {
      await revokeSession(deps.db, sessionId, 'logout');
      if (request.auth) await recordAudit(deps.db, actorOf(request), { action: 'auth.logout', targetType: 'session', targetId: sessionId });
    }
    clearSessionCookies(reply, deps.config);
    return reply.status(204).send();
  });

  r.post('/auth/verify-email', {
    config: { access: 'public', rateLimit: ipLimit(30) },
    schema: { tags, summary: 'Confirm an email address with the mailed token', body: z.object({ token: z.string().min(1).max(200) }) },
  }, async (request, reply) => {
    await accounts.verifyEmail(deps, request.body.token, meta(request));
    return reply.status(204).send();
  });

  r.post('/auth/verify-email/resend', {
    config: { access: 'user', rateLimit: ipLimit(5) },
    schema: { tags, summary: 'Send the verification email again' },
  }, async (request, reply) => {
    const user = await accounts.getUser(deps.db, requireUser(request).userId);
    if (!user.emailVerifiedAt) await accounts.sendVerificationEmail(deps, user);
    return reply.status(202).send();
  });

  r.post('/auth/password/forgot', {
    config: { access: 'public', rateLimit: ipLimit(5) },
    schema: { tags, summary: 'Email a single-use password reset link (valid 1 hour)', body: z.object({ email }) },
  }, async (request, reply) => {
    await accounts.requestPasswordReset(deps, request.body.email, meta(request));
    return reply.status(202).send();
  });

  r.post('/auth/password/reset', {
    config: { access: 'public', rateLimit: ipLimit(10) },
    schema: { tags, summary: 'Set a new password with a reset token', body: z.object({ token: z.string().min(1).max(200), password }) },
  }, async (request, reply) => {
    await accounts.resetPassword(deps, request.body, meta(request));
    return reply.status(204).send();
  });

  r.get('/me', {
    config: { access: 'user' },
    schema: {
      tags, summary: 'The signed-in user and their workspaces',
      response: { 200: z.object({ user: userOut, workspaces: z.array(workspaceOut), currentWorkspaceId: z.uuid().nullable(), features: z.object({ billing: z.boolean(), messenger: z.boolean() }) }) },
    },
  }, async (request) => {
    const user = await accounts.getUser(deps.db, requireUser(request).userId);
    const workspaces = await listUserWorkspaces(deps.db, user.id);
    const current = workspaces.find((w) => w.id === user.currentWorkspaceId) ?? workspaces[0];
    // Instance features the web app shows or hides (billing: hosted edition with Stripe; messenger: a Facebook app is configured).
    return { user: accounts.publicUser(user), workspaces, currentWorkspaceId: current?.id ?? null, features: { billing: deps.config.billing !== null, messenger: deps.config.facebook !== null } };
  });

  r.patch('/me', {
    config: { access: 'user' },
    schema: { tags, summary: 'Update the profile', body: z.object({ name: personName }), response: { 200: z.object({ user: userOut }) } },
  }, async (request) => ({ user: accounts.publicUser(await accounts.updateProfile(deps.db, requireUser(request).userId, request.body)) }));

  r.post('/me/password', {
    config: { access: 'user', rateLimit: ipLimit(10) },
    schema: { tags, summary: 'Change the password (ends other sessions)', body: z.object({ currentPassword: z.string().min(1).max(256), newPassword: password }) },
  }, async (request, reply) => {
    const auth = requireUser(request);
    await accounts.changePassword(deps, { ...actorOf(request), userId: auth.userId, sessionId: auth.sessionId }, request.body);
    return reply.status(204).send();
  });
}
