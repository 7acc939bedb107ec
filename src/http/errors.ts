import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, type FieldError } from '../lib/problems.js';

const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';

function fieldName(instancePath: string | undefined, missingProperty?: unknown): string {
  const path = (instancePath ?? '').replace(/^\//, '').split('/').filter(Boolean).join('.');
  if (typeof missingProperty === 'string') return path ? `${path}.${missingProperty}` : missingProperty;
  return path || 'body';
}

/** Maps whatever was thrown to the one AppError shape; unknown errors become an opaque 500. */
export function toAppError(err: FastifyError | Error): AppError {
  if (err instanceof AppError) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const context = (err as FastifyError).validationContext ?? 'body';
    const errors: FieldError[] = err.validation.map((v) => ({
      field: context === 'body' ? fieldName(v.instancePath) : `${context}.${fieldName(v.instancePath)}`.replace(/\.body$/, ''),
      message: v.message ?? 'is invalid',
    }));
    return new AppError(422, 'validation', `The ${context === 'body' ? 'request body' : context} has invalid fields.`, errors);
  }
  const fe = err as FastifyError;
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError(400, 'malformed-json', 'The request body is not valid JSON.', [{ field: 'body', message: fe.message }]);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError(413, 'payload-too-large', 'The request body is larger than this endpoint accepts.', [{ field: 'body', message: fe.message }]);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError(415, 'unsupported-media-type', `Content type ${fe.message.split(': ').pop()} is not accepted; send application/json.`);
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError(400, 'bad-request', 'Content-Length does not match the body.');
    case 'FST_CSRF_INVALID_TOKEN':
    case 'FST_CSRF_MISSING_SECRET':
      return new AppError(403, 'csrf', 'Missing or invalid CSRF token: fetch one from GET /api/v1/auth/csrf and send it as the x-csrf-token header.');
    case 'FST_ERR_VALIDATION':
      return new AppError(422, 'validation', fe.message);
  }
  if (fe.statusCode === 429) {
    const seconds = Number((fe as { retryAfter?: unknown }).retryAfter ?? 60);
    return new AppError(429, 'rate-limited', 'Too many requests; slow down.', undefined, { retryAfter: seconds });
  }
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) return new AppError(fe.statusCode, 'bad-request', fe.message);
  return new AppError(500, 'internal', 'Something went wrong on our side; the error has been logged.');
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, err: AppError) {
  for (const [name, value] of Object.entries(err.headers)) reply.header(name, value);
  return reply.status(err.status).type(PROBLEM_TYPE).send(err.toProblem(request.url.split('?')[0]));
}

export function registerErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const problem = toAppError(err);
    // Unexpected failures are errors (and reach Sentry); a deliberate 5xx such as "Messenger is not
    // configured here" (503) is a state an operator may want to see, not a bug to be paged about.
    if (problem.status >= 500 && !(err instanceof AppError)) request.log.error({ err }, 'request failed');
    else if (problem.status >= 500) request.log.warn({ status: problem.status, problem: problem.slug }, 'request not served: a provider failed or a feature is not configured');
    else request.log.info({ status: problem.status, problem: problem.slug }, 'request rejected');
    return sendProblem(request, reply, problem);
  });
}
