// One error type with a machine code; the code decides the HTTP status and the problem+json body (RFC 9457).
export const errorStatus = {
  bad_request: 400,
  validation_failed: 422,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  upstream_failed: 502,
  unavailable: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export const errorTitle: Record<ErrorCode, string> = {
  bad_request: 'Bad request',
  validation_failed: 'The request is not valid',
  unauthenticated: 'Authentication required',
  forbidden: 'Not allowed',
  not_found: 'Not found',
  method_not_allowed: 'Method not allowed',
  conflict: 'Conflict',
  gone: 'Gone',
  payload_too_large: 'Request too large',
  unsupported_media_type: 'Unsupported media type',
  rate_limited: 'Too many requests',
  upstream_failed: 'An upstream service failed',
  unavailable: 'Service unavailable',
  internal: 'Internal error',
};

export interface FieldError {
  path: string;
  message: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly errors?: FieldError[];
  readonly extra?: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    detail: string,
    options: { errors?: FieldError[]; extra?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = errorStatus[code];
    this.errors = options.errors;
    this.extra = options.extra;
  }
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
  [key: string]: unknown;
}

export function problemType(code: ErrorCode): string {
  return `urn:cyber-contacts:problem:${code.replaceAll('_', '-')}`;
}

/** The problem+json body for an error; only AppError details are shown, anything else is "internal". */
export function toProblem(err: unknown, instance?: string, requestId?: string): Problem {
  const e = err instanceof AppError ? err : new AppError('internal', 'Something went wrong on our side.');
  return {
    ...(e.extra ?? {}),
    type: problemType(e.code),
    title: errorTitle[e.code],
    status: e.status,
    detail: e.message,
    code: e.code,
    ...(instance ? { instance } : {}),
    ...(requestId ? { requestId } : {}),
    ...(e.errors ? { errors: e.errors } : {}),
  };
}
