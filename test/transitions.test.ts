// Every transition of the table, against the real stack (API, a worker on the
// Temporal dev server, PostgreSQL, SMTP): allowed, it moves the journey and the
// response shows the change; refused (wrong status 409, wrong role 403, another
// organisation's journey 404 as if unknown, bad body 422), it changes nothing: not the
// read model, not the timeline, not the workflow history, not the mailbox.
import { ageBand } from '../domain/codes';
import type { JourneyInput } from '../domain/journey-state';
import { learnerJourney } from '../workflows/journey';
import { stateQuery, workflowIdFor } from '../workflows/messages';
import type { TimingPolicy } from '../domain/policy';
import type { ActionName, Status } from '../domain/transitions';
import { startStack, today, type HttpResult, type Org, type TestStack } from './support/stack';

const DAY_MS = 86_400_000;

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

// ---------------------------------------------------------------------------
// Dates, computed here rather than with the application's own helpers.

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Calendar months; the 31st plus one month is the last day of the next month. */
function addMonths(date: string, months: number): string {
  const [y = 0, m = 1, d = 1] = date.split('-').map(Number);
  const lastDay = new Date(Date.UTC(y, m - 1 + months + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m - 1 + months, Math.min(d, lastDay))).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------
// Reaching a status.

type Who = keyof TestStack['orgs'];
type Step = [ActionName, Who, Record<string, unknown>];

const admitToday: () => Step = () => ['admit', 'fabrique', { startDate: today(), durationMonths: 6 }];
const startToday: () => Step = () => ['confirm-start', 'fabrique', { startDate: today() }];

function stepsTo(status: Exclude<Status, 'expired'>): Step[] {
  switch (status) {
    case 'referred':
      return [];
    case 'in_review':
      return [['take-in-review', 'fabrique', {}]];
    case 'waitlisted':
      return [['waitlist', 'fabrique', {}]];
    case 'admitted':
      return [admitToday()];
    case 'in_training':
      return [admitToday(), startToday()];
    case 'suspended':
      return [admitToday(), startToday(), ['suspend', 'fabrique', { reason: 'health', from: today() }]];
    case 'follow_up':
      return [
        admitToday(),
        startToday(),
        ['record-completion', 'fabrique', { date: today(), certified: true }],
      ];
    case 'refused':
      return [['refuse', 'fabrique', { reason: 'session_full', shareWithLearner: false }]];
    case 'withdrawn':
      return [['withdraw', 'agency', { reason: 'found_job' }]];
    case 'closed':
      return [['close', 'manager', { reason: 'Orientation saisie deux fois' }]];
  }
}

/** Refers a new learner from the agency to the fabrique and takes the journey to `status`. */
async function journeyIn(status: Exclude<Status, 'expired'>, s: TestStack = stack): Promise<string> {
  const id = (await s.refer()).id as string;
  for (const [action, who, body] of stepsTo(status)) await s.must(id, action, s.orgs[who].key, body);
  return id;
}

/**
 * A journey referred `days` ago, as a late entry would be: the rows and the
 * workflow are created as the API does, with the referral date moved back.
 * Its decision timers are pushed out so that nothing fires during the test.
 */
async function referredDaysAgo(days: number, s: TestStack = stack): Promise<string> {
  const referredAt = new Date(Date.now() - days * DAY_MS);
  const policy: TimingPolicy = {
    ...s.policy,
    decisionReminders: [],
    decisionEscalation: 'P1Y',
    decisionExpiry: 'P1Y',
  };
  const l = s.learner();
  const learner = await s.db.learner.create({
    data: {
      ...l,
      birthDate: new Date(`${l.birthDate}T00:00:00Z`),
      ageBand: ageBand(20),
    },
  });
  const journey = await s.db.journey.create({
    data: {
      learnerId: learner.id,
      agencyId: s.orgs.agency.id,
      fabriqueId: s.orgs.fabrique.id,
      status: 'referred',
      referredAt,
      policy: policy as object,
    },
  });
  const input: JourneyInput = {
    journeyId: journey.id,
    learnerId: learner.id,
    agencyId: journey.agencyId,
    fabriqueId: journey.fabriqueId,
    referredAt: referredAt.toISOString(),
    policy,
  };
  await s.client.workflow.start(learnerJourney, {
    taskQueue: s.taskQueue,
    workflowId: workflowIdFor(journey.id),
    args: [input],
  });
  return journey.id;
}

/** A training that started `days` ago (referred and admitted on that day), 6 months long. */
async function trainingStartedDaysAgo(days: number, s: TestStack = stack): Promise<string> {
  const id = await referredDaysAgo(days, s);
  await s.must(id, 'admit', s.orgs.fabrique.key, { startDate: today(-days), durationMonths: 6 });
  await s.must(id, 'confirm-start', s.orgs.fabrique.key, { startDate: today(-days) });
  return id;
}

// ---------------------------------------------------------------------------
// "Changes nothing": the read model, the timeline, the free texts, the
// workflow history and the emails, before and after.

interface Snapshot {
  row: unknown;
  timeline: number;
  texts: number;
  history: number;
  emails: number;
}

async function snapshot(id: string, s: TestStack = stack): Promise<Snapshot> {
  const [row, timeline, texts, history] = await Promise.all([
    s.db.journey.findUnique({ where: { id }, include: { followUps: { orderBy: { milestone: 'asc' } } } }),
    s.db.timelineEntry.count({ where: { journeyId: id } }),
    s.db.actionText.count({ where: { journeyId: id } }),
    s.client.workflow.getHandle(workflowIdFor(id)).fetchHistory(),
  ]);
  return { row, timeline, texts, history: history.events?.length ?? 0, emails: s.inbox.of(id).length };
}

/** Waits until the journey is at rest (see TestStack.atRest), then returns its snapshot. */
async function settled(id: string, s: TestStack = stack): Promise<Snapshot> {
  await s.atRest(id);
  return snapshot(id, s);
}

/** A journey made ready for one test, at rest, with its snapshot. */
interface Prepared {
  id: string;
  before: Snapshot;
}

type Setup = Exclude<Status, 'expired'> | ((s: TestStack) => Promise<string>);

/** Runs at most `limit` tasks at once, in the order they were asked for. */
function limiter(limit: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

const preparing = limiter(12);

/**
 * One journey per test, each referred for a new learner and brought to its
 * starting point, at rest, before the tests of the block run: the block's own
 * setup, a dozen at a time, so that a block whose tests `-t` leaves out
 * prepares nothing. A journey is left untouched until its test.
 */
function prepare<K extends string>(setups: Record<K, Setup>, on?: () => TestStack): Record<K, Prepared> {
  const ready = {} as Record<K, Prepared>;
  beforeAll(async () => {
    const s = on ? on() : stack;
    await Promise.all(
      (Object.entries(setups) as [K, Setup][]).map(async ([name, setup]) => {
        ready[name] = await preparing(async () => {
          const id = typeof setup === 'string' ? await journeyIn(setup, s) : await setup(s);
          return { id, before: await settled(id, s) };
        });
      }),
    );
  }, 120_000);
  return ready;
}

/**
 * Takes the action on a prepared journey, expects it refused with `status`,
 * and checks that nothing changed since the journey came to rest.
 */
async function expectRefused(
  journey: Prepared,
  action: ActionName,
  who: Org,
  body: Record<string, unknown>,
  status: 403 | 404 | 409 | 422,
  s: TestStack = stack,
): Promise<HttpResult> {
  const res = await s.act(journey.id, action, who.key, body);
  expect({ status: res.status, body: res.body }).toMatchObject({ status, body: { status } });
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(typeof res.body.detail).toBe('string');
  expect(await snapshot(journey.id, s)).toEqual(journey.before);
  return res;
}

/** A 422 whose `errors` name `field`. */
function expectFieldError(res: HttpResult, field: string): void {
  expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
}

interface TimelineJson {
  action: string;
  fromStatus: string | null;
  toStatus: string | null;
  actor: { type: string; orgId: string | null };
  details: Record<string, unknown>;
}

/** The last timeline entry of a journey as the API shows it. */
function lastEvent(journey: HttpResult['body']): TimelineJson {
  const timeline = journey.timeline as TimelineJson[];
  return timeline[timeline.length - 1] as TimelineJson;
}

/** Where the journey stands in Temporal, the source of truth, as the workflow answers. */
async function workflowState(id: string, s: TestStack = stack) {
  return s.client.workflow.getHandle(workflowIdFor(id)).query(stateQuery);
}

const inTwoDays = () => new Date(Date.now() + 2 * DAY_MS + 3_600_000).toISOString();

// ---------------------------------------------------------------------------

describe('take-in-review', () => {
  const j = prepare({
    allowed: 'referred',
    inReview: 'in_review',
    byAgency: 'referred',
    byOtherFabrique: 'referred',
    badInterview: 'referred',
  });

  test('a fabrique takes a referral in review, with the interview date', async () => {
    const { fabrique } = stack.orgs;
    const interviewAt = inTwoDays();
    const r = await stack.must(j.allowed.id, 'take-in-review', fabrique.key, {
      interviewAt,
      note: 'Entretien mardi',
    });
    expect(r.status).toBe('in_review');
    expect(r.dates.interviewAt).toBe(interviewAt);
    expect(r.allowedActions).toEqual(['waitlist', 'admit', 'refuse', 'withdraw']);
    expect(lastEvent(r)).toMatchObject({
      action: 'take-in-review',
      fromStatus: 'referred',
      toStatus: 'in_review',
      actor: { type: 'fabrique', orgId: fabrique.id },
      details: { interviewAt, note: 'Entretien mardi' },
    });
  });

  test('take-in-review from in_review is refused with 409 and changes nothing', async () => {
    const res = await expectRefused(j.inReview, 'take-in-review', stack.orgs.fabrique, {}, 409);
    expect(res.body.detail).toMatch(/in_review/);
    expect(res.body.action).toBe('take-in-review');
  });

  test('an agency may not take a referral in review (403) and nothing changes', async () => {
    await expectRefused(j.byAgency, 'take-in-review', stack.orgs.agency, {}, 403);
  });

  test('another fabrique may not take the referral in review (404, as if unknown)', async () => {
    await expectRefused(j.byOtherFabrique, 'take-in-review', stack.orgs.fabrique2, {}, 404);
  });

  test('an interview date that is not a date-time is refused with 422 naming interviewAt', async () => {
    const res = await expectRefused(
      j.badInterview,
      'take-in-review',
      stack.orgs.fabrique,
      { interviewAt: 'mardi 14h' },
      422,
    );
    expectFieldError(res, 'interviewAt');
  });
});

describe('waitlist', () => {
  const j = prepare({
    fromReview: 'in_review',
    fromReferred: 'referred',
    waitlisted: 'waitlisted',
    byManager: 'referred',
    byOtherFabrique: 'in_review',
  });

  test('a fabrique waitlists a referral in review', async () => {
    const r = await stack.must(j.fromReview.id, 'waitlist', stack.orgs.fabrique.key, {
      note: 'Session complète',
    });
    expect(r.status).toBe('waitlisted');
    expect(r.dates.decidedAt).toEqual(expect.any(String));
    expect(lastEvent(r)).toMatchObject({
      action: 'waitlist',
      fromStatus: 'in_review',
      toStatus: 'waitlisted',
    });
  });

  test('a fabrique waitlists a referral straight from referred', async () => {
    const r = await stack.must(j.fromReferred.id, 'waitlist', stack.orgs.fabrique.key);
    expect(r.status).toBe('waitlisted');
  });

  test('waitlist from waitlisted is refused with 409 and changes nothing', async () => {
    await expectRefused(j.waitlisted, 'waitlist', stack.orgs.fabrique, {}, 409);
  });

  test('a manager may not waitlist (403)', async () => {
    await expectRefused(j.byManager, 'waitlist', stack.orgs.manager, {}, 403);
  });

  test('another fabrique may not waitlist the referral (404, as if unknown)', async () => {
    await expectRefused(j.byOtherFabrique, 'waitlist', stack.orgs.fabrique2, {}, 404);
  });
});

describe('admit', () => {
  const j = prepare({
    fromReview: 'in_review',
    fromWaitlist: 'waitlisted',
    inTraining: 'in_training',
    byAgency: 'in_review',
    byOtherFabrique: 'in_review',
    tooLong: 'in_review',
    tooOld: 'referred',
    tooFar: 'referred',
  });
  const admit = { startDate: today(), durationMonths: 6 };

  test('a fabrique admits a referral in review: start date, duration and planned end', async () => {
    const startDate = today(14);
    const r = await stack.must(j.fromReview.id, 'admit', stack.orgs.fabrique.key, {
      startDate,
      durationMonths: 9,
      trainingTitle: 'Développeur·se web',
    });
    expect(r.status).toBe('admitted');
    expect(r.durationMonths).toBe(9);
    expect(r.trainingTitle).toBe('Développeur·se web');
    expect(r.dates).toMatchObject({
      plannedStartDate: startDate,
      plannedEndDate: addMonths(startDate, 9),
      decidedAt: expect.any(String),
    });
    expect(r.allowedActions).toEqual(['withdraw', 'confirm-start', 'report-no-show']);
    expect(lastEvent(r)).toMatchObject({
      action: 'admit',
      fromStatus: 'in_review',
      toStatus: 'admitted',
      details: { startDate, durationMonths: 9 },
    });
  });

  test('a fabrique admits a waitlisted referral', async () => {
    const r = await stack.must(j.fromWaitlist.id, 'admit', stack.orgs.fabrique.key, {
      startDate: today(),
      durationMonths: 3,
    });
    expect(r.status).toBe('admitted');
    expect(r.dates.plannedEndDate).toBe(addMonths(today(), 3));
  });

  test('admit from in_training is refused with 409 and changes nothing', async () => {
    const res = await expectRefused(j.inTraining, 'admit', stack.orgs.fabrique, admit, 409);
    expect(res.body.action).toBe('admit');
  });

  test('an agency may not admit (403)', async () => {
    await expectRefused(j.byAgency, 'admit', stack.orgs.agency, admit, 403);
  });

  test('another fabrique may not admit the referral (404, as if unknown)', async () => {
    await expectRefused(j.byOtherFabrique, 'admit', stack.orgs.fabrique2, admit, 404);
  });

  test('admit for 25 months is refused with 422 naming durationMonths, and changes nothing', async () => {
    const res = await expectRefused(
      j.tooLong,
      'admit',
      stack.orgs.fabrique,
      { startDate: today(), durationMonths: 25 },
      422,
    );
    expectFieldError(res, 'durationMonths');
  });

  test('admit with a start date older than the late-entry limit (12 months) is refused with 422 naming startDate', async () => {
    const res = await expectRefused(
      j.tooOld,
      'admit',
      stack.orgs.fabrique,
      { startDate: addMonths(today(), -13), durationMonths: 6 },
      422,
    );
    expect(res.body.detail).toMatch(/late-entry limit/);
    expectFieldError(res, 'startDate');
  });

  test('admit with a start date more than two years ahead is refused with 422 naming startDate', async () => {
    const res = await expectRefused(
      j.tooFar,
      'admit',
      stack.orgs.fabrique,
      { startDate: addMonths(today(), 25), durationMonths: 6 },
      422,
    );
    expectFieldError(res, 'startDate');
  });
});

describe('refuse', () => {
  const j = prepare({
    allowed: 'in_review',
    badReason: 'referred',
    admitted: 'admitted',
    byAgency: 'referred',
    byOtherFabrique: 'waitlisted',
  });
  const refusal = { reason: 'other', shareWithLearner: false };

  test('a fabrique refuses a referral with a reason code; the journey ends, in Temporal too', async () => {
    const { id } = j.allowed;
    const r = await stack.must(id, 'refuse', stack.orgs.fabrique.key, {
      reason: 'prerequisites_not_met',
      shareWithLearner: true,
      message: 'Revenez vers nous après la remise à niveau.',
    });
    expect(r.status).toBe('refused');
    expect(r.endReason).toBe('prerequisites_not_met');
    expect(r.allowedActions).toEqual([]);
    expect(lastEvent(r)).toMatchObject({
      action: 'refuse',
      toStatus: 'refused',
      details: { reason: 'prerequisites_not_met', shareWithLearner: true },
    });
    expect(await workflowState(id)).toMatchObject({ status: 'refused', endReason: 'prerequisites_not_met' });
  });

  test('refuse with an unknown reason code is refused with 422 naming reason', async () => {
    const res = await expectRefused(
      j.badReason,
      'refuse',
      stack.orgs.fabrique,
      { reason: 'too_old', shareWithLearner: false },
      422,
    );
    expectFieldError(res, 'reason');
  });

  test('refuse from admitted is refused with 409 and changes nothing', async () => {
    await expectRefused(j.admitted, 'refuse', stack.orgs.fabrique, refusal, 409);
  });

  test('an agency may not refuse (403)', async () => {
    await expectRefused(j.byAgency, 'refuse', stack.orgs.agency, refusal, 403);
  });

  test('another fabrique may not refuse the referral (404, as if unknown)', async () => {
    await expectRefused(j.byOtherFabrique, 'refuse', stack.orgs.fabrique2, refusal, 404);
  });
});

describe('withdraw', () => {
  const j = prepare({
    byAgency: 'waitlisted',
    byFabrique: 'admitted',
    inTraining: 'in_training',
    byManager: 'referred',
    byOtherAgency: 'referred',
    badReason: 'referred',
  });

  test('an agency withdraws its own referral', async () => {
    const { agency } = stack.orgs;
    const r = await stack.must(j.byAgency.id, 'withdraw', agency.key, {
      reason: 'learner_declined',
      note: 'Déménage',
    });
    expect(r.status).toBe('withdrawn');
    expect(r.endReason).toBe('learner_declined');
    expect(lastEvent(r)).toMatchObject({
      action: 'withdraw',
      fromStatus: 'waitlisted',
      toStatus: 'withdrawn',
      actor: { type: 'agency', orgId: agency.id },
    });
  });

  test('a fabrique withdraws an admitted learner', async () => {
    const r = await stack.must(j.byFabrique.id, 'withdraw', stack.orgs.fabrique.key, { reason: 'moved' });
    expect(r.status).toBe('withdrawn');
    expect(r.endReason).toBe('moved');
  });

  test('withdraw once training started is refused with 409 (a dropout now) and changes nothing', async () => {
    await expectRefused(j.inTraining, 'withdraw', stack.orgs.agency, { reason: 'found_job' }, 409);
  });

  test('a manager may not withdraw (403)', async () => {
    await expectRefused(j.byManager, 'withdraw', stack.orgs.manager, { reason: 'found_job' }, 403);
  });

  test('another agency may not withdraw the referral (404, as if unknown)', async () => {
    await expectRefused(j.byOtherAgency, 'withdraw', stack.orgs.agency2, { reason: 'found_job' }, 404);
  });

  test('withdraw with a reason from another list is refused with 422 naming reason', async () => {
    const res = await expectRefused(j.badReason, 'withdraw', stack.orgs.agency, { reason: 'health' }, 422);
    expectFieldError(res, 'reason');
  });
});

describe('confirm-start', () => {
  const j = prepare({
    allowed: async (s) => {
      const id = (await s.refer()).id as string;
      await s.must(id, 'admit', s.orgs.fabrique.key, { startDate: today(10), durationMonths: 6 });
      return id;
    },
    future: 'admitted',
    tooOld: 'admitted',
    referred: 'referred',
    byAgency: 'admitted',
    byOtherFabrique: 'admitted',
  });

  test('a fabrique confirms the start; the planned end counts from the actual start', async () => {
    const r = await stack.must(j.allowed.id, 'confirm-start', stack.orgs.fabrique.key, {
      startDate: today(),
    });
    expect(r.status).toBe('in_training');
    expect(r.dates).toMatchObject({
      plannedStartDate: today(10),
      startDate: today(),
      plannedEndDate: addMonths(today(), 6),
    });
    expect(r.allowedActions).toEqual(['suspend', 'extend', 'record-dropout', 'record-completion']);
  });

  test('confirm-start in the future is refused with 422 naming startDate, and changes nothing', async () => {
    const res = await expectRefused(
      j.future,
      'confirm-start',
      stack.orgs.fabrique,
      { startDate: today(1) },
      422,
    );
    expectFieldError(res, 'startDate');
  });

  test('confirm-start older than the late-entry limit (12 months) is refused with 422', async () => {
    const res = await expectRefused(
      j.tooOld,
      'confirm-start',
      stack.orgs.fabrique,
      { startDate: addMonths(today(), -13) },
      422,
    );
    expectFieldError(res, 'startDate');
  });

  test('confirm-start from referred is refused with 409', async () => {
    await expectRefused(j.referred, 'confirm-start', stack.orgs.fabrique, { startDate: today() }, 409);
  });

  test('an agency may not confirm the start (403)', async () => {
    await expectRefused(j.byAgency, 'confirm-start', stack.orgs.agency, { startDate: today() }, 403);
  });

  test('another fabrique may not confirm the start (404, as if unknown)', async () => {
    await expectRefused(
      j.byOtherFabrique,
      'confirm-start',
      stack.orgs.fabrique2,
      { startDate: today() },
      404,
    );
  });
});

describe('report-no-show', () => {
  const j = prepare({
    allowed: 'admitted',
    inTraining: 'in_training',
    byAgency: 'admitted',
    byOtherFabrique: 'admitted',
  });

  test('a fabrique reports that an admitted learner did not show up: withdrawn, reason no_show', async () => {
    const r = await stack.must(j.allowed.id, 'report-no-show', stack.orgs.fabrique.key, { note: 'Pas venu' });
    expect(r.status).toBe('withdrawn');
    expect(r.endReason).toBe('no_show');
    expect(lastEvent(r)).toMatchObject({
      action: 'report-no-show',
      fromStatus: 'admitted',
      toStatus: 'withdrawn',
    });
  });

  test('report-no-show once training started is refused with 409', async () => {
    await expectRefused(j.inTraining, 'report-no-show', stack.orgs.fabrique, {}, 409);
  });

  test('an agency may not report a no-show (403)', async () => {
    await expectRefused(j.byAgency, 'report-no-show', stack.orgs.agency, {}, 403);
  });

  test('another fabrique may not report a no-show (404, as if unknown)', async () => {
    await expectRefused(j.byOtherFabrique, 'report-no-show', stack.orgs.fabrique2, {}, 404);
  });
});

describe('suspend', () => {
  const j = prepare({
    allowed: 'in_training',
    beforeStart: 'in_training',
    admitted: 'admitted',
    byManager: 'in_training',
    byOtherFabrique: 'in_training',
  });
  const suspension = { reason: 'health', from: today() };

  test('a fabrique suspends a training from a date', async () => {
    const r = await stack.must(j.allowed.id, 'suspend', stack.orgs.fabrique.key, {
      reason: 'maternity',
      from: today(),
    });
    expect(r.status).toBe('suspended');
    expect(r.dates.suspendedFrom).toBe(today());
    expect(r.allowedActions).toEqual(['resume', 'extend', 'record-dropout']);
    expect(lastEvent(r)).toMatchObject({
      action: 'suspend',
      details: { reason: 'maternity', from: today() },
    });
  });

  test('a suspension from before the start date is refused with 422 naming from', async () => {
    const res = await expectRefused(
      j.beforeStart,
      'suspend',
      stack.orgs.fabrique,
      { reason: 'health', from: today(-1) },
      422,
    );
    expectFieldError(res, 'from');
  });

  test('suspend from admitted is refused with 409', async () => {
    await expectRefused(j.admitted, 'suspend', stack.orgs.fabrique, suspension, 409);
  });

  test('a manager may not suspend (403)', async () => {
    await expectRefused(j.byManager, 'suspend', stack.orgs.manager, suspension, 403);
  });

  test('another fabrique may not suspend (404, as if unknown)', async () => {
    await expectRefused(j.byOtherFabrique, 'suspend', stack.orgs.fabrique2, suspension, 404);
  });
});

describe('resume', () => {
  /** Started 20 days ago, suspended for the last 10. */
  const suspendedTenDays = async (s: TestStack) => {
    const id = await trainingStartedDaysAgo(20, s);
    await s.must(id, 'suspend', s.orgs.fabrique.key, { reason: 'family', from: today(-10) });
    return id;
  };
  const j = prepare({
    allowed: suspendedTenDays,
    beforeSuspension: suspendedTenDays,
    inTraining: 'in_training',
    byAgency: 'suspended',
    byOtherFabrique: 'suspended',
  });

  test('a fabrique resumes a training; the planned end moves by the days suspended', async () => {
    const { id } = j.allowed;
    expect((await stack.journey(id)).dates.plannedEndDate).toBe(addMonths(today(-20), 6));
    const r = await stack.must(id, 'resume', stack.orgs.fabrique.key, { date: today() });
    expect(r.status).toBe('in_training');
    expect(r.dates.suspendedFrom).toBeNull();
    expect(r.dates.plannedEndDate).toBe(addDays(addMonths(today(-20), 6), 10));
    expect(lastEvent(r)).toMatchObject({ action: 'resume', details: { date: today(), daysSuspended: 10 } });
  });

  test('resume before the suspension date is refused with 422 naming date', async () => {
    const res = await expectRefused(
      j.beforeSuspension,
      'resume',
      stack.orgs.fabrique,
      { date: today(-15) },
      422,
    );
    expectFieldError(res, 'date');
  });

  test('resume of a training that is not suspended is refused with 409', async () => {
    await expectRefused(j.inTraining, 'resume', stack.orgs.fabrique, { date: today() }, 409);
  });

  test('an agency may not resume (403)', async () => {
    await expectRefused(j.byAgency, 'resume', stack.orgs.agency, { date: today() }, 403);
  });

  test('another fabrique may not resume (404, as if unknown)', async () => {
    await expectRefused(j.byOtherFabrique, 'resume', stack.orgs.fabrique2, { date: today() }, 404);
  });
});

describe('extend', () => {
  const j = prepare({
    allowed: 'in_training',
    suspended: async (s) => {
      const id = await trainingStartedDaysAgo(20, s);
      await s.must(id, 'suspend', s.orgs.fabrique.key, { reason: 'health', from: today(-10) });
      return id;
    },
    tooLong: (s) => trainingStartedDaysAgo(20, s),
    earlier: 'in_training',
    admitted: 'admitted',
    byAgency: 'in_training',
    byOtherFabrique: 'in_training',
  });
  const extension = () => ({ plannedEndDate: addMonths(today(), 8), reason: 'Stage prolongé' });

  test('a fabrique extends a training in progress; the status stays in_training', async () => {
    const plannedEndDate = addMonths(today(), 8);
    const r = await stack.must(j.allowed.id, 'extend', stack.orgs.fabrique.key, {
      plannedEndDate,
      reason: 'Stage en entreprise prolongé',
    });
    expect(r.status).toBe('in_training');
    expect(r.dates.plannedEndDate).toBe(plannedEndDate);
    expect(lastEvent(r)).toMatchObject({
      action: 'extend',
      fromStatus: 'in_training',
      toStatus: 'in_training',
      details: { previousPlannedEndDate: addMonths(today(), 6), plannedEndDate },
    });
  });

  test('a suspended training may run to 24 months plus the days suspended; the status stays suspended', async () => {
    // Started 20 days ago, suspended for the last 10: the latest end is 24
    // months after the start plus those 10 days.
    const plannedEndDate = addDays(addMonths(today(-20), 24), 10);
    const r = await stack.must(j.suspended.id, 'extend', stack.orgs.fabrique.key, {
      plannedEndDate,
      reason: 'Rattrapage',
    });
    expect(r.status).toBe('suspended');
    expect(r.dates.plannedEndDate).toBe(plannedEndDate);
  });

  test('an extension past 24 months of training time is refused with 422 naming plannedEndDate', async () => {
    const res = await expectRefused(
      j.tooLong,
      'extend',
      stack.orgs.fabrique,
      { plannedEndDate: addDays(addMonths(today(-20), 24), 1), reason: 'Rattrapage' },
      422,
    );
    expect(res.body.detail).toMatch(/24 months/);
    expectFieldError(res, 'plannedEndDate');
  });

  test('an "extension" that ends earlier than planned is refused with 422', async () => {
    const res = await expectRefused(
      j.earlier,
      'extend',
      stack.orgs.fabrique,
      { plannedEndDate: addMonths(today(), 5), reason: 'Raccourcie' },
      422,
    );
    expectFieldError(res, 'plannedEndDate');
  });

  test('extend from admitted is refused with 409', async () => {
    await expectRefused(j.admitted, 'extend', stack.orgs.fabrique, extension(), 409);
  });

  test('an agency may not extend (403)', async () => {
    await expectRefused(j.byAgency, 'extend', stack.orgs.agency, extension(), 403);
  });

  test('another fabrique may not extend (404, as if unknown)', async () => {
    await expectRefused(j.byOtherFabrique, 'extend', stack.orgs.fabrique2, extension(), 404);
  });
});

describe('record-dropout', () => {
  const j = prepare({
    allowed: 'in_training',
    suspended: 'suspended',
    badReason: 'in_training',
    admitted: 'admitted',
    byAgency: 'in_training',
    byOtherFabrique: 'in_training',
  });
  const dropout = () => ({ date: today(), reason: 'health' });

  test('a fabrique records a dropout: follow_up, the exit and both milestones 3 and 6 months later', async () => {
    const r = await stack.must(j.allowed.id, 'record-dropout', stack.orgs.fabrique.key, {
      date: today(),
      reason: 'found_job',
    });
    expect(r.status).toBe('follow_up');
    expect(r.exit).toMatchObject({ kind: 'dropped_out', date: today(), reason: 'found_job' });
    expect(r.followUps).toEqual([
      expect.objectContaining({ milestone: '3m', dueDate: addMonths(today(), 3), status: 'pending' }),
      expect.objectContaining({ milestone: '6m', dueDate: addMonths(today(), 6), status: 'pending' }),
    ]);
    expect(lastEvent(r)).toMatchObject({
      action: 'record-dropout',
      fromStatus: 'in_training',
      toStatus: 'follow_up',
    });
  });

  test('a fabrique records a dropout during a suspension', async () => {
    const r = await stack.must(j.suspended.id, 'record-dropout', stack.orgs.fabrique.key, dropout());
    expect(r.status).toBe('follow_up');
    expect(r.dates.suspendedFrom).toBeNull();
    expect(lastEvent(r)).toMatchObject({ fromStatus: 'suspended', toStatus: 'follow_up' });
  });

  test('a dropout with an unknown reason code is refused with 422 naming reason', async () => {
    const res = await expectRefused(
      j.badReason,
      'record-dropout',
      stack.orgs.fabrique,
      { date: today(), reason: 'bored' },
      422,
    );
    expectFieldError(res, 'reason');
  });

  test('record-dropout from admitted is refused with 409 (a no-show or withdrawal then)', async () => {
    await expectRefused(j.admitted, 'record-dropout', stack.orgs.fabrique, dropout(), 409);
  });

  test('an agency may not record a dropout (403)', async () => {
    await expectRefused(j.byAgency, 'record-dropout', stack.orgs.agency, dropout(), 403);
  });

  test('another fabrique may not record a dropout (404, as if unknown)', async () => {
    await expectRefused(j.byOtherFabrique, 'record-dropout', stack.orgs.fabrique2, dropout(), 404);
  });
});

describe('record-completion', () => {
  const j = prepare({
    allowed: 'in_training',
    beforeStart: 'in_training',
    future: 'in_training',
    noCertified: 'in_training',
    suspended: 'suspended',
    byAgency: 'in_training',
    byOtherFabrique: 'in_training',
  });
  const completion = () => ({ date: today(), certified: true });

  test('a fabrique records a certified completion: follow_up with the exit', async () => {
    const r = await stack.must(j.allowed.id, 'record-completion', stack.orgs.fabrique.key, {
      date: today(),
      certified: true,
      certification: 'Titre professionnel DWWM',
    });
    expect(r.status).toBe('follow_up');
    expect(r.exit).toMatchObject({
      kind: 'completed',
      date: today(),
      certified: true,
      certification: 'Titre professionnel DWWM',
    });
    expect(r.followUps.map((f: { milestone: string }) => f.milestone)).toEqual(['3m', '6m']);
    expect(r.allowedActions).toEqual(['record-follow-up']);
  });

  test('a completion before the start date is refused with 422 naming date, and changes nothing', async () => {
    const res = await expectRefused(
      j.beforeStart,
      'record-completion',
      stack.orgs.fabrique,
      { date: today(-1), certified: false },
      422,
    );
    expect(res.body.detail).toMatch(/before the start date/);
    expectFieldError(res, 'date');
  });

  test('a completion in the future is refused with 422 naming date', async () => {
    const res = await expectRefused(
      j.future,
      'record-completion',
      stack.orgs.fabrique,
      { date: today(30), certified: false },
      422,
    );
    expectFieldError(res, 'date');
  });

  test('a completion without certified is refused with 422 naming certified', async () => {
    const res = await expectRefused(
      j.noCertified,
      'record-completion',
      stack.orgs.fabrique,
      { date: today() },
      422,
    );
    expectFieldError(res, 'certified');
  });

  test('record-completion during a suspension is refused with 409 (resume first)', async () => {
    await expectRefused(j.suspended, 'record-completion', stack.orgs.fabrique, completion(), 409);
  });

  test('an agency may not record a completion (403)', async () => {
    await expectRefused(j.byAgency, 'record-completion', stack.orgs.agency, completion(), 403);
  });

  test('another fabrique may not record a completion (404, as if unknown)', async () => {
    await expectRefused(j.byOtherFabrique, 'record-completion', stack.orgs.fabrique2, completion(), 404);
  });
});

describe('record-follow-up (milestones 3 and 6 months away)', () => {
  const j = prepare({
    notDue: 'follow_up',
    badOutcome: 'follow_up',
    inTraining: 'in_training',
    byManager: 'follow_up',
    byOtherAgency: 'follow_up',
  });
  const answer = { milestone: '3m', outcome: 'cdi' };

  test('a follow-up before its milestone is due is refused with 422 naming milestone', async () => {
    const res = await expectRefused(j.notDue, 'record-follow-up', stack.orgs.fabrique, answer, 422);
    expect(res.body.detail).toMatch(/not due/);
    expectFieldError(res, 'milestone');
  });

  test('a follow-up with an unknown outcome code is refused with 422 naming outcome', async () => {
    const res = await expectRefused(
      j.badOutcome,
      'record-follow-up',
      stack.orgs.agency,
      { milestone: '3m', outcome: 'rich' },
      422,
    );
    expectFieldError(res, 'outcome');
  });

  test('record-follow-up during the training is refused with 409', async () => {
    await expectRefused(j.inTraining, 'record-follow-up', stack.orgs.fabrique, answer, 409);
  });

  test('a manager may not record a follow-up (403)', async () => {
    await expectRefused(j.byManager, 'record-follow-up', stack.orgs.manager, answer, 403);
  });

  test('another agency may not record a follow-up (404, as if unknown)', async () => {
    await expectRefused(j.byOtherAgency, 'record-follow-up', stack.orgs.agency2, answer, 404);
  });
});

describe('record-follow-up once the 3-month milestone is due', () => {
  // The 3m milestone falls due one second after the exit; the 6m one keeps its six months.
  let due: TestStack;
  beforeAll(async () => {
    due = await startStack({ policy: { followUpOffsets: { '3m': 'PT1S', '6m': 'P6M' } } });
  });
  afterAll(async () => {
    await due?.stop();
  });
  const j = prepare(
    {
      byFabrique: 'follow_up',
      byAgency: 'follow_up',
      sixMonths: 'follow_up',
      answered: async (s) => {
        const id = await journeyIn('follow_up', s);
        await s.must(id, 'record-follow-up', s.orgs.fabrique.key, { milestone: '3m', outcome: 'interim' });
        return id;
      },
      byOtherFabrique: 'follow_up',
    },
    () => due,
  );

  test('the fabrique records the 3m outcome it collected: the follow-up shows it, the journey stays in follow_up', async () => {
    const { fabrique } = due.orgs;
    const r = await due.must(j.byFabrique.id, 'record-follow-up', fabrique.key, {
      milestone: '3m',
      outcome: 'cdi',
      employer: 'Boulangerie Dupain',
      jobTitle: 'Développeuse',
      contractStart: today(),
    });
    expect(r.status).toBe('follow_up');
    expect(r.followUps).toEqual([
      expect.objectContaining({
        milestone: '3m',
        status: 'answered',
        outcome: 'cdi',
        answeredBy: 'fabrique',
        employer: 'Boulangerie Dupain',
        jobTitle: 'Développeuse',
        contractStart: today(),
      }),
      expect.objectContaining({ milestone: '6m', status: 'pending', outcome: null }),
    ]);
    expect(lastEvent(r)).toMatchObject({
      action: 'record-follow-up',
      fromStatus: 'follow_up',
      toStatus: 'follow_up',
      actor: { type: 'fabrique', orgId: fabrique.id },
      details: { milestone: '3m', outcome: 'cdi' },
    });
  });

  test('the agency records the 3m outcome it collected by phone', async () => {
    const r = await due.must(j.byAgency.id, 'record-follow-up', due.orgs.agency.key, {
      milestone: '3m',
      outcome: 'job_seeking',
    });
    expect(r.followUps[0]).toMatchObject({ milestone: '3m', outcome: 'job_seeking', answeredBy: 'agency' });
  });

  test('the 6m outcome answered before it is due is refused with 422 and changes nothing', async () => {
    const res = await expectRefused(
      j.sixMonths,
      'record-follow-up',
      due.orgs.fabrique,
      { milestone: '6m', outcome: 'cdi' },
      422,
      due,
    );
    expectFieldError(res, 'milestone');
  });

  test('a milestone already answered is refused with 409 and changes nothing', async () => {
    const res = await expectRefused(
      j.answered,
      'record-follow-up',
      due.orgs.agency,
      { milestone: '3m', outcome: 'cdi' },
      409,
      due,
    );
    expect(res.body.detail).toMatch(/already/);
  });

  test('another fabrique may not record the follow-up (404, as if unknown)', async () => {
    await expectRefused(
      j.byOtherFabrique,
      'record-follow-up',
      due.orgs.fabrique2,
      { milestone: '3m', outcome: 'cdi' },
      404,
      due,
    );
  });
});

describe('transfer', () => {
  const j = prepare({
    fromReview: 'in_review',
    fromWaitlist: 'waitlisted',
    notAFabrique: 'referred',
    sameFabrique: 'referred',
    admitted: 'admitted',
    byFabrique: 'referred',
    byAgency: 'referred',
  });
  const transfer = () => ({ toFabriqueId: stack.orgs.fabrique2.id, reason: 'Plus proche du domicile' });

  test('a manager transfers a referral in review to another fabrique; the old one loses access', async () => {
    const { manager, fabrique, fabrique2 } = stack.orgs;
    const { id } = j.fromReview;
    const r = await stack.must(id, 'transfer', manager.key, transfer());
    expect(r.status).toBe('referred');
    expect(r.fabrique.id).toBe(fabrique2.id);
    expect(r.dates.interviewAt).toBeNull();
    expect(lastEvent(r)).toMatchObject({
      action: 'transfer',
      fromStatus: 'in_review',
      toStatus: 'referred',
      details: { fromFabriqueId: fabrique.id, toFabriqueId: fabrique2.id },
    });

    expect((await stack.view(id, fabrique.key)).status).toBe(404);
    const late = await stack.act(id, 'admit', fabrique.key, { startDate: today(), durationMonths: 6 });
    expect(late.status).toBe(404);
    const atNew = await stack.view(id, fabrique2.key);
    expect(atNew.status).toBe(200);
    expect(atNew.body.allowedActions).toEqual(['take-in-review', 'waitlist', 'admit', 'refuse', 'withdraw']);
    const notice = await stack.inbox.waitFor(id, 'transferred-in.fabrique');
    expect(notice.to).toContain(fabrique2.email.toLowerCase());
  });

  test('a manager transfers a waitlisted referral', async () => {
    const r = await stack.must(j.fromWaitlist.id, 'transfer', stack.orgs.manager.key, transfer());
    expect(r.status).toBe('referred');
    expect(r.fabrique.id).toBe(stack.orgs.fabrique2.id);
  });

  test('a transfer to an organisation that is not a fabrique is refused with 422 naming toFabriqueId', async () => {
    const res = await expectRefused(
      j.notAFabrique,
      'transfer',
      stack.orgs.manager,
      { toFabriqueId: stack.orgs.agency2.id, reason: 'x' },
      422,
    );
    expectFieldError(res, 'toFabriqueId');
  });

  test('a transfer to the fabrique it is already at is refused with 422', async () => {
    const res = await expectRefused(
      j.sameFabrique,
      'transfer',
      stack.orgs.manager,
      { toFabriqueId: stack.orgs.fabrique.id, reason: 'x' },
      422,
    );
    expectFieldError(res, 'toFabriqueId');
  });

  test('transfer once admitted is refused with 409', async () => {
    await expectRefused(j.admitted, 'transfer', stack.orgs.manager, transfer(), 409);
  });

  test('a fabrique may not transfer its referral (403)', async () => {
    await expectRefused(j.byFabrique, 'transfer', stack.orgs.fabrique, transfer(), 403);
  });

  test('an agency may not transfer its referral (403)', async () => {
    await expectRefused(j.byAgency, 'transfer', stack.orgs.agency, transfer(), 403);
  });
});

describe('close', () => {
  const j = prepare({
    referred: 'referred',
    inTraining: 'in_training',
    refused: 'refused',
    closed: 'closed',
    noReason: 'in_review',
    byFabrique: 'in_training',
    byAgency: 'referred',
  });

  test('a manager closes a referral administratively; the journey ends, in Temporal too', async () => {
    const { id } = j.referred;
    const r = await stack.must(id, 'close', stack.orgs.manager.key, {
      reason: 'Orientation saisie deux fois',
    });
    expect(r.status).toBe('closed');
    expect(r.endReason).toBe('closed_by_manager');
    expect(r.dates.closedAt).toEqual(expect.any(String));
    expect(r.allowedActions).toEqual([]);
    expect(await workflowState(id)).toMatchObject({ status: 'closed', endReason: 'closed_by_manager' });
  });

  test('a manager closes a journey in training', async () => {
    const r = await stack.must(j.inTraining.id, 'close', stack.orgs.manager.key, {
      reason: 'Fin du financement',
    });
    expect(r.status).toBe('closed');
    expect(lastEvent(r)).toMatchObject({ action: 'close', fromStatus: 'in_training', toStatus: 'closed' });
  });

  test('close of a refused journey is refused with 409 and changes nothing', async () => {
    await expectRefused(j.refused, 'close', stack.orgs.manager, { reason: 'x' }, 409);
  });

  test('close of a closed journey is refused with 409', async () => {
    await expectRefused(j.closed, 'close', stack.orgs.manager, { reason: 'x' }, 409);
  });

  test('close without a reason is refused with 422 naming reason', async () => {
    const res = await expectRefused(j.noReason, 'close', stack.orgs.manager, {}, 422);
    expectFieldError(res, 'reason');
  });

  test('a fabrique may not close (403)', async () => {
    await expectRefused(j.byFabrique, 'close', stack.orgs.fabrique, { reason: 'x' }, 403);
  });

  test('an agency may not close (403)', async () => {
    await expectRefused(j.byAgency, 'close', stack.orgs.agency, { reason: 'x' }, 403);
  });
});

describe('allowedActions in GET /v1/journeys/:id', () => {
  // What each role may do, read off the table in DESIGN.md.
  const EXPECTED = {
    referred: {
      agency: ['withdraw'],
      fabrique: ['take-in-review', 'waitlist', 'admit', 'refuse', 'withdraw'],
      manager: ['transfer', 'close'],
    },
    in_review: {
      agency: ['withdraw'],
      fabrique: ['waitlist', 'admit', 'refuse', 'withdraw'],
      manager: ['transfer', 'close'],
    },
    waitlisted: {
      agency: ['withdraw'],
      fabrique: ['admit', 'refuse', 'withdraw'],
      manager: ['transfer', 'close'],
    },
    admitted: {
      agency: ['withdraw'],
      fabrique: ['withdraw', 'confirm-start', 'report-no-show'],
      manager: ['close'],
    },
    in_training: {
      agency: [],
      fabrique: ['suspend', 'extend', 'record-dropout', 'record-completion'],
      manager: ['close'],
    },
    suspended: {
      agency: [],
      fabrique: ['resume', 'extend', 'record-dropout'],
      manager: ['close'],
    },
    follow_up: {
      agency: ['record-follow-up'],
      fabrique: ['record-follow-up'],
      manager: ['close'],
    },
    withdrawn: { agency: [], fabrique: [], manager: [] },
  } satisfies Partial<Record<Status, Record<'agency' | 'fabrique' | 'manager', ActionName[]>>>;
  const statuses = Object.keys(EXPECTED) as (keyof typeof EXPECTED)[];
  const j = prepare(Object.fromEntries(statuses.map((s) => [s, s])) as Record<keyof typeof EXPECTED, Setup>);

  test.each(statuses)(
    'at %s each role sees the actions the table gives it, other organisations see nothing',
    async (status) => {
      const { id } = j[status];
      const { agency, fabrique, manager, agency2, fabrique2 } = stack.orgs;
      const [a, f, m, a2, f2] = await Promise.all(
        [agency, fabrique, manager, agency2, fabrique2].map((o) => stack.view(id, o.key)),
      );
      expect({
        agency: a?.body.allowedActions,
        fabrique: f?.body.allowedActions,
        manager: m?.body.allowedActions,
      }).toEqual(EXPECTED[status]);
      expect([a, f, m].map((r) => r?.body.status)).toEqual([status, status, status]);
      expect([a2?.status, f2?.status]).toEqual([404, 404]);
    },
  );
});
