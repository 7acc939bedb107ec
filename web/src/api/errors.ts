/** One entry of a problem+json `errors` array; `field` is the request body property. */
export interface FieldProblem {
  field: string;
  message: string;
}

export interface ProblemDetails {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: FieldProblem[];
  /** Extension on 429 answers, mirroring the Retry-After header. */
  retryAfter?: unknown;
}

/** Every failed request surfaces as an ApiError, including network failures (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly type: string | undefined;
  readonly title: string;
  readonly detail: string | undefined;
  readonly fieldErrors: FieldProblem[];
  /** Seconds to wait, from the Retry-After header of a 429 answer. */
  readonly retryAfter: number | undefined;

  constructor(status: number, problem: ProblemDetails, retryAfter?: number) {
    const title = problem.title ?? defaultTitle(status);
    super(problem.detail ?? title);
    this.name = 'ApiError';
    this.status = status;
    this.type = problem.type;
    this.title = title;
    this.detail = problem.detail;
    this.fieldErrors = Array.isArray(problem.errors) ? problem.errors : [];
    this.retryAfter = retryAfter ?? (typeof problem.retryAfter === 'number' ? Math.ceil(problem.retryAfter) : undefined);
  }

  get isCsrfFailure(): boolean {
    return this.status === 403 && typeof this.type === 'string' && this.type.endsWith('/csrf');
  }
}

function defaultTitle(status: number): string {
  if (status === 0) return "Can't reach the server. Check your connection and try again.";
  if (status === 401) return 'You need to log in again.';
  if (status === 403) return "You don't have permission to do that.";
  if (status === 404) return 'Not found.';
  if (status === 429) return 'Too many requests. Please slow down.';
  if (status >= 500) return 'Something went wrong on the server.';
  return 'Request failed.';
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

export function hasStatus(error: unknown, ...statuses: number[]): boolean {
  return isApiError(error) && statuses.includes(error.status);
}

/** Human sentence for any thrown value, used by toasts and alerts. */
export function errorMessage(error: unknown): string {
  if (isApiError(error)) {
    if (error.status === 429 && error.retryAfter !== undefined) {
      return `Too many attempts, try again in ${error.retryAfter} seconds.`;
    }
    return error.detail ?? error.title;
  }
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}
