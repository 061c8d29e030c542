// The problem+json responses an OpenAPI path may give.
import { ProblemBody } from './schemas';

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

export function problems(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((s) => [
      s,
      {
        description: TEXTS[s] ?? 'Error',
        ...(s === 503 || s === 429 ? { headers: RETRY_AFTER } : {}),
        content: { 'application/problem+json': { schema: ProblemBody } },
      },
    ]),
  );
}
