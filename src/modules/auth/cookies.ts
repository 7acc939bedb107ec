import type { FastifyReply } from 'fastify';
import type { Config } from '../../config.js';
import { ACCESS_COOKIE, REFRESH_COOKIE } from '../../http/access.js';
import { ACCESS_TOKEN_TTL_SECONDS } from './access-token.js';
import { SESSION_TTL_DAYS, type IssuedTokens } from './sessions.js';

/** The refresh cookie only travels to the auth endpoints that need it. */
const REFRESH_PATH = '/api/v1/auth';

export function setSessionCookies(reply: FastifyReply, config: Config, tokens: IssuedTokens) {
  const secure = config.env === 'production';
  reply.setCookie(ACCESS_COOKIE, tokens.accessToken, { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: ACCESS_TOKEN_TTL_SECONDS });
  reply.setCookie(REFRESH_COOKIE, tokens.refreshToken, { httpOnly: true, sameSite: 'strict', secure, path: REFRESH_PATH, maxAge: SESSION_TTL_DAYS * 86400 });
}

export function clearSessionCookies(reply: FastifyReply, config: Config) {
  const secure = config.env === 'production';
  reply.clearCookie(ACCESS_COOKIE, { httpOnly: true, sameSite: 'lax', secure, path: '/' });
  reply.clearCookie(REFRESH_COOKIE, { httpOnly: true, sameSite: 'strict', secure, path: REFRESH_PATH });
}
