/** RFC 9457 problem details. Every error the API returns is one of these. */
export interface FieldError {
  field: string;
  message: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const PROBLEM_BASE = 'https://messagesender.dev/problems/';

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  402: 'Payment required',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

/** The one error type: thrown from services and routes, rendered by the app's error handler. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    /** Stable slug, e.g. "validation", "not-found"; becomes the problem `type` URI. */
    readonly slug: string,
    detail?: string,
    readonly errors?: FieldError[],
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? TITLES[status] ?? 'Error');
  }

  toProblem(instance?: string): ProblemBody {
    return {
      type: PROBLEM_BASE + this.slug,
      title: TITLES[this.status] ?? 'Error',
      status: this.status,
      detail: this.message,
      ...(instance ? { instance } : {}),
      ...(this.errors?.length ? { errors: this.errors } : {}),
      ...this.extensions,
    };
  }
}

export const badRequest = (detail: string, errors?: FieldError[]) => new AppError(400, 'bad-request', detail, errors);
export const validationFailed = (errors: FieldError[], detail = 'The request has invalid fields.') => new AppError(422, 'validation', detail, errors);
export const fieldError = (field: string, message: string, status = 422) => new AppError(status, 'validation', message, [{ field, message }]);
export const unauthorized = (detail = 'Authentication is required.') => new AppError(401, 'unauthorized', detail);
export const forbidden = (detail = 'You do not have permission to do this.') => new AppError(403, 'forbidden', detail);
export const notFound = (what = 'Resource') => new AppError(404, 'not-found', `${what} not found.`);
export const conflict = (detail: string, errors?: FieldError[]) => new AppError(409, 'conflict', detail, errors);
export const tooManyRequests = (retryAfterSeconds: number, detail = 'Too many requests.') =>
  new AppError(429, 'rate-limited', detail, undefined, { retryAfter: retryAfterSeconds }, { 'retry-after': String(retryAfterSeconds) });

/** What a 402 names: the limit reached, the plan's allowance, current use, and where to upgrade. */
export interface PlanLimitDetails {
  limit: 'messagesPerMonth' | 'senders' | 'pages' | 'contacts' | 'seats';
  plan: string;
  allowed: number;
  used: number;
  upgradeUrl: string;
}

export const paymentRequired = (detail: string, details: PlanLimitDetails) => new AppError(402, 'plan-limit', detail, undefined, { ...details });
