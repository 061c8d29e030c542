// Errors as application/problem+json (RFC 9457).
import type { ErrorRequestHandler, Response } from 'express';
import { z } from 'zod';
import { databaseUnavailable } from '../store/database-errors';

export interface FieldError {
  field: string;
  message: string;
}

export class Problem extends Error {
  /** Seconds after which the caller may try again (a Retry-After header). */
  retryAfter?: number;

  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
  }
}

export const badRequest = (detail: string, errors?: FieldError[]) =>
  new Problem(400, 'Bad request', detail, errors ? { errors } : {});
export const unprocessable = (detail: string, errors?: FieldError[]) =>
  new Problem(422, 'Unprocessable content', detail, errors ? { errors } : {});
export const unauthorized = (detail = 'A valid API key is required: Authorization: Bearer <key>') =>
  new Problem(401, 'Unauthorized', detail);
export const forbidden = (detail: string) => new Problem(403, 'Forbidden', detail);
export const notFound = (detail: string) => new Problem(404, 'Not found', detail);
export const conflict = (detail: string, extra?: Record<string, unknown>) =>
  new Problem(409, 'Conflict', detail, extra);
/** Seconds a caller is asked to wait before trying again after a 503. */
export const RETRY_AFTER_SECONDS = 5;

export const unavailable = (detail: string, extra?: Record<string, unknown>) =>
  new Problem(503, 'Service unavailable', detail, extra, { 'Retry-After': String(RETRY_AFTER_SECONDS) });

/** Temporal did not answer: the caller may try again. */
export const engineUnavailable = (err: unknown) =>
  unavailable(`The journey engine (Temporal) is not reachable: ${(err as Error).message}`);

/** PostgreSQL did not answer: a write may or may not have been kept, so the caller sends the same request again. */
export const databaseUnavailableProblem = () =>
  unavailable(
    'The database is not reachable for now. Send the same request again in a moment, ' +
      'with the same Idempotency-Key if it changes anything.',
  );

/** The action was handed to the engine but its outcome did not come back in time (no worker, say). */
export const outcomeUnknown = (action: string) =>
  unavailable(
    `The outcome of ${action} is not known yet: it may still take effect. ` +
      'Send the same request again with the same Idempotency-Key to learn it; without one, read the journey first.',
    { action },
  );

export function fieldErrors(error: z.ZodError, prefix?: string): FieldError[] {
  return error.issues.map((issue) => ({
    field: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(body)',
    message: issue.message,
  }));
}

const Id = z.uuid();

/** A path parameter that must be a UUID: anything else is a 404 naming `what`, as an unknown id is. */
export function idParam(raw: unknown, what: string): string {
  const parsed = Id.safeParse(raw);
  if (!parsed.success) throw notFound(`No ${what} ${String(raw)}.`);
  return parsed.data;
}

/** Parses `value` with `schema`, or throws a 422 (400 when the body is not even an object). */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw unprocessable(
    `The ${where} is not valid.`,
    fieldErrors(result.error, where === 'body' ? undefined : where),
  );
}

export function sendProblem(res: Response, problem: Problem): void {
  if (problem.retryAfter) res.set('Retry-After', String(problem.retryAfter));
  res
    .status(problem.status)
    .set(problem.headers)
    .type('application/problem+json')
    .json({
      type: 'about:blank',
      title: problem.title,
      status: problem.status,
      detail: problem.detail,
      ...problem.extra,
    });
}

/** An error's name and code, e.g. `PrismaClientKnownRequestError P2002`, never its message. */
function errorKind(err: unknown): string {
  if (typeof err !== 'object' || err === null) return typeof err;
  const { name, code } = err as { name?: unknown; code?: unknown };
  const kind = typeof name === 'string' && name ? name : (err.constructor?.name ?? 'Error');
  return typeof code === 'string' || typeof code === 'number' ? `${kind} ${code}` : kind;
}

/** Last middleware: problems as they are, body-parser errors as 400/413, anything else as 500. */
export function problemHandler(log: (message: string) => void): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    if (err instanceof Problem) return sendProblem(res, err);
    const e = err as { type?: string; status?: number; statusCode?: number; message?: string };
    const status = e.status ?? e.statusCode;
    if (e.type === 'entity.parse.failed') return sendProblem(res, badRequest('The body is not valid JSON.'));
    if (e.type === 'entity.too.large') {
      return sendProblem(res, new Problem(413, 'Content too large', 'The request body is too large.'));
    }
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return sendProblem(res, new Problem(status, 'Bad request', e.message));
    }
    if (databaseUnavailable(err)) return sendProblem(res, databaseUnavailableProblem());
    // Only the error's kind: messages (Prisma's among them) can echo personal data.
    log(`unexpected error: ${errorKind(err)}`);
    sendProblem(res, new Problem(500, 'Internal server error', 'Something went wrong on our side.'));
  };
}
