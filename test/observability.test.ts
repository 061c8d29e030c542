// What an operator watches: the API's Prometheus metrics (request durations
// by route pattern and status, journeys by status), the worker's Temporal SDK
// metrics on a port of its own, and JSON log lines. None of them carries a
// learner's personal data, and no label carries a raw id.
import express from 'express';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { apiMetrics } from '../api/metrics';
import { createLogger } from '../observability/logger';
import { freePort } from '../scripts/lib/temporal.mjs';
import { ApiProcess } from './support/fault-stack';
import { startStack, type TestStack } from './support/stack';
import { WorkerProcess } from './support/worker-process';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const PERSONAL = /Prenom[0-9a-f]{8}|Nom[0-9a-f]{8}|learner-[0-9a-f]{8}@learners\.test/;

async function scrape(url: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(url, { headers });
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
}

/** The value of one series of the exposition text, 0 when it is absent. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

/** Every label value of the exposition text. */
function labelValues(text: string): string[] {
  return [...text.matchAll(/[a-z_]+="([^"]*)"/g)].map((m) => m[1] as string);
}

const durationCount = (route: string, status: number, method = 'GET') =>
  `parcours_http_request_duration_seconds_count{method="${method}",route="${route}",status_code="${status}"}`;

test('/metrics counts each request under its route pattern and status, never its raw path', async () => {
  const journey = await stack.refer();
  const before = await scrape(`${stack.baseUrl}/metrics`);
  const fabrique = stack.orgs.fabrique.key;
  for (let i = 0; i < 3; i++) expect((await stack.view(journey.id, fabrique)).status).toBe(200);
  // Another agency's referral is not the fabrique2's: 404 under the same pattern.
  expect((await stack.view(journey.id, stack.orgs.fabrique2.key)).status).toBe(404);
  expect((await stack.request('GET', `/v2/${randomBytes(4).toString('hex')}`)).status).toBe(404);
  // A key refused before any route of /v1 took the request: under /v1's mount path.
  expect((await stack.request('GET', `/v1/journeys/${journey.id}`, 'not-a-key')).status).toBe(401);
  const after = await scrape(`${stack.baseUrl}/metrics`);

  const route = '/v1/journeys/:id';
  expect(sample(after, durationCount(route, 200)) - sample(before, durationCount(route, 200))).toBe(3);
  expect(sample(after, durationCount(route, 404)) - sample(before, durationCount(route, 404))).toBe(1);
  expect(
    sample(after, durationCount('unmatched', 404)) - sample(before, durationCount('unmatched', 404)),
  ).toBe(1);
  expect(sample(after, durationCount('/v1/*', 401)) - sample(before, durationCount('/v1/*', 401))).toBe(1);
  expect(sample(after, durationCount('/v1/journeys', 201, 'POST'))).toBeGreaterThanOrEqual(1);
  // Seconds, in buckets a dashboard can draw percentiles from.
  expect(after).toMatch(
    /parcours_http_request_duration_seconds_bucket\{le="0\.05",method="GET",route="\/v1\/journeys\/:id",status_code="200"\} \d+/,
  );
  // Patterns only: no journey id, no other id, no learner, no unknown path.
  const routes = [...after.matchAll(/route="([^"]*)"/g)].map((m) => m[1]);
  expect(routes.filter((r) => UUID.test(r as string) || (r as string).startsWith('/v2'))).toEqual([]);
  expect(labelValues(after).filter((v) => UUID.test(v) || PERSONAL.test(v))).toEqual([]);
  expect(after).not.toMatch(PERSONAL);
  expect(after).not.toContain(journey.id);
  // Node's own figures come along.
  expect(after).toMatch(/^process_resident_memory_bytes \d+/m);
});

test('/metrics gives the journeys by status as the read model counts them', async () => {
  await stack.refer();
  const text = await scrape(`${stack.baseUrl}/metrics`);
  const rows = await stack.db.journey.groupBy({ by: ['status'], _count: { _all: true } });
  const counted = Object.fromEntries(rows.map((r) => [r.status, r._count._all]));
  const exposed = Object.fromEntries(
    [...text.matchAll(/^parcours_journeys\{status="([a-z_]+)"\} (\d+)$/gm)].map((m) => [m[1], Number(m[2])]),
  );
  expect(exposed.referred).toBeGreaterThanOrEqual(2);
  // Every status shows, at 0 when no journey is at it.
  for (const [status, n] of Object.entries(exposed))
    expect([status, n]).toEqual([status, counted[status] ?? 0]);
  expect(Object.keys(counted).filter((s) => !(s in exposed))).toEqual([]);
});

test('/metrics asks for METRICS_TOKEN when set, and without one is for local clients with no proxy in front', async () => {
  const serve = async (access: Parameters<typeof apiMetrics>[1]) => {
    const app = express().use(apiMetrics(stack.db, access).router);
    const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`, server };
  };
  const token = randomBytes(24).toString('hex');
  const withToken = await serve({ token, behindProxy: true });
  const behindProxy = await serve({ behindProxy: true });
  try {
    expect((await fetch(withToken.url)).status).toBe(401);
    expect((await fetch(withToken.url, { headers: { authorization: `Bearer ${token}x` } })).status).toBe(401);
    expect(await scrape(withToken.url, { authorization: `Bearer ${token}` })).toMatch(/parcours_journeys/);
    // A proxy makes every client look local: without a token, nobody.
    expect((await fetch(behindProxy.url)).status).toBe(404);
  } finally {
    withToken.server.close();
    behindProxy.server.close();
  }
});

test('a scrape of /metrics costs a few milliseconds, measured against /healthz', async () => {
  const time = async (path: string) => {
    const t0 = process.hrtime.bigint();
    const res = await fetch(`${stack.baseUrl}${path}`);
    await res.text();
    expect(res.status).toBe(200);
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const runs = { metrics: [] as number[], healthz: [] as number[] };
  for (let i = 0; i < 300; i++) {
    runs.healthz.push(await time('/healthz'));
    runs.metrics.push(await time('/metrics'));
  }
  const pct = (xs: number[], p: number) =>
    [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)] as number;
  const [m50, h50] = [pct(runs.metrics, 0.5), pct(runs.healthz, 0.5)];
  console.log(
    `/metrics p50 ${m50.toFixed(2)} ms, p95 ${pct(runs.metrics, 0.95).toFixed(2)} ms; ` +
      `/healthz p50 ${h50.toFixed(2)} ms, p95 ${pct(runs.healthz, 0.95).toFixed(2)} ms; ` +
      `ratio p50 ${(m50 / h50).toFixed(1)} (300 each, interleaved)`,
  );
  // One grouped query and the text: well under what a 15-second scrape interval allows.
  expect(m50).toBeLessThan(250);
}, 120_000);

/** Each line a JSON object with a level, an ISO time and a message; none with personal data. */
function jsonLines(output: string): Record<string, unknown>[] {
  const lines = output.split('\n').filter((l) => l.trim());
  expect(lines.length).toBeGreaterThan(0);
  expect(output).not.toMatch(PERSONAL);
  expect(lines.filter((l) => !l.startsWith('{'))).toEqual([]);
  return lines.map((line) => {
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(parsed).toEqual(
      expect.objectContaining({
        level: expect.any(String),
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        msg: expect.any(String),
      }),
    );
    return parsed;
  });
}

test("a logged object's personal fields are masked, and a name slipped into a message still meets npm test's scan", () => {
  const lines: string[] = [];
  const logger = createLogger('api', 'WARN', { write: (line: string) => void lines.push(line) });
  const someone = stack.learner();
  logger.warn({ journeyId: 'j-1', learner: someone, email: someone.email }, 'referral refused');
  logger.debug({ status: 'referred' }, 'below the level: not written');
  logger.warn(`a careless line about ${someone.firstName}`);
  expect(lines).toHaveLength(2);
  const first = JSON.parse(lines[0] as string);
  expect(first).toMatchObject({ level: 'warn', name: 'api', journeyId: 'j-1', msg: 'referral refused' });
  expect(first.learner).toMatchObject({
    firstName: '[personal data]',
    email: '[personal data]',
    phone: '[personal data]',
  });
  expect(first.email).toBe('[personal data]');
  expect(lines[0]).not.toMatch(PERSONAL);
  // The scan of scripts/test.mjs reads the raw text: a JSON line hides nothing from it.
  expect(lines[1]).toMatch(PERSONAL);
});

test('the worker serves its Temporal SDK metrics on its own port, and logs JSON lines', async () => {
  await stack.stopWorker();
  const port = await freePort();
  const worker = new WorkerProcess('metrics-worker', stack, { WORKER_METRICS_PORT: String(port) });
  try {
    await worker.start();
    const journey = await stack.refer();
    await stack.atRest(journey.id);
    const text = await scrape(`http://127.0.0.1:${port}/metrics`);
    // The SDK's own series: polls, workflow tasks and activities of this worker's task queue.
    expect(text).toMatch(/^temporal_request\{/m);
    expect(text).toMatch(
      new RegExp(`^temporal_workflow_task_execution_latency_bucket\\{.*task_queue="${stack.taskQueue}"`, 'm'),
    );
    expect(text).toMatch(
      /^temporal_activity_execution_latency_count\{activity_type="recordEvent",.*\} [1-9]/m,
    );
    expect(labelValues(text).filter((v) => PERSONAL.test(v) || v.includes(journey.id))).toEqual([]);

    const lines = jsonLines(worker.log);
    expect(lines).toContainEqual(
      expect.objectContaining({
        name: 'worker',
        level: 'info',
        msg: expect.stringMatching(/^polling task queue/),
      }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: `Temporal SDK metrics on http://127.0.0.1:${port}/metrics` }),
    );
  } finally {
    await worker.kill();
    await stack.startWorker();
  }
}, 120_000);

test('a worker told to keep 2 journeys in memory keeps no more, and still takes the next action of one it let go', async () => {
  await stack.stopWorker();
  const port = await freePort();
  const worker = new WorkerProcess('small-cache-worker', stack, {
    WORKER_METRICS_PORT: String(port),
    WORKER_MAX_CACHED_WORKFLOWS: '2',
  });
  try {
    await worker.start();
    const journeys: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { id } = await stack.refer();
      await stack.atRest(id);
      journeys.push(id);
    }
    const cached = (text: string) =>
      Number(/^temporal_sticky_cache_size\{[^}]*\} (\d+)/m.exec(text)?.[1] ?? NaN);
    const before = await scrape(`http://127.0.0.1:${port}/metrics`);
    expect(cached(before)).toBeLessThanOrEqual(2);
    // The first journey left the cache for the later ones: its workflow is replayed from its history to take the action.
    const first = journeys[0] as string;
    const reviewed = await stack.must(first, 'take-in-review', stack.orgs.fabrique.key);
    expect(reviewed.status).toBe('in_review');
    await stack.atRest(first);
    expect(stack.inbox.of(first, 'in-review.learner')).toHaveLength(1);
    expect(cached(await scrape(`http://127.0.0.1:${port}/metrics`))).toBeLessThanOrEqual(2);
  } finally {
    await worker.kill();
    await stack.startWorker();
  }
}, 120_000);

test('the API process logs JSON lines: one per request with its route pattern, status and duration', async () => {
  const token = randomBytes(24).toString('hex');
  const api = new ApiProcess(await freePort(), {
    TEMPORAL_TASK_QUEUE: stack.taskQueue,
    ADMIN_API_KEY: stack.adminKey,
    METRICS_TOKEN: token,
    LOG_LEVEL: 'ERROR',
  });
  try {
    await api.start();
    const journey = await stack.refer();
    const key = { authorization: `Bearer ${stack.orgs.fabrique.key}` };
    expect((await fetch(`${api.url}/v1/journeys/${journey.id}`, { headers: key })).status).toBe(200);
    expect((await fetch(`${api.url}/metrics`)).status).toBe(401);
    const text = await scrape(`${api.url}/metrics`, { authorization: `Bearer ${token}` });
    expect(sample(text, durationCount('/v1/journeys/:id', 200))).toBe(1);
    await new Promise((r) => setTimeout(r, 200));

    const lines = jsonLines(api.log);
    expect(lines).toContainEqual(
      expect.objectContaining({ name: 'api', msg: expect.stringMatching(/^listening on/) }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: 'request',
        method: 'GET',
        route: '/v1/journeys/:id',
        status_code: '200',
        ms: expect.any(Number),
      }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: 'request', route: '/metrics', status_code: '401' }),
    );
    expect(api.log).not.toContain(journey.id);
    expect(api.log).not.toContain(token);
  } finally {
    await api.kill();
  }
}, 120_000);
