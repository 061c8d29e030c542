// The production topology on one machine (TEMPORAL_SERVER=postgresql): the
// Temporal server built from go.temporal.io/server, its history and
// visibility in PostgreSQL, the API and two worker processes, each a real
// process (test/support/fault-stack.ts). Journeys go from referral to closed
// on a policy of seconds; a worker is killed with SIGKILL while two run, and
// the server itself is killed while timers are due and started again.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { ensureTemporalServer } from '../scripts/lib/temporal-server.mjs';
import { workflowIdFor } from '../workflows/messages';
import { FaultStack } from './support/fault-stack';
import { learner, today } from './support/stack';
import { waitFor } from './support/wait';

/** Surveys a second or two after completion, then reminder, collect and give-up 2 s apart: closed ~8 s later. */
const POLICY = {
  followUpOffsets: { '3m': 'PT1S', '6m': 'PT2S' },
  followUpReminder: 'PT2S',
  followUpCollect: 'PT4S',
  followUpGiveUp: 'PT6S',
};
const ACTIONS: [string, Record<string, unknown>][] = [
  ['take-in-review', {}],
  ['admit', { startDate: today(), durationMonths: 3 }],
  ['confirm-start', { startDate: today() }],
  ['record-completion', { date: today(), certified: true }],
];
const FOLLOW_UP = ['follow-up-survey', 'follow-up-reminder', 'follow-up-collect', 'follow-up-give-up'];
/** The timeline from referral to closed (the two milestones' entries interleave by time). */
const TIMELINE = ['refer', ...ACTIONS.map(([a]) => a), ...FOLLOW_UP, ...FOLLOW_UP];

jest.setTimeout(120_000);

let stack: FaultStack;

beforeAll(async () => {
  // Built once into .tools/bin (npm test does it first, with its progress); found there at once.
  await ensureTemporalServer((m) => process.stdout.write(`[postgresql server] ${m}\n`));
  stack = await new FaultStack(POLICY, 'postgresql').start(2);
}, 900_000);
afterAll(async () => {
  await stack?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One API call as the contract asks a client to: a 503 or a dropped connection is sent again, same Idempotency-Key. */
async function post(path: string, key: string, body: unknown) {
  const headers = {
    authorization: `Bearer ${key}`,
    'content-type': 'application/json',
    'idempotency-key': randomUUID(),
  };
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(`${stack.api.url}${path}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    }).catch(() => null);
    if (res && res.status !== 503) return { status: res.status, body: (await res.json()) as { id: string } };
    if (attempt === 30) throw new Error(`${path}: still no answer after ${attempt} attempts`);
    await sleep(1_000);
  }
}

/** Refers a learner and takes the journey to completion; the follow-up timers are then due. */
async function driveToCompletion(): Promise<string> {
  const { agency, fabrique } = stack.orgs;
  const referral = await post('/v1/journeys', agency.key, { learner: learner(), fabriqueId: fabrique.id });
  expect([200, 201]).toContain(referral.status);
  for (const [action, body] of ACTIONS) {
    const res = await post(`/v1/journeys/${referral.body.id}/actions/${action}`, fabrique.key, body);
    expect({ action, status: res.status }).toEqual({ action, status: 200 });
  }
  return referral.body.id;
}

/**
 * Each journey closed by its last give-up, its whole timeline there, and each
 * of its emails sent: every copy under the one Message-ID of its log row,
 * more than one only where the log counts a resend after a crash. Returns the
 * emails and the copies beyond the first.
 */
async function expectClosed(ids: string[]): Promise<{ emails: number; repeated: number }> {
  let emails = 0;
  let repeated = 0;
  for (const id of ids) {
    const journey = await waitFor(
      `journey ${id} closed`,
      async () => {
        const row = await stack.db.journey.findUnique({ where: { id }, include: { timeline: true } });
        return row?.status === 'closed' && row.timeline.length === TIMELINE.length ? row : null;
      },
      90_000,
    );
    expect(journey.endReason).toBe('follow_up_complete');
    const timeline = [...journey.timeline].sort((a, b) => a.seq - b.seq);
    expect(timeline.map((t) => t.seq)).toEqual(TIMELINE.map((_, i) => i + 1));
    expect(timeline.map((t) => t.event).sort()).toEqual([...TIMELINE].sort());
    expect(timeline.at(-1)?.event).toBe('follow-up-give-up');
    const rows = await waitFor(`the emails of ${id} sent`, async () => {
      const r = await stack.db.notification.findMany({ where: { journeyId: id } });
      return r.length > 0 && r.every((n) => n.status === 'sent') ? r : null;
    });
    // Each email arrived; a second copy only where the log counts a resend (the
    // dead worker's attempt may or may not have reached SMTP before it died).
    const arrived = (row: (typeof rows)[number]) => stack.inbox.copiesOf(row.messageId ?? '').length;
    await waitFor(`the emails of ${id} received`, async () => rows.every((row) => arrived(row) >= 1), 10_000);
    const copies = rows.map((row) => ({ row, n: arrived(row) }));
    expect(copies.map(({ row, n }) => [row.template, n >= 1 && n <= 1 + row.resentAfterCrash])).toEqual(
      rows.map((row) => [row.template, true]),
    );
    // And nothing arrived for this journey that the log does not know.
    const received = copies.reduce((sum, { n }) => sum + n, 0);
    expect(stack.inbox.messages.filter((m) => m.journeyId === id)).toHaveLength(received);
    emails += rows.length;
    repeated += received - rows.length;
  }
  return { emails, repeated };
}

test('a whole journey, referral to closed, runs on the Temporal server on PostgreSQL, its history kept there', async () => {
  const id = await driveToCompletion();
  const { emails } = await expectClosed([id]);
  const templates = (await stack.db.notification.findMany({ where: { journeyId: id } })).map(
    (n) => n.template,
  );
  // Surveys, reminders to the learner, and the fabrique asked to collect, for both milestones.
  for (const template of [
    'follow-up-survey.learner',
    'follow-up-reminder.learner',
    'follow-up-collect.fabrique',
  ]) {
    expect(templates.filter((t) => t === template)).toHaveLength(2);
  }
  expect(emails).toBe(templates.length);
  // The workflow's history is in the server's own database, not in a dev server's file.
  const temporalDb = new pg.Client({ connectionString: stack.postgres.url('temporal') });
  await temporalDb.connect();
  try {
    const { rows } = await temporalDb.query<{ n: string }>(
      'SELECT count(*) AS n FROM executions WHERE workflow_id = $1',
      [workflowIdFor(id)],
    );
    expect(Number(rows[0]?.n)).toBeGreaterThanOrEqual(1);
  } finally {
    await temporalDb.end();
  }
});

test('a worker killed with SIGKILL while two run: the other takes its journeys to closed, each email once', async () => {
  const [first, second] = stack.workers;
  if (!first || !second) throw new Error('two workers expected');
  const journeys = Array.from({ length: 4 }, () => driveToCompletion());
  await sleep(1_500);
  await first.kill();
  // Every step after this point, timers included, is the second worker's.
  const ids = await Promise.all(journeys);
  const { emails, repeated } = await expectClosed(ids);
  console.log(
    `postgresql server, 1 worker of 2 killed: ${ids.length} journeys closed, ${emails} emails, ` +
      `${repeated} sent again under the same Message-ID`,
  );
  await first.start();
});

test('timers due while the server is down fire once it is started again', async () => {
  const ids = await Promise.all([driveToCompletion(), driveToCompletion()]);
  // The surveys fall due at once (midnight of the exit day plus 1 and 2 s),
  // their reminders 2 s after each is sent, the collect and give-up later:
  // the server is gone by then, and back 4 seconds later.
  const killedAt = Date.now();
  await stack.killTemporal();
  await sleep(4_000);
  const restarted = Date.now();
  await stack.startTemporal();
  await expectClosed(ids);
  const surveys = await stack.db.followUp.findMany({ where: { journeyId: { in: ids } } });
  expect(surveys.map((s) => s.status).sort()).toEqual(['unknown', 'unknown', 'unknown', 'unknown']);
  // Each reminder that fell due while the server was down (2 s after its
  // survey) was sent once it was back; whether a survey itself went before
  // the kill depends on how fast the worker was, so it is not asserted.
  const reminders = await stack.db.notification.findMany({
    where: { journeyId: { in: ids }, template: 'follow-up-reminder.learner' },
  });
  const sentAt = new Map(surveys.map((s) => [s.journeyId + s.milestone, s.surveySentAt?.getTime() ?? 0]));
  const dueWhileDown = surveys.filter(
    (s) => (sentAt.get(s.journeyId + s.milestone) ?? 0) + 2_000 > killedAt + 500,
  );
  expect(dueWhileDown.length).toBeGreaterThanOrEqual(1);
  expect(reminders).toHaveLength(4);
  const allAfterRestart = reminders.every((r) => (r.sentAt?.getTime() ?? 0) >= restarted - 500);
  expect({ dueWhileDown: dueWhileDown.length, remindersSentAfterRestart: allAfterRestart }).toEqual({
    dueWhileDown: dueWhileDown.length,
    remindersSentAfterRestart: true,
  });
});
