// When Temporal refuses an action for one of its limits, the caller is told
// so: 429 for "busy, try later", 409 for a limit of the journey's run, never
// the 503 "not reachable" that would send it retrying for ever.
//
// A fake, named as such: the server's answer is built here, because the
// journeys' own bounds (each action at most 20 times, see hardening.test.ts)
// keep a real journey far from Temporal's 2,000 Updates per run.
import { ServiceError } from '@temporalio/client';
import { actionProblem } from '../api/journey-actions';

function serverAnswer(code: number, details: string): ServiceError {
  const grpc = Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });
  return new ServiceError('Unexpected error while making gRPC request', { cause: grpc });
}

test('too many Updates in the journey’s run is a 409 that names the action, not a 503', () => {
  const problem = actionProblem(
    serverAnswer(9, 'limit on number of total updates has been reached (2000)'),
    'suspend',
  );
  expect([problem.status, problem.extra.action]).toEqual([409, 'suspend']);
  expect(problem.detail).toMatch(
    /suspend cannot be taken on this journey now: limit on number of total updates/,
  );
});

test('an engine busy for now is a 429 with Retry-After', () => {
  const problem = actionProblem(serverAnswer(8, 'namespace rate limit exceeded'), 'admit');
  expect([problem.status, problem.retryAfter]).toEqual([429, 5]);
});

test('an engine that does not answer is still a 503', () => {
  expect(actionProblem(serverAnswer(14, 'connection refused'), 'admit').status).toBe(503);
});
