// The building blocks of the OpenAPI document: operations that must be named,
// JSON bodies with their example, and the problem+json responses a path may give.
import type { OpenAPIRegistry, RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { z } from 'zod';
import { ProblemBody } from './schemas';

/** The bearer API key, for the routes of organisations' software. */
export const AUTHENTICATED = [{ bearer: [] }];
/** No key: probes, the learner's survey link. */
export const PUBLIC: Record<string, string[]>[] = [];

/**
 * Registers one operation. Each says who may call it (`security`) and has a
 * unique `operationId`, which generated clients use as the method's name.
 */
export function registerOperation(
  registry: OpenAPIRegistry,
  operation: RouteConfig & { operationId: string; security: Record<string, string[]>[] },
): void {
  registry.registerPath(operation);
}

/** A JSON body or response; a request body always comes with an example. */
export function json<T extends z.ZodType>(schema: T, example?: unknown) {
  return { content: { 'application/json': { schema, ...(example === undefined ? {} : { example }) } } };
}

const TEXTS: Record<number, string> = {
  400: 'Malformed request',
  401: 'No or bad API key',
  403: 'Not yours, or not for your role',
  404: 'Unknown',
  409: 'Not allowed from the current status',
  413: 'Body too large',
  422: 'Invalid input, with the failing fields',
  429: 'Too many requests: try again after Retry-After seconds',
  503: 'A dependency is down, or an action’s outcome is not known yet: try again after Retry-After seconds (an action with the same Idempotency-Key)',
};

const RETRY_AFTER = {
  'Retry-After': {
    description: 'Seconds to wait before trying again',
    schema: { type: 'integer' as const, minimum: 1 },
  },
};

const integer = (description: string) => ({ description, schema: { type: 'integer' as const, minimum: 0 } });

/** express-rate-limit's standard headers (IETF draft 6), on every response of a limited route. */
export const RATE_LIMIT_HEADERS = {
  'RateLimit-Limit': integer('Requests (or failures, for a failure limit) allowed in the window'),
  'RateLimit-Remaining': integer('How many are left in the window'),
  'RateLimit-Reset': integer('Seconds until the window ends'),
  'RateLimit-Policy': {
    description: 'The limit and the window in seconds, e.g. `20;w=900`',
    schema: { type: 'string' as const },
  },
};

const headersFor = (status: number) =>
  status === 429 ? { ...RATE_LIMIT_HEADERS, ...RETRY_AFTER } : status === 503 ? RETRY_AFTER : undefined;

/** Error responses as application/problem+json (RFC 9457). */
export function problems(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((s) => {
      const headers = headersFor(s);
      return [
        s,
        {
          description: TEXTS[s] ?? 'Error',
          ...(headers ? { headers } : {}),
          content: { 'application/problem+json': { schema: ProblemBody } },
        },
      ];
    }),
  );
}
