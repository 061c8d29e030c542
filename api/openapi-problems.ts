// The problem+json responses an OpenAPI path may give.
import { ProblemBody } from './schemas';

export function problems(...statuses: number[]) {
  const texts: Record<number, string> = {
    400: 'Malformed request',
    401: 'No or bad API key',
    403: 'Not yours, or not for your role',
    404: 'Unknown',
    409: 'Not allowed from the current status',
    413: 'Body too large',
    422: 'Invalid input, with the failing fields',
    503: 'A dependency is down',
  };
  return Object.fromEntries(
    statuses.map((s) => [
      s,
      { description: texts[s] ?? 'Error', content: { 'application/problem+json': { schema: ProblemBody } } },
    ]),
  );
}
