// The test stack is real: a Temporal server runs the workflow, PostgreSQL
// holds what the activities wrote, and readiness tells which one is down.
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { closeApp, createApp } from '../api/app';
import { createDb, type Db } from '../prisma/client';
import { DEFAULT_POLICY } from '../domain/policy';
import { workflowIdFor } from '../workflows/messages';
import { SESSION_COOKIE } from '../web/sessions';
import { ensureTemporalCli, freePort, startDevServer } from '../scripts/lib/temporal.mjs';
import { startStack, type TestStack } from './support/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack.stop();
});

test('a referral runs as a workflow on the Temporal server and its row is readable over a second connection', async () => {
  const journey = await stack.refer();
  const description = await stack.client.workflow.getHandle(workflowIdFor(journey.id)).describe();
  expect(description.status.name).toBe('RUNNING');
  expect(description.taskQueue).toBe(stack.taskQueue);

  // The workflow's activity wrote the timeline through Prisma; read it with plain pg.
  const second = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await second.connect();
  try {
    let rows: { action: string; toStatus: string }[] = [];
    for (let i = 0; i < 100 && rows.length === 0; i++) {
      ({ rows } = await second.query(
        'SELECT action, "toStatus" FROM "TimelineEntry" WHERE "journeyId" = $1',
        [journey.id],
      ));
      if (rows.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(rows).toEqual([{ action: 'refer', toStatus: 'referred' }]);
  } finally {
    await second.end();
  }
});

test('readiness is 200 when PostgreSQL and Temporal answer', async () => {
  const res = await stack.request('GET', '/readyz');
  expect(res.status).toBe(200);
  expect(res.body.checks).toEqual({ database: { status: 'up' }, temporal: { status: 'up' } });
});

interface ProbeAnswer {
  status: number;
  body: {
    status?: string;
    down: string[];
    detail: string;
    checks: Record<string, { status: string; error?: string }>;
  };
}

/** An API whose only purpose is to be probed, on the given dependencies. */
const probedApp = (db: Db, temporal: Client) =>
  createApp({ db, temporal, taskQueue: 'unused', policy: DEFAULT_POLICY, publicBaseUrl: '' });

/** GETs each path, in turn, from an app of the test's own (a hang fails after 10 s); then closes it. */
async function probe(app: ReturnType<typeof createApp>, ...paths: string[]): Promise<ProbeAnswer[]> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as { port: number };
  try {
    const answers: ProbeAnswer[] = [];
    for (const p of paths) {
      const res = await fetch(`http://127.0.0.1:${port}${p}`, {
        signal: AbortSignal.timeout(10_000),
      });
      answers.push({ status: res.status, body: (await res.json()) as ProbeAnswer['body'] });
    }
    return answers;
  } finally {
    server.close();
    await closeApp(app);
  }
}

const readyz = async (app: ReturnType<typeof createApp>) => (await probe(app, '/readyz'))[0] as ProbeAnswer;

test('liveness answers 200 without touching any dependency, with PostgreSQL and Temporal both down', async () => {
  const nowhere = async () => `127.0.0.1:${await freePort()}`;
  const db = createDb(`postgresql://postgres@${await nowhere()}/parcours`);
  const client = new Client({ connection: Connection.lazy({ address: await nowhere() }) });
  const app = probedApp(db, client);
  try {
    const [live, ready] = await probe(app, '/healthz', '/readyz');
    expect(live).toEqual({ status: 200, body: { status: 'ok' } });
    // Both really are down.
    expect(ready?.status).toBe(503);
    expect(ready?.body.down).toEqual(['database', 'temporal']);
  } finally {
    await client.connection.close();
    await db.$disconnect();
  }
});

test('readiness answers 503 naming Temporal once the Temporal server is stopped', async () => {
  const cli = await ensureTemporalCli(() => undefined);
  const server = await startDevServer({ cli, port: await freePort() });
  const db = createDb(process.env.DATABASE_URL as string);
  const client = new Client({ connection: await Connection.connect({ address: server.address }) });
  const app = probedApp(db, client);
  try {
    expect((await readyz(app)).status).toBe(200);
    await server.stop();
    const res = await readyz(app);
    expect(res.status).toBe(503);
    expect(res.body.down).toEqual(['temporal']);
    expect(res.body.detail).toMatch(/Temporal/);
    expect(res.body.checks.temporal?.error).toMatch(/\w{4,}/);
  } finally {
    await server.stop();
    await client.connection.close();
    await db.$disconnect();
  }
}, 120_000);

test('readiness answers 503 naming the database when PostgreSQL does not answer', async () => {
  const port = await freePort();
  const db = createDb(`postgresql://postgres@127.0.0.1:${port}/parcours`);
  const app = probedApp(db, stack.client);
  try {
    const res = await readyz(app);
    expect(res.status).toBe(503);
    expect(res.body.down).toEqual(['database']);
    expect(res.body.detail).toMatch(/PostgreSQL/);
    expect(res.body.checks.database?.error).toMatch(/\w{4,}/);
  } finally {
    await db.$disconnect();
  }
});

test('with PostgreSQL out of reach, the API answers 503 with Retry-After and the web app a French page, never a 500', async () => {
  const db = createDb(`postgresql://postgres@127.0.0.1:${await freePort()}/parcours`);
  const app = probedApp(db, stack.client);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  try {
    const api = await fetch(`${base}/v1/journeys`, {
      headers: { authorization: `Bearer ${stack.orgs.agency.key}` },
    });
    expect(api.status).toBe(503);
    expect(api.headers.get('retry-after')).toBe('5');
    expect(api.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(((await api.json()) as { detail: string }).detail).toMatch(/database is not reachable/);
    // A session cookie of the right shape makes the page look its member up.
    const page = await fetch(`${base}/parcours`, {
      headers: { cookie: `${SESSION_COOKIE}=${randomBytes(32).toString('base64url')}` },
      redirect: 'manual',
    });
    expect(page.status).toBe(503);
    expect(await page.text()).toMatch(/La base de données ne répond pas/);
  } finally {
    server.close();
    await closeApp(app);
    await db.$disconnect();
  }
});
