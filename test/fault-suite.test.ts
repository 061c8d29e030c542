// The fault suite: Parcours as production runs it, one process per part,
// while journeys are driven through the API by clients that retry as the
// contract asks (same Idempotency-Key, after Retry-After). Each part in turn
// is killed with SIGKILL in the middle of the load and started again: a
// worker while two run, the last worker, the Temporal server (it keeps its
// data in a file), the API between writing a referral and starting its
// workflow, and PostgreSQL. After each: every journey at its expected
// status, its timeline without gaps, every email delivered once by
// Message-ID (or repeated under the same one, counted), and the read model
// equal to what the workflows hold. Loopback only.
import { randomBytes, randomUUID } from 'node:crypto';
import { SESSION_COOKIE } from '../web/sessions';
import { notificationLog } from '../store/notification-log';
import { reconcile } from '../worker/reconcile';
import { workflowIdFor } from '../workflows/messages';
import { FaultStack } from './support/fault-stack';
import { learner, today } from './support/stack';
import { waitFor } from './support/wait';

/** Each journey of the load: referred, then these actions by the fabrique. */
const PATH: [string, Record<string, unknown>][] = [
  ['take-in-review', {}],
  ['admit', { startDate: today(), durationMonths: 3 }],
  ['confirm-start', { startDate: today() }],
  ['record-completion', { date: today(), certified: true }],
];
/** Then both surveys go (their offsets are a second here): the journey waits in follow_up. */
const TIMELINE = ['refer', ...PATH.map(([a]) => a), 'follow-up-survey', 'follow-up-survey'];
/** The emails DESIGN.md's notification table calls for along that path. */
const EMAILS = [
  'referral-received.learner',
  'referral-new.fabrique',
  'in-review.learner',
  'admitted.learner',
  'admitted.agency',
  'started.learner',
  'started.agency',
  'completed.learner',
  'completed.agency',
  'follow-up-survey.learner',
  'follow-up-survey.learner',
];

// Each round drives its journeys through a kill and a restart, then checks them all.
jest.setTimeout(240_000);

const JOURNEYS_PER_ROUND = 8;
const AT_ONCE = 4;

let stack: FaultStack;
/** What clients saw: every answer's status, and how many requests they had to send again. */
const seen = { statuses: new Map<number, number>(), resent: 0, dropped: 0 };
const figures: string[] = [];

beforeAll(async () => {
  stack = await new FaultStack({ followUpOffsets: { '3m': 'PT1S', '6m': 'PT1S' } }).start(2);
}, 180_000);
afterAll(async () => {
  await stack?.stop();
  console.log(`fault suite:\n${figures.join('\n')}`);
});

function worker(i: number) {
  const w = stack.workers[i];
  if (!w) throw new Error(`no worker ${i}`);
  return w;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A client as the API contract asks: a 503 or 429 is sent again after
 * Retry-After (at most 2 s here, to keep the suite short), a dropped
 * connection after half a second, always with the same Idempotency-Key.
 */
async function send(path: string, key: string, body: unknown, idempotencyKey: string) {
  const deadline = Date.now() + 240_000;
  for (;;) {
    let wait = 500;
    try {
      const res = await fetch(`${stack.api.url}${path}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          'idempotency-key': idempotencyKey,
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      seen.statuses.set(res.status, (seen.statuses.get(res.status) ?? 0) + 1);
      if (res.status !== 503 && res.status !== 429) {
        return { status: res.status, body: (await res.json()) as Record<string, unknown> & { id: string } };
      }
      wait = Math.min(Number(res.headers.get('retry-after')) || 1, 2) * 1000;
    } catch {
      seen.dropped++;
    }
    if (Date.now() > deadline) throw new Error(`${path}: no answer but 503s and dropped connections`);
    seen.resent++;
    await sleep(wait);
  }
}

/** A referral by the agency to the fabrique; returns the journey's id. */
async function refer(): Promise<string> {
  const { agency, fabrique } = stack.orgs;
  const referral = await send(
    '/v1/journeys',
    agency.key,
    { learner: learner(), fabriqueId: fabrique.id },
    randomUUID(),
  );
  // 200: a retry of a referral already written returns it (its first answer was lost).
  expect([200, 201]).toContain(referral.status);
  return referral.body.id;
}

async function driveJourney(): Promise<string> {
  const { fabrique } = stack.orgs;
  const id = await refer();
  for (const [action, body] of PATH) {
    const res = await send(`/v1/journeys/${id}/actions/${action}`, fabrique.key, body, randomUUID());
    expect({ action, status: res.status }).toEqual({ action, status: 200 });
  }
  return id;
}

/** Drives the round's journeys, a few at once; `fault` runs once the first referrals are in. */
async function round(fault: () => Promise<void>): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  let started!: () => void;
  const underWay = new Promise<void>((r) => (started = r));
  const drive = async () => {
    while (next < JOURNEYS_PER_ROUND) {
      next++;
      if (next === AT_ONCE) started();
      ids.push(await driveJourney());
    }
  };
  const faulted = underWay.then(fault);
  await Promise.all([...Array.from({ length: AT_ONCE }, drive), faulted]);
  return ids;
}

/** The checks after a fault: statuses, timelines, emails, read model. Returns the email figures. */
async function expectNothingLostOrDoubled(ids: string[]) {
  for (const id of ids) {
    await waitFor(
      `journey ${id} at rest`,
      async () => {
        const row = await stack.db.journey.findUnique({ where: { id }, include: { timeline: true } });
        return row?.status === 'follow_up' && row.timeline.length === TIMELINE.length;
      },
      120_000,
    );
    const timeline = await stack.db.timelineEntry.findMany({
      where: { journeyId: id },
      orderBy: { seq: 'asc' },
    });
    expect(timeline.map((t) => t.seq)).toEqual(TIMELINE.map((_, i) => i + 1));
    expect(timeline.map((t) => t.event)).toEqual(TIMELINE);
  }
  const expected = ids.length * EMAILS.length;
  let delivered = 0;
  let repeated = 0;
  for (const id of ids) {
    const rows = await waitFor(
      `the emails of ${id} sent`,
      async () => {
        const r = await stack.db.notification.findMany({ where: { journeyId: id } });
        return r.length === EMAILS.length && r.every((n) => n.status === 'sent') ? r : null;
      },
      120_000,
    );
    expect(rows.map((r) => r.template).sort()).toEqual([...EMAILS].sort());
    for (const row of rows) {
      const copies = stack.inbox.messages.filter(
        (m) => `<${m.messageId.replace(/^<|>$/g, '')}>` === row.messageId,
      );
      // Every copy of one email carries its one Message-ID, and every copy beyond the first is
      // a counted resend. A resend may be the only copy: the attempt that died holding the email
      // (PostgreSQL gone between its claim and its send, say) had not handed it over yet.
      const most = 1 + row.resentAfterCrash;
      const inRange = copies.length >= 1 && copies.length <= most;
      expect({ template: row.template, copies: copies.length, most, inRange }).toMatchObject({
        inRange: true,
      });
      if (copies.length > 0) delivered++;
      repeated += copies.length - 1;
    }
  }
  // No email of these journeys arrived that the log does not know.
  const received = stack.inbox.messages.filter((m) => ids.includes(m.journeyId));
  expect(received).toHaveLength(delivered + repeated);
  // What the workflows hold is what the read model says.
  const report = await reconcile(
    { db: stack.db, client: stack.client, taskQueue: stack.taskQueue },
    { fix: false },
  );
  expect(report.differences).toEqual([]);
  expect(report.withoutRow).toEqual([]);
  // Nothing answered 500.
  expect([...seen.statuses.keys()].filter((s) => s >= 500 && s !== 503)).toEqual([]);
  return { expected, delivered, lost: expected - delivered, repeated };
}

function note(what: string, ids: string[], emails: Awaited<ReturnType<typeof expectNothingLostOrDoubled>>) {
  figures.push(
    `  ${what}: ${ids.length} journeys; emails expected ${emails.expected}, delivered ${emails.delivered}, ` +
      `lost ${emails.lost}, repeated under the same Message-ID ${emails.repeated}; ` +
      `requests sent again so far ${seen.resent} (connections dropped ${seen.dropped})`,
  );
}

test('a worker killed while two run: the other carries on', async () => {
  const ids = await round(async () => {
    await sleep(1_000);
    await worker(0).kill();
  });
  const emails = await expectNothingLostOrDoubled(ids);
  expect(emails.lost).toBe(0);
  note('1 worker of 2 killed', ids, emails);
  await worker(0).start();
});

test('the last worker killed, then started again', async () => {
  await worker(1).kill();
  const ids = await round(async () => {
    await sleep(1_000);
    await worker(0).kill();
    await sleep(2_000);
    await worker(0).start();
  });
  const emails = await expectNothingLostOrDoubled(ids);
  expect(emails.lost).toBe(0);
  note('the last worker killed and restarted', ids, emails);
  await worker(1).start();
});

test('the Temporal server killed, then started again on its data file', async () => {
  const ids = await round(async () => {
    await sleep(1_000);
    await stack.killTemporal();
    await sleep(2_000);
    await stack.startTemporal();
  });
  const emails = await expectNothingLostOrDoubled(ids);
  expect(emails.lost).toBe(0);
  note('the Temporal server killed and restarted', ids, emails);
});

test('the API killed between writing a referral and starting its workflow: the retry starts it, once', async () => {
  let caught = '';
  const ids = await round(async () => {
    // The API's calls to Temporal hang from here: the next referral is written, not started.
    const before = await stack.db.journey.count();
    stack.relay.hold();
    const written = await waitFor('a referral written while Temporal does not answer', async () =>
      (await stack.db.journey.count()) > before
        ? stack.db.journey.findFirst({ orderBy: { createdAt: 'desc' } })
        : null,
    );
    caught = written.id;
    await stack.api.kill();
    stack.relay.release();
    await sleep(1_000);
    await stack.api.start();
  });
  expect(ids).toContain(caught);
  const runs = stack.client.workflow.list({ query: `WorkflowId = '${workflowIdFor(caught)}'` });
  let count = 0;
  for await (const _ of runs) count++;
  expect(count).toBe(1);
  const emails = await expectNothingLostOrDoubled(ids);
  expect(emails.lost).toBe(0);
  note('the API killed mid-referral and restarted', ids, emails);
});

test('PostgreSQL killed, then started again (crash recovery)', async () => {
  const down: { api?: number; retryAfter?: string | null; page?: number; text?: string } = {};
  const ids = await round(async () => {
    await sleep(1_000);
    await stack.postgres.kill();
    // While it is down, callers are told to come back, never answered 500.
    const api = await fetch(`${stack.api.url}/v1/journeys`, {
      headers: { authorization: `Bearer ${stack.orgs.manager.key}` },
    });
    Object.assign(down, { api: api.status, retryAfter: api.headers.get('retry-after') });
    const page = await fetch(`${stack.api.url}/parcours`, {
      headers: { cookie: `${SESSION_COOKIE}=${randomBytes(32).toString('base64url')}` },
      redirect: 'manual',
    });
    Object.assign(down, { page: page.status, text: await page.text() });
    await sleep(3_000);
    await stack.postgres.start();
  });
  expect(down).toMatchObject({ api: 503, retryAfter: '5', page: 503 });
  expect(down.text).toMatch(/La base de données ne répond pas/);
  const emails = await expectNothingLostOrDoubled(ids);
  expect(emails.lost).toBe(0);
  note('PostgreSQL killed and restarted', ids, emails);
});

test('an email claimed while PostgreSQL is down is not taken as claimed by another attempt', async () => {
  const journeyId = await refer();
  const log = notificationLog(stack.db);
  // An event number the journey will not reach, so its own emails are left alone.
  const key = { journeyId, seq: 999, template: 'referral-received.learner' };
  await stack.postgres.kill();
  try {
    // Were the failed insert read as "another attempt has it", the send would stop there and the email be lost.
    await expect(log.claim(key, 'nobody@example.org', null)).rejects.toThrow();
  } finally {
    await stack.postgres.start();
  }
  // Back up, the same claim goes through: nothing was written while it was down.
  await waitFor('PostgreSQL answering', () =>
    stack.db.$queryRaw`SELECT 1`.then(
      () => true,
      () => false,
    ),
  );
  await expect(log.claim(key, 'nobody@example.org', null)).resolves.toEqual({ attempt: 1, resend: false });
  await stack.db.notification.deleteMany({ where: { journeyId: key.journeyId } });
});
