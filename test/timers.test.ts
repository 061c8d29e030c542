// Every timer of the timing policy, for real: a Temporal dev server runs the
// timers (no time skipping), PostgreSQL holds the read model, an SMTP server
// in this process receives the emails. The policy is shortened to seconds and
// independent journeys run concurrently to keep the file short.
import type { TimingPolicy } from '../domain/policy';
import type { ReceivedEmail } from './support/smtp';
import { startStack, today, type HttpResult, type TestStack } from './support/stack';

type Journey = HttpResult['body'];

interface TimelineEntry {
  seq: number;
  at: string;
  action: string;
  fromStatus: string | null;
  toStatus: string;
  actor: { type: string; orgId: string | null };
  details: Record<string, unknown>;
}

const SECOND = 1000;

/** Decision timers from the referral; the waitlist timer from the waitlisting. */
const DECISION_POLICY: Partial<TimingPolicy> = {
  decisionReminders: ['PT2S', 'PT4S'],
  decisionEscalation: 'PT6S',
  decisionExpiry: 'PT8S',
  waitlistExpiry: 'PT3S',
};

// Wide enough for a loaded machine: the interview test needs the reminder
// before the interview, the grace test a confirmation within the grace.
const INTERVIEW_REMINDER_S = 10;
const START_GRACE_S = 8;
const START_ESCALATION_S = 12;

/** Interview and start timers; decision timers stay at their (long) defaults. */
const ADMISSION_POLICY: Partial<TimingPolicy> = {
  interviewReminder: `PT${INTERVIEW_REMINDER_S}S`,
  startGrace: `PT${START_GRACE_S}S`,
  startEscalation: `PT${START_ESCALATION_S}S`,
};

/** End-of-training and follow-up timers. */
const AFTER_TRAINING_POLICY: Partial<TimingPolicy> = {
  endReminderEvery: 'PT2S',
  followUpOffsets: { '3m': 'PT1S', '6m': 'PT3S' },
  followUpReminder: 'PT2S',
  followUpCollect: 'PT4S',
  followUpGiveUp: 'PT6S',
};

let decision: TestStack;
let admission: TestStack;
let afterTraining: TestStack;
/** Every journey a test created, for the exactly-once check at the end. */
const tracked: { stack: TestStack; id: string }[] = [];

beforeAll(async () => {
  [decision, admission, afterTraining] = await Promise.all([
    startStack({ policy: DECISION_POLICY }),
    startStack({ policy: ADMISSION_POLICY }),
    startStack({ policy: AFTER_TRAINING_POLICY }),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([decision, admission, afterTraining].filter(Boolean).map((s) => s.stop()));
});

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const sleepUntil = (epochMs: number) => sleep(Math.max(0, epochMs - Date.now()));
const plus = (iso: string, ms: number) => new Date(new Date(iso).getTime() + ms).toISOString();

/** Polls `read` until `ok` holds; returns the last value read. */
async function waitUntil<T>(
  read: () => Promise<T> | T,
  ok: (value: T) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await sleep(100);
  }
}

const timelineOf = (j: Journey) => (j.timeline ?? []) as TimelineEntry[];
const actionsOf = (j: Journey) => timelineOf(j).map((t) => t.action);
const entriesOf = (j: Journey, action: string) => timelineOf(j).filter((t) => t.action === action);

/** The journey once the workflow recorded its referral (the read model then has its first deadline). */
async function referred(stack: TestStack, journey: Journey): Promise<Journey> {
  tracked.push({ stack, id: journey.id });
  return waitUntil(
    () => stack.journey(journey.id),
    (j) => timelineOf(j).length > 0 && j.nextDeadline !== null,
    'the referral on the timeline',
  );
}

async function waitForEmails(
  stack: TestStack,
  id: string,
  template: string,
  count: number,
): Promise<ReceivedEmail[]> {
  return waitUntil(
    () => stack.inbox.of(id, template),
    (list) => list.length >= count,
    `${count} × ${template} for ${id}`,
  );
}

/**
 * Under load a timer may fire late and the next one on time, so a snapshot
 * can be one timer further than expected: the next deadline must be the first
 * scheduled timer not yet on that snapshot's timeline (both written together).
 */
function expectNext(
  j: Awaited<ReturnType<TestStack['journey']>>,
  schedule: { kind: string; at: string }[],
): void {
  const kinds = new Set(schedule.map((t) => t.kind));
  const fired = timelineOf(j).filter((t) => kinds.has(t.action)).length;
  expect(j.nextDeadline).toEqual(schedule[fired] ?? null);
}

function expectSystemEvent(entry: TimelineEntry | undefined, action: string, from: string, to: string): void {
  expect(entry).toMatchObject({
    action,
    fromStatus: from,
    toStatus: to,
    actor: { type: 'system', orgId: null },
  });
}

/** Emails of distinct events: the Message-ID is stable per event and template. */
function distinct(emails: ReceivedEmail[]): number {
  return new Set(emails.map((e) => e.messageId)).size;
}

test.concurrent(
  'undecided referral: two reminders to the fabrique, escalation to the managers, then expiry told to agency, learner and fabrique',
  async () => {
    const stack = decision;
    const { manager, agency, fabrique } = stack.orgs;
    let j = await referred(stack, await stack.refer());
    const learnerEmail = j.learner.email as string;
    const referredAt = j.dates.referredAt as string;
    expect(j.status).toBe('referred');
    const schedule = [
      { kind: 'decision-reminder', at: plus(referredAt, 2 * SECOND) },
      { kind: 'decision-reminder', at: plus(referredAt, 4 * SECOND) },
      { kind: 'decision-escalation', at: plus(referredAt, 6 * SECOND) },
      { kind: 'decision-expiry', at: plus(referredAt, 8 * SECOND) },
    ];
    expectNext(j, schedule);

    const first = await stack.inbox.waitFor(j.id, 'decision-reminder.fabrique');
    expect(first.to).toEqual([fabrique.email]);
    j = await waitUntil(
      () => stack.journey(j.id),
      (x) => entriesOf(x, 'decision-reminder').length >= 1,
      'the first reminder on the timeline',
    );
    expectNext(j, schedule);

    const reminders = await waitForEmails(stack, j.id, 'decision-reminder.fabrique', 2);
    expect(reminders.map((m) => m.to)).toEqual([[fabrique.email], [fabrique.email]]);
    expect(distinct(reminders)).toBe(2);
    expectNext(await stack.journey(j.id), schedule);

    const escalation = await stack.inbox.waitFor(j.id, 'decision-escalation.managers');
    expect(escalation.to).toContain(manager.email);
    expect(escalation.to).not.toContain(fabrique.email);
    expectNext(await stack.journey(j.id), schedule);

    j = await stack.waitForStatus(j.id, 'expired');
    expect(j.endReason).toBe('no_decision');
    expect(j.nextDeadline).toBeNull();
    expect(j.dates.closedAt).not.toBeNull();
    expect(j.allowedActions).toEqual([]);
    expect((await stack.inbox.waitFor(j.id, 'expired.learner')).to).toEqual([learnerEmail]);
    expect((await stack.inbox.waitFor(j.id, 'expired.agency')).to).toEqual([agency.email]);
    expect((await stack.inbox.waitFor(j.id, 'expired.fabrique')).to).toEqual([fabrique.email]);

    // The timeline tells the story in order, each timer at or after its due time.
    const timeline = timelineOf(j);
    expect(timeline.map((t) => t.action)).toEqual([
      'refer',
      'decision-reminder',
      'decision-reminder',
      'decision-escalation',
      'decision-expiry',
    ]);
    expectSystemEvent(timeline[1], 'decision-reminder', 'referred', 'referred');
    expectSystemEvent(timeline[2], 'decision-reminder', 'referred', 'referred');
    expectSystemEvent(timeline[3], 'decision-escalation', 'referred', 'referred');
    expectSystemEvent(timeline[4], 'decision-expiry', 'referred', 'expired');
    const due = [0, 2, 4, 6, 8].map((s) => new Date(referredAt).getTime() + s * SECOND);
    timeline.forEach((t, i) => {
      expect(new Date(t.at).getTime()).toBeGreaterThanOrEqual(due[i] as number);
      if (i > 0) expect(t.seq).toBeGreaterThan((timeline[i - 1] as TimelineEntry).seq);
    });

    // Once each: the workflow is over, nothing more may arrive.
    await stack.atRest(j.id);
    expect(stack.inbox.of(j.id, 'decision-reminder.fabrique')).toHaveLength(2);
    for (const template of [
      'decision-escalation.managers',
      'expired.learner',
      'expired.agency',
      'expired.fabrique',
    ]) {
      expect(stack.inbox.of(j.id, template)).toHaveLength(1);
    }
  },
  40_000,
);

test.concurrent(
  'waitlisted too long: the referral expires and learner, agency and fabrique are told',
  async () => {
    const stack = decision;
    const { agency, fabrique } = stack.orgs;
    const j0 = await referred(stack, await stack.refer());
    await stack.must(j0.id, 'waitlist', fabrique.key, {});
    let j = await stack.journey(j0.id);
    expect(j.status).toBe('waitlisted');
    expect(j.nextDeadline).toEqual({ kind: 'waitlist-expiry', at: plus(j.dates.decidedAt, 3 * SECOND) });

    j = await stack.waitForStatus(j.id, 'expired');
    expect(j.endReason).toBe('waitlist_timeout');
    expect(j.nextDeadline).toBeNull();
    const last = timelineOf(j).at(-1);
    expectSystemEvent(last, 'waitlist-expiry', 'waitlisted', 'expired');
    expect(new Date(last?.at ?? 0).getTime()).toBeGreaterThanOrEqual(
      new Date(j.dates.decidedAt).getTime() + 3 * SECOND,
    );
    expect(actionsOf(j)).toEqual(['refer', 'waitlist', 'waitlist-expiry']);

    expect((await stack.inbox.waitFor(j.id, 'expired.learner')).to).toEqual([j.learner.email]);
    expect((await stack.inbox.waitFor(j.id, 'expired.agency')).to).toEqual([agency.email]);
    expect((await stack.inbox.waitFor(j.id, 'expired.fabrique')).to).toEqual([fabrique.email]);
    // No decision timer fires while waitlisted, even past its due time.
    await sleepUntil(new Date(j.dates.referredAt).getTime() + 2 * SECOND + 500);
    expect(stack.inbox.of(j.id, 'decision-reminder.fabrique')).toEqual([]);
  },
  30_000,
);

test.concurrent(
  'interview: the learner is reminded before the interview time, once',
  async () => {
    const stack = admission;
    const j0 = await referred(stack, await stack.refer());
    const interviewAt = new Date(Date.now() + 2 * INTERVIEW_REMINDER_S * SECOND).toISOString();
    await stack.must(j0.id, 'take-in-review', stack.orgs.fabrique.key, { interviewAt });
    let j = await stack.journey(j0.id);
    expect(j.status).toBe('in_review');
    expect(j.dates.interviewAt).toBe(interviewAt);
    expect(j.nextDeadline).toEqual({
      kind: 'interview-reminder',
      at: plus(interviewAt, -INTERVIEW_REMINDER_S * SECOND),
    });

    const reminder = await stack.inbox.waitFor(j.id, 'interview-reminder.learner');
    const receivedAt = Date.now();
    expect(receivedAt).toBeLessThan(new Date(interviewAt).getTime());
    expect(reminder.to).toEqual([j.learner.email]);
    expect(reminder.subject).toMatch(/entretien/i);
    j = await stack.journey(j.id);
    const fired = entriesOf(j, 'interview-reminder');
    expect(fired).toHaveLength(1);
    expectSystemEvent(fired[0], 'interview-reminder', 'in_review', 'in_review');
    expect(new Date(fired[0]?.at ?? 0).getTime()).toBeGreaterThanOrEqual(
      new Date(interviewAt).getTime() - INTERVIEW_REMINDER_S * SECOND,
    );
    // The next deadline is the (default, week-long) decision reminder.
    expect(j.nextDeadline?.kind).toBe('decision-reminder');

    // Past the interview: still one reminder, and the journey waits on the fabrique.
    await sleepUntil(new Date(interviewAt).getTime() + SECOND);
    expect(stack.inbox.of(j.id, 'interview-reminder.learner')).toHaveLength(1);
    expect((await stack.journey(j.id)).status).toBe('in_review');
  },
  60_000,
);

test.concurrent(
  'admitted, start not confirmed: the fabrique is reminded after the grace, then the managers are told',
  async () => {
    const stack = admission;
    const { manager, fabrique } = stack.orgs;
    const j0 = await referred(stack, await stack.refer());
    await stack.must(j0.id, 'admit', fabrique.key, { startDate: today(), durationMonths: 6 });
    let j = await stack.journey(j0.id);
    const admittedAt = j.dates.decidedAt as string;
    expect(j.status).toBe('admitted');
    // The start date (today, midnight) is already past: the grace counts from the admission.
    expect(j.nextDeadline).toEqual({ kind: 'start-reminder', at: plus(admittedAt, START_GRACE_S * SECOND) });

    const reminder = await stack.inbox.waitFor(j.id, 'start-reminder.fabrique');
    expect(reminder.to).toEqual([fabrique.email]);
    j = await stack.journey(j.id);
    expect(j.status).toBe('admitted');
    expectNext(j, [
      { kind: 'start-reminder', at: plus(admittedAt, START_GRACE_S * SECOND) },
      { kind: 'start-escalation', at: plus(admittedAt, START_ESCALATION_S * SECOND) },
    ]);

    const escalation = await stack.inbox.waitFor(j.id, 'start-escalation.managers');
    expect(escalation.to).toContain(manager.email);
    j = await stack.journey(j.id);
    expect(j.status).toBe('admitted');
    expect(j.nextDeadline).toBeNull(); // nothing left but people
    const timeline = timelineOf(j);
    expect(timeline.map((t) => t.action)).toEqual(['refer', 'admit', 'start-reminder', 'start-escalation']);
    expectSystemEvent(timeline[2], 'start-reminder', 'admitted', 'admitted');
    expectSystemEvent(timeline[3], 'start-escalation', 'admitted', 'admitted');
    expect(new Date(timeline[2]?.at ?? 0).getTime()).toBeGreaterThanOrEqual(
      new Date(admittedAt).getTime() + START_GRACE_S * SECOND,
    );
    expect(new Date(timeline[3]?.at ?? 0).getTime()).toBeGreaterThanOrEqual(
      new Date(admittedAt).getTime() + START_ESCALATION_S * SECOND,
    );

    await stack.atRest(j.id);
    expect(stack.inbox.of(j.id, 'start-reminder.fabrique')).toHaveLength(1);
    expect(stack.inbox.of(j.id, 'start-escalation.managers')).toHaveLength(1);
  },
  60_000,
);

test.concurrent(
  'start confirmed within the grace: no start reminder and no escalation',
  async () => {
    const stack = admission;
    const { fabrique } = stack.orgs;
    const j0 = await referred(stack, await stack.refer());
    await stack.must(j0.id, 'admit', fabrique.key, { startDate: today(), durationMonths: 3 });
    const admittedAt = (await stack.journey(j0.id)).dates.decidedAt as string;
    await stack.must(j0.id, 'confirm-start', fabrique.key, { startDate: today() });
    let j = await stack.journey(j0.id);
    expect(j.status).toBe('in_training');
    // The start was confirmed within the grace, by the workflow's clock (the
    // test's own clock may lag behind on a loaded machine).
    const confirmedAt = (j.timeline as { action: string; at: string }[]).find(
      (t) => t.action === 'confirm-start',
    )?.at;
    expect(new Date(confirmedAt ?? 0).getTime()).toBeLessThan(
      new Date(admittedAt).getTime() + START_GRACE_S * SECOND,
    );
    // The planned end is three months ahead: the next timer is the end reminder.
    expect(j.nextDeadline?.kind).toBe('end-reminder');

    // Past the grace and past the escalation: nothing was sent, nothing fired.
    await sleepUntil(new Date(admittedAt).getTime() + START_ESCALATION_S * SECOND + 1500);
    expect(stack.inbox.of(j.id, 'start-reminder.fabrique')).toEqual([]);
    expect(stack.inbox.of(j.id, 'start-escalation.managers')).toEqual([]);
    j = await stack.journey(j.id);
    expect(actionsOf(j)).toEqual(['refer', 'admit', 'confirm-start']);
    expect(j.status).toBe('in_training');
  },
  60_000,
);

test.concurrent(
  'planned end passed: the fabrique is reminded repeatedly until the completion is recorded',
  async () => {
    const stack = afterTraining;
    const { fabrique } = stack.orgs;
    // A late entry: the training started 100 days ago, three months long, so its planned end is past.
    const j0 = await referred(stack, await stack.refer());
    await stack.must(j0.id, 'admit', fabrique.key, { startDate: today(-100), durationMonths: 3 });
    await stack.must(j0.id, 'confirm-start', fabrique.key, { startDate: today(-100) });
    let j = await stack.journey(j0.id);
    expect(j.status).toBe('in_training');
    expect(j.dates.plannedEndDate < today()).toBe(true);
    const startedAt = entriesOf(j, 'confirm-start')[0]?.at as string;
    // The planned end is past: reminders count from when it was set (the start confirmation).
    expect(j.nextDeadline).toEqual({ kind: 'end-reminder', at: plus(startedAt, 2 * SECOND) });

    const reminders = await waitForEmails(stack, j.id, 'end-reminder.fabrique', 2);
    expect(reminders.every((m) => m.to.length === 1 && m.to[0] === fabrique.email)).toBe(true);
    expect(distinct(reminders)).toBe(reminders.length);
    expect(reminders[0]?.subject).toMatch(/sortie de formation à enregistrer/);
    j = await stack.journey(j.id);
    const fired = entriesOf(j, 'end-reminder');
    expect(fired.length).toBeGreaterThanOrEqual(2);
    fired.forEach((t, i) => {
      expectSystemEvent(t, 'end-reminder', 'in_training', 'in_training');
      expect(new Date(t.at).getTime()).toBeGreaterThanOrEqual(
        new Date(startedAt).getTime() + (i + 1) * 2 * SECOND,
      );
    });
    expect(j.nextDeadline?.kind).toBe('end-reminder');

    await stack.must(j.id, 'record-completion', fabrique.key, { date: today(), certified: false });
    j = await stack.journey(j.id);
    expect(j.status).toBe('follow_up');
    const count = entriesOf(j, 'end-reminder').length;
    // Two more periods: no reminder fires after the completion, and each one fired arrived once.
    await sleep(2 * 2 * SECOND + 500);
    j = await stack.journey(j.id);
    expect(entriesOf(j, 'end-reminder')).toHaveLength(count);
    const received = stack.inbox.of(j.id, 'end-reminder.fabrique');
    expect(received).toHaveLength(count);
    expect(distinct(received)).toBe(count);
    expect(j.nextDeadline?.kind).not.toBe('end-reminder');
  },
  40_000,
);

test.concurrent(
  'follow-up: survey, reminder, collect request, then give-up resolves each milestone as unknown and closes the journey',
  async () => {
    const stack = afterTraining;
    const { agency, fabrique } = stack.orgs;
    const j0 = await referred(stack, await stack.refer());
    await stack.must(j0.id, 'admit', fabrique.key, { startDate: today(), durationMonths: 3 });
    await stack.must(j0.id, 'confirm-start', fabrique.key, { startDate: today() });
    await stack.must(j0.id, 'record-completion', fabrique.key, { date: today(), certified: true });
    let j = await stack.journey(j0.id);
    const learnerEmail = j.learner.email as string;
    expect(j.status).toBe('follow_up');
    expect(j.followUps.map((f: Record<string, unknown>) => [f.milestone, f.dueDate])).toEqual([
      ['3m', today()],
      ['6m', today()],
    ]);

    // The surveys: offsets count from the exit date (midnight), already past, so both go now.
    const surveys = await waitForEmails(stack, j.id, 'follow-up-survey.learner', 2);
    const survey3m = surveys.find((m) => /3 mois/.test(m.subject));
    expect(survey3m).toBeDefined();
    expect(surveys.find((m) => /6 mois/.test(m.subject))).toBeDefined();
    for (const survey of surveys) {
      expect(survey.to).toEqual([learnerEmail]);
      expect(survey.text).toMatch(/http:\/\/parcours\.test\/v1\/follow-ups\/[A-Za-z0-9_-]{20,}/);
    }
    const token = /http:\/\/parcours\.test\/v1\/follow-ups\/([A-Za-z0-9_-]{20,})/.exec(
      survey3m?.text ?? '',
    )?.[1];
    // The personal link opens the survey form while the milestone is open.
    const form = await stack.request('GET', `/v1/follow-ups/${token}`);
    expect(form.status).toBe(200);

    j = await waitUntil(
      () => stack.journey(j.id),
      (x) => x.followUps.every((f: Record<string, unknown>) => f.status === 'sent'),
      'both surveys marked sent',
    );
    for (const f of j.followUps) expect(f.surveySentAt).not.toBeNull();
    const sentAt = (m: string) =>
      j.followUps.find((f: Record<string, unknown>) => f.milestone === m).surveySentAt;
    // Per milestone, from its survey: reminder after 2 s, collect after 4 s, give-up after 6 s.
    const schedule = ['follow-up-reminder', 'follow-up-collect', 'follow-up-give-up']
      .flatMap((kind, i) => ['3m', '6m'].map((m) => ({ kind, at: plus(sentAt(m), (i + 1) * 2 * SECOND) })))
      .sort((a, b) => a.at.localeCompare(b.at));
    expectNext(j, schedule);

    const reminders = await waitForEmails(stack, j.id, 'follow-up-reminder.learner', 2);
    expectNext(await stack.journey(j.id), schedule);
    for (const reminder of reminders) {
      expect(reminder.to).toEqual([learnerEmail]);
      expect(reminder.text).toMatch(/http:\/\/parcours\.test\/v1\/follow-ups\/[A-Za-z0-9_-]{20,}/);
    }
    expect(reminders.map((m) => /(\d) mois/.exec(m.subject)?.[1]).sort()).toEqual(['3', '6']);

    const collects = await waitForEmails(stack, j.id, 'follow-up-collect.fabrique', 2);
    for (const collect of collects) {
      expect(collect.to).toEqual([fabrique.email]);
      expect(collect.cc).toEqual([agency.email]);
    }
    expect(collects.map((m) => /\((\d) mois\)/.exec(m.subject)?.[1]).sort()).toEqual(['3', '6']);
    expectNext(await stack.journey(j.id), schedule);

    j = await stack.waitForStatus(j.id, 'closed');
    expect(j.endReason).toBe('follow_up_complete');
    expect(j.nextDeadline).toBeNull();
    for (const f of j.followUps) {
      expect(f).toMatchObject({ status: 'unknown', outcome: 'unknown', answeredBy: 'system' });
    }
    const rows = await stack.db.followUp.findMany({
      where: { journeyId: j.id },
      orderBy: { milestone: 'asc' },
    });
    expect(rows.map((r) => [r.milestone, r.status, r.outcome, r.answeredBy])).toEqual([
      ['3m', 'unknown', 'unknown', 'system'],
      ['6m', 'unknown', 'unknown', 'system'],
    ]);
    for (const r of rows) {
      expect(r.answeredAt).not.toBeNull();
      expect((r.answeredAt as Date).getTime()).toBeGreaterThanOrEqual(
        (r.surveySentAt as Date).getTime() + 6 * SECOND,
      );
    }
    // The link no longer works once the milestone is resolved.
    expect((await stack.request('GET', `/v1/follow-ups/${token}`)).status).toBe(404);

    // Per milestone, in order: survey, reminder, collect, give-up; the last give-up closes.
    const timeline = timelineOf(j);
    for (const m of ['3m', '6m']) {
      const mine = timeline.filter((t) => t.details.milestone === m && t.actor.type === 'system');
      expect(mine.map((t) => t.action)).toEqual([
        'follow-up-survey',
        'follow-up-reminder',
        'follow-up-collect',
        'follow-up-give-up',
      ]);
      const sent = new Date(mine[0]?.at ?? 0).getTime();
      [0, 2, 4, 6].forEach((s, i) =>
        expect(new Date(mine[i]?.at ?? 0).getTime()).toBeGreaterThanOrEqual(sent + s * SECOND),
      );
    }
    const last = timeline.at(-1);
    expectSystemEvent(last, 'follow-up-give-up', 'follow_up', 'closed');
    expect(entriesOf(j, 'follow-up-give-up')[0]?.toStatus).toBe('follow_up');

    // Once each per milestone: the workflow is over.
    await stack.atRest(j.id);
    for (const template of [
      'follow-up-survey.learner',
      'follow-up-reminder.learner',
      'follow-up-collect.fabrique',
    ]) {
      const got = stack.inbox.of(j.id, template);
      expect(got).toHaveLength(2);
      expect(distinct(got)).toBe(2);
    }
  },
  40_000,
);

/** The timer events whose emails each template carries. */
const TIMER_TEMPLATES: Record<string, string[]> = {
  'decision-reminder.fabrique': ['decision-reminder'],
  'decision-escalation.managers': ['decision-escalation'],
  'expired.learner': ['decision-expiry', 'waitlist-expiry'],
  'expired.agency': ['decision-expiry', 'waitlist-expiry'],
  'expired.fabrique': ['decision-expiry', 'waitlist-expiry'],
  'interview-reminder.learner': ['interview-reminder'],
  'start-reminder.fabrique': ['start-reminder'],
  'start-escalation.managers': ['start-escalation'],
  'end-reminder.fabrique': ['end-reminder'],
  'follow-up-survey.learner': ['follow-up-survey'],
  'follow-up-reminder.learner': ['follow-up-reminder'],
  'follow-up-collect.fabrique': ['follow-up-collect'],
};

test('every timer email went out exactly once per timer event, and the notification log agrees', async () => {
  expect(tracked.length).toBeGreaterThanOrEqual(7);
  for (const stack of [decision, admission, afterTraining]) {
    const ids = stack.inbox.messages.map((m) => m.messageId);
    expect(new Set(ids).size).toBe(ids.length);
  }
  for (const { stack, id } of tracked) {
    // A journey may still be running: wait until what fired has arrived.
    const counts = async () => {
      const j = await stack.journey(id);
      return Object.entries(TIMER_TEMPLATES).map(([template, events]) => ({
        template,
        fired: timelineOf(j).filter((t) => events.includes(t.action)).length,
        received: stack.inbox.of(id, template).length,
      }));
    };
    const settled = await waitUntil(
      counts,
      (list) => list.every((c) => c.fired === c.received),
      `the timer emails of ${id}`,
      10_000,
    ).catch(() => counts());
    for (const c of settled)
      expect({ template: c.template, received: c.received }).toEqual({
        template: c.template,
        received: c.fired,
      });
    const log = await stack.db.notification.findMany({ where: { journeyId: id } });
    const inbox = stack.inbox.of(id);
    expect(log.filter((n) => n.status === 'sent')).toHaveLength(inbox.length);
    expect(log.filter((n) => n.status !== 'sent')).toEqual([]);
  }
}, 60_000);
