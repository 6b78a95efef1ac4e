// Shared OpenAPI pieces: the router factory (validation failures become problem+json), the problem
// schema, and response helpers, so every route documents itself the same way.
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from './deps.js';
import { AppError, type FieldError } from './errors.js';

export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        throw new AppError('validation_failed', describeIssues(result.error.issues), {
          errors: fieldErrors(result.error.issues),
        });
      }
    },
  });
}

type Issue = { path: PropertyKey[]; message: string };

export function fieldErrors(issues: readonly Issue[]): FieldError[] {
  return issues.map((i) => ({ path: i.path.map(String).join('.') || '(body)', message: i.message }));
}

export function describeIssues(issues: readonly Issue[]): string {
  const first = issues[0];
  if (!first) return 'The request is not valid.';
  const where = first.path.length ? `${first.path.map(String).join('.')}: ` : '';
  const more =
    issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  return `${where}${first.message}${more}`;
}

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().openapi({ example: 'validation_failed' }),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});

/** The error answers a protected route can give. */
export const problems = {
  400: problem('The request is malformed'),
  401: problem('No valid token or session'),
  403: problem('The caller is not allowed to do this'),
  404: problem('Not found'),
  409: problem('Conflicts with the current state'),
  413: problem('The request body is too large'),
  415: problem('Unsupported media type'),
  422: problem('The request failed validation'),
  429: problem('Too many requests'),
  502: problem('An upstream source could not be read'),
} as const;

export function pick<K extends keyof typeof problems>(...codes: K[]) {
  return Object.fromEntries(codes.map((c) => [c, problems[c]])) as Pick<typeof problems, K>;
}

export const json = <T>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

export const bearer: Array<Record<string, string[]>> = [{ bearerAuth: [] }, { sessionCookie: [] }];

/** Pagination shared by every list endpoint. */
export const PageQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(500)
    .default(100)
    .openapi({ description: 'Items per page (1–500)' }),
  offset: z.coerce
    .number()
    .int()
    .min(0)
    .default(0)
    // Said in full: coerce accepts null (as 0), which would document the parameter as nullable.
    .openapi({ type: 'integer', minimum: 0, default: 0, description: 'Items to skip' }),
});

export function listOf<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({
      items: z.array(item),
      total: z.number().int(),
      limit: z.number().int(),
      offset: z.number().int(),
    })
    .openapi(name);
}

const MAX_FILTER_VALUES = 20;

/** A query filter that takes repeated (`?type=UA&type=MD`) or comma-separated (`?type=UA,MD`) values. */
export function multiValueQuery(description: string, example: string) {
  return z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) =>
      v === undefined
        ? undefined
        : (Array.isArray(v) ? v : [v])
            .flatMap((s) => s.split(','))
            .map((s) => s.trim())
            .filter(Boolean),
    )
    .pipe(
      z.array(z.string().max(100)).max(MAX_FILTER_VALUES, `At most ${MAX_FILTER_VALUES} values.`).optional(),
    )
    .openapi({ description: `${description} Repeat the parameter or separate values with commas.`, example });
}
