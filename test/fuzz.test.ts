// Property-based fuzzing of the HTTP edge: over ten thousand random requests
// on every route (junk bodies, headers, ids, query strings, action names,
// follow-up tokens), with valid keys of each role for most of them so the
// validation behind authentication is reached. Never a 5xx; every error is
// problem+json (the learner's HTML pages aside); and since every request is
// one the API must refuse, no table gains, loses or changes a row.
//
// The fuzzed stack has a database of its own: other test files running at
// the same time would otherwise change its rows.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import type { Db } from '../prisma/client';
import { FOLLOW_UP_SOON, liveFollowUpLinks } from './support/follow-up-links';
import {
  codec,
  createJourney,
  followUps,
  journeyAction,
  learners,
  listJourneys,
  notifications,
  stats,
  organizations,
  publicAndUnknown,
  readJourney,
  refusedByStatus,
} from './support/fuzz-routes';
import type { FuzzContext, FuzzRequest } from './support/fuzz-requests';
import { mayWrite } from './support/may-write';
import { dropDatabase, freshDatabase } from './support/databases';
import { startStack, type TestStack } from './support/stack';

const BATCH = 8;
const FUZZ_SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Every row of every table, Prisma's own bookkeeping aside, as JSON in a
 * stable order: an UPDATE shows as surely as an INSERT or a DELETE. Only
 * `lastUsedAt` is left out: a key that authenticates a request is used.
 */
async function tableContents(db: Db): Promise<Record<string, unknown[]>> {
  const tables = await db.$queryRaw<{ tablename: string }[]>`
    SELECT tablename FROM pg_tables
    WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'
    ORDER BY tablename`;
  const contents: Record<string, unknown[]> = {};
  for (const { tablename } of tables) {
    const rows = await db.$queryRawUnsafe<{ rows: unknown[] }[]>(
      `SELECT coalesce(jsonb_agg(r ORDER BY r::text), '[]') AS rows
       FROM (SELECT to_jsonb(t) - 'lastUsedAt' AS r FROM "${tablename.replace(/"/g, '""')}" t) s`,
    );
    contents[tablename] = rows[0]?.rows ?? [];
  }
  return contents;
}

/** The contents once the worker has finished what the fixtures set off (emails, their log). */
async function settledContents(db: Db, timeoutMs = 20_000): Promise<Record<string, unknown[]>> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  let same = 0;
  for (;;) {
    const contents = await tableContents(db);
    const now = JSON.stringify(contents);
    if (now === last && ++same >= 3) return contents;
    if (now !== last) same = 0;
    last = now;
    if (Date.now() > deadline) throw new Error('the tables are still changing');
    await sleep(400);
  }
}

describe('random requests', () => {
  let stack: TestStack;
  let databaseUrl: string;
  let ctx: FuzzContext;
  let before: Record<string, unknown[]>;
  const histogram = new Map<number, number>();
  let sent = 0;
  let fuzzMs = 0;

  beforeAll(async () => {
    databaseUrl = await freshDatabase('fuzzed');
    const shared = process.env.DATABASE_URL;
    process.env.DATABASE_URL = databaseUrl;
    try {
      stack = await startStack({
        // Far above what the fuzz sends: refused keys must not turn into 429s here.
        limits: { authFailures: 1e9, followUpFailures: 1e9, actionsPerJourney: 1e9 },
        policy: FOLLOW_UP_SOON,
        // Payload encryption on, so that the codec routes exist.
        encryption: { keys: new Map([['a', randomBytes(32)]]), currentId: 'a' },
      });
    } finally {
      process.env.DATABASE_URL = shared;
    }
    const { orgs } = stack;
    const [journey, foreign, links] = await Promise.all([
      stack.refer(),
      stack.refer({ fabriqueId: orgs.fabrique2.id }, orgs.agency2),
      liveFollowUpLinks(stack),
    ]);
    ctx = {
      keys: {
        agency: orgs.agency.key,
        agency2: orgs.agency2.key,
        fabrique: orgs.fabrique.key,
        fabrique2: orgs.fabrique2.key,
        manager: orgs.manager.key,
        admin: stack.adminKey,
      },
      orgs: {
        agency: orgs.agency.id,
        agency2: orgs.agency2.id,
        fabrique: orgs.fabrique.id,
        fabrique2: orgs.fabrique2.id,
        manager: orgs.manager.id,
      },
      journey: { id: journey.id, learnerId: journey.learner.id },
      foreign: { id: foreign.id, learnerId: foreign.learner.id },
      link: links[0] as string,
    };
    before = await settledContents(stack.db);
  }, 120_000);

  afterAll(async () => {
    const statuses = [...histogram.entries()].sort(([a], [b]) => a - b);
    console.log(
      `fuzz: ${sent} requests in ${(fuzzMs / 1000).toFixed(1)} s; statuses ${statuses
        .map(([s, n]) => `${s}×${n}`)
        .join(' ')}`,
    );
    await stack?.stop();
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  function describeRequest(r: FuzzRequest, status?: number, text?: string): string {
    const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);
    return [
      `${r.method} ${cut(r.path, 300)} → ${status ?? 'no answer'}`,
      `headers ${cut(JSON.stringify(r.headers), 400)}`,
      r.body === undefined ? 'no body' : `body ${cut(JSON.stringify(r.body), 400)}`,
      text === undefined ? '' : `answer ${cut(text, 400)}`,
    ].join('\n');
  }

  async function send(r: FuzzRequest): Promise<void> {
    let res: Response;
    try {
      res = await fetch(`${stack.baseUrl}${r.path}`, {
        method: r.method,
        headers: r.headers,
        body: r.body,
        redirect: 'manual',
      });
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${describeRequest(r)}`, { cause: err });
    }
    const text = await res.text();
    sent++;
    histogram.set(res.status, (histogram.get(res.status) ?? 0) + 1);
    if (res.status >= 500) throw new Error(`a 5xx:\n${describeRequest(r, res.status, text)}`);
    // A valid key always gets past authentication; no key or a bad one never
    // does, and gets its 401 before the body is even read.
    const keyed = r.target.owner !== 'none' && r.target.owner !== 'garbage';
    const pathname = new URL(r.path, stack.baseUrl).pathname.toLowerCase();
    const guarded = /^\/(v1|codec)(\/|$)/.test(pathname) && !pathname.startsWith('/v1/follow-ups/');
    if (keyed ? res.status === 401 : guarded && res.status !== 401) {
      throw new Error(`authentication let through or held back:\n${describeRequest(r, res.status, text)}`);
    }
    if (res.status >= 400) {
      const type = res.headers.get('content-type') ?? '';
      const page = r.path.startsWith('/v1/follow-ups/') && type.startsWith('text/html');
      if (!page && !type.startsWith('application/problem+json')) {
        throw new Error(`an error as ${type || 'no content type'}:\n${describeRequest(r, res.status, text)}`);
      }
    }
  }

  // Runs of BATCH requests at once; the runs add up to 10,880 requests.
  const families = [
    ['referrals', createJourney, 150],
    ['journey lists', listJourneys, 150],
    ['indicators', stats, 60],
    ['emails that need a person', notifications, 60],
    ['journey reads', readJourney, 75],
    ['journey actions', journeyAction, 300],
    ['actions the status refuses, with valid bodies', refusedByStatus, 40],
    ['organisations and keys', organizations, 125],
    ['learner rights', learners, 60],
    ['follow-up links', followUps, 150],
    ['codec', codec, 60],
    ['documents, probes and unknown routes', publicAndUnknown, 130],
  ] as const;

  test.each(families)(
    '%s: never a 5xx, every error as problem+json',
    async (_name, family, runs) => {
      const started = Date.now();
      try {
        await fc.assert(
          fc.asyncProperty(
            fc.array(
              family(ctx).filter((r) => !mayWrite(r)),
              { minLength: BATCH, maxLength: BATCH },
            ),
            async (batch) => {
              await Promise.all(batch.map(send));
            },
          ),
          // A failure names its request; shrinking it would only cost time.
          // FUZZ_SEED replays the seed a failure printed (with its family's name as `-t`).
          { numRuns: runs, endOnFailure: true, ...(FUZZ_SEED === undefined ? {} : { seed: FUZZ_SEED }) },
        );
      } finally {
        fuzzMs += Date.now() - started;
      }
    },
    120_000,
  );

  test('free text the database cannot store (NUL, unpaired surrogates) is refused with 422, naming the field', async () => {
    const referral = await stack.request('POST', '/v1/journeys', ctx.keys.agency, {
      learner: stack.learner({ firstName: 'Awa\u0000' }),
      fabriqueId: ctx.orgs.fabrique,
      note: 'Motivée \ud800',
    });
    expect(referral.status).toBe(422);
    expect(referral.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'learner.firstName',
      'note',
    ]);
    const close = await stack.act(ctx.journey.id, 'close', ctx.keys.manager, { reason: 'Doublon\u0000' });
    expect(close.status).toBe(422);
    expect(close.body.errors).toEqual([expect.objectContaining({ field: 'reason' })]);
    const completion = await stack.act(ctx.journey.id, 'record-completion', ctx.keys.fabrique, {
      date: '2027-07-01',
      certified: true,
      certification: 'RNCP \udc00',
    });
    expect(completion.status).toBe(422);
  });

  test('without a valid key, a body is not even read: 401 whatever it holds', async () => {
    const bodies = ['x'.repeat(70_000), '{"learner": ', 'not json at all'];
    for (const body of bodies) {
      for (const key of [undefined, 'pk_0000000000000000_nope']) {
        const res = await fetch(`${stack.baseUrl}/v1/journeys`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json; charset=utf-8',
            ...(key ? { authorization: `Bearer ${key}` } : {}),
          },
          body,
        });
        expect([body.slice(0, 12), key, res.status]).toEqual([body.slice(0, 12), key, 401]);
      }
    }
  });

  test('the refused requests wrote nothing: every table keeps its rows, row for row', async () => {
    expect(sent).toBeGreaterThanOrEqual(10_000);
    const after = await settledContents(stack.db);
    // Counts first: a short message when rows came or went.
    const counts = (c: Record<string, unknown[]>) =>
      Object.fromEntries(Object.entries(c).map(([table, rows]) => [table, rows.length]));
    expect(counts(after)).toEqual(counts(before));
    expect(after).toEqual(before);
    for (const id of [ctx.journey.id, ctx.foreign.id]) {
      const j = await stack.journey(id);
      expect(j.status).toBe('referred');
      expect(j.timeline).toHaveLength(1);
    }
    expect((await stack.request('GET', ctx.link)).status).toBe(200);
  });
});

describe('abuse limits', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ limits: { authFailures: 5 } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test('a body over 64 kB is refused with 413 problem+json', async () => {
    const res = await stack.request('POST', '/v1/journeys', stack.orgs.agency.key, {
      learner: stack.learner(),
      fabriqueId: stack.orgs.fabrique.id,
      note: 'x'.repeat(70_000),
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  test('the sixth bad key within the window gets 429 problem+json, and so does a valid key from that address', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await stack.request('GET', '/v1/journeys', `pk_bad_${i}`)).status).toBe(401);
    }
    const sixth = await stack.request('GET', '/v1/journeys', 'pk_bad_6');
    expect(sixth.status).toBe(429);
    expect(sixth.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(sixth.body).toMatchObject({ status: 429, title: 'Too many requests' });
    // Blocked before the key is even read: a guesser who also holds a good key gets nothing more through.
    expect((await stack.request('GET', '/v1/journeys', stack.orgs.manager.key)).status).toBe(429);
  });
});
