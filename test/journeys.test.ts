// Whole journeys, as the people involved live them: an agency refers, a
// fabrique admits and trains, the learner answers two surveys by email link.
import { temporal } from '@temporalio/proto';
import { Inbox } from './support/smtp';
import { fetchHistory, historyText, recordHistory, valuesFound } from './support/histories';
import type { components } from '../client';
import { resultOf, startStack, today, type TestStack } from './support/stack';
import { stateQuery, workflowIdFor } from '../workflows/messages';

// Follow-ups fall due one and two seconds after the exit instead of 3 and 6 months.
const FAST_FOLLOW_UPS = { followUpOffsets: { '3m': 'PT1S', '6m': 'PT2S' } };

let stack: TestStack;
let expiring: TestStack;
const { EventType, PendingWorkflowTaskState } = temporal.api.enums.v1;

/** Every learner and free text this file sends, to search histories for. */
const personal: string[] = [];

beforeAll(async () => {
  [stack, expiring] = await Promise.all([
    startStack({ policy: FAST_FOLLOW_UPS }),
    startStack({
      policy: {
        decisionReminders: [],
        decisionEscalation: 'PT1S',
        decisionExpiry: 'PT2S',
        retentionAfterClose: 'PT1S',
      },
    }),
  ]);
});
afterAll(async () => {
  await Promise.all([stack?.stop(), expiring?.stop()]);
});

const referrer = () => ({
  name: 'Claire Conseillère',
  email: `claire-${Math.random().toString(36).slice(2)}@ml.test`,
});

async function refer(s: TestStack, extra: Record<string, unknown> = {}) {
  const j = await s.refer({ note: 'Très motivée, disponible tout de suite', ...extra });
  const l = j.learner;
  personal.push(
    l.firstName,
    l.lastName,
    l.email,
    l.phone ?? '',
    l.birthDate,
    'Très motivée, disponible tout de suite',
  );
  if (extra.referrer) personal.push((extra.referrer as { name: string }).name);
  return j;
}

/** The templates of the emails a journey sent so far (not the emails: a failure shows no address). */
const templates = (s: TestStack, journeyId: string) => s.inbox.of(journeyId).map((m) => m.template);

/** How the journey ended; its workflow then waits out the retention period before erasing. */
async function outcome(s: TestStack, journeyId: string) {
  const state = await s.client.workflow.getHandle(workflowIdFor(journeyId)).query(stateQuery);
  return { status: state.status, endReason: state.endReason };
}

/** The learner opens each survey link and answers; returns the outcomes in answer order. */
async function answerSurveys(s: TestStack, journeyId: string, outcomes: [string, string]) {
  const deadline = Date.now() + 20_000;
  while (s.inbox.of(journeyId, 'follow-up-survey.learner').length < 2) {
    if (Date.now() > deadline) throw new Error('both surveys did not arrive');
    await new Promise((r) => setTimeout(r, 100));
  }
  const emails = s.inbox.of(journeyId, 'follow-up-survey.learner');
  for (const [i, email] of emails.entries()) {
    const survey = s.followUp(Inbox.followUpPath(email));
    const form = await survey.form();
    expect(form.status).toBe(200);
    expect(form.headers.get('content-type')).toMatch(/text\/html/);
    expect(form.text).toContain('name="outcome"');
    const answer = await survey.answer({
      outcome: outcomes[i] as string,
      employer: 'Boulangerie Dupain',
      jobTitle: '',
    });
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('Merci');
    // The link works once.
    expect((await survey.form()).status).toBe(404);
  }
  personal.push('Boulangerie Dupain');
}

test('referral to closing: admitted, trained, completed, both follow-ups answered through the learner’s link', async () => {
  const counsellor = referrer();
  const j = await refer(stack, { referrer: counsellor });
  const { agency, fabrique } = stack.orgs;
  const learnerEmail = (j.learner.email as string).toLowerCase();

  await stack.inbox.waitFor(j.id, 'referral-new.fabrique');
  await stack.must(j.id, 'take-in-review', fabrique.key, {
    interviewAt: new Date(Date.now() + 2 * 86_400_000).toISOString(),
  });
  const admitted = await stack.must(j.id, 'admit', fabrique.key, {
    startDate: today(),
    durationMonths: 6,
    trainingTitle: 'Développeur·se web et web mobile',
  });
  expect(admitted.status).toBe('admitted');
  expect(admitted.trainingTitle).toBe('Développeur·se web et web mobile');
  const started = await stack.must(j.id, 'confirm-start', fabrique.key, { startDate: today() });
  expect(started.status).toBe('in_training');
  const left = await stack.must(j.id, 'record-completion', fabrique.key, {
    date: today(),
    certified: true,
    certification: 'Titre professionnel DWWM',
  });
  expect(left.status).toBe('follow_up');
  expect(left.exit).toMatchObject({
    kind: 'completed',
    certified: true,
    certification: 'Titre professionnel DWWM',
  });

  await answerSurveys(stack, j.id, ['cdi', 'training']);
  const closed = await stack.waitForStatus(j.id, 'closed');
  expect(closed.followUps.map((f: { outcome: string }) => f.outcome).sort()).toEqual(['cdi', 'training']);
  expect(closed.followUps.every((f: { answeredBy: string }) => f.answeredBy === 'learner')).toBe(true);
  expect(closed.followUps[0].employer).toBe('Boulangerie Dupain');
  expect(closed.allowedActions).toEqual([]);
  expect(closed.timeline.map((t: { action: string }) => t.action)).toEqual([
    'refer',
    'take-in-review',
    'admit',
    'confirm-start',
    'record-completion',
    'follow-up-survey',
    'follow-up-survey',
    'record-follow-up',
    'record-follow-up',
  ]);
  expect(await outcome(stack, j.id)).toEqual({ status: 'closed', endReason: 'follow_up_complete' });

  const to = (template: string) => stack.inbox.of(j.id, template).flatMap((m) => m.to);
  // The learner hears of each step; the counsellor, not the agency's generic address, of the decision and training.
  for (const t of ['referral-received', 'in-review', 'admitted', 'started', 'completed']) {
    expect(to(`${t}.learner`)).toEqual([learnerEmail]);
  }
  for (const t of ['admitted', 'started', 'completed']) {
    expect(to(`${t}.agency`)).toEqual([counsellor.email.toLowerCase()]);
  }
  expect(to('referral-new.fabrique')).toEqual([fabrique.email]);
  expect(stack.inbox.of(j.id).some((m) => m.to.includes(agency.email))).toBe(false);
  await recordHistory(stack.client, j.id, 'completed-journey');
});

test('a dropout: the counsellor is told the reason, and the follow-ups still run to the close', async () => {
  const counsellor = referrer();
  const j = await refer(stack, { referrer: counsellor });
  const { fabrique } = stack.orgs;
  await stack.must(j.id, 'admit', fabrique.key, { startDate: today(), durationMonths: 12 });
  await stack.must(j.id, 'confirm-start', fabrique.key, { startDate: today() });
  const left = await stack.must(j.id, 'record-dropout', fabrique.key, {
    date: today(),
    reason: 'motivation',
  });
  expect(left.exit).toMatchObject({ kind: 'dropped_out', reason: 'motivation' });

  const told = await stack.inbox.waitFor(j.id, 'dropout.agency');
  expect(told.to).toEqual([counsellor.email.toLowerCase()]);
  expect(told.text).toContain('Manque de motivation');
  // Once everything the dropout set off has run: no completion email, to anyone.
  await stack.atRest(j.id);
  expect(templates(stack, j.id).filter((t) => t.startsWith('completed.'))).toEqual([]);

  await answerSurveys(stack, j.id, ['job_seeking', 'cdd_under_6m']);
  await stack.waitForStatus(j.id, 'closed');
  await recordHistory(stack.client, j.id, 'dropout-journey');
});

test('a suspension moves the planned end, an extension pushes it further, and the counsellor hears of both', async () => {
  const counsellor = referrer();
  const j = await refer(stack, { referrer: counsellor });
  const { fabrique } = stack.orgs;
  await stack.must(j.id, 'admit', fabrique.key, { startDate: today(-40), durationMonths: 6 });
  const started = await stack.must(j.id, 'confirm-start', fabrique.key, { startDate: today(-40) });
  const plannedEnd = started.dates.plannedEndDate as string;

  const suspended = await stack.must(j.id, 'suspend', fabrique.key, { reason: 'health', from: today(-10) });
  expect(suspended.status).toBe('suspended');
  const resumed = await stack.must(j.id, 'resume', fabrique.key, { date: today() });
  const moved = new Date(`${plannedEnd}T00:00:00Z`).getTime() + 10 * 86_400_000;
  expect(resumed.dates.plannedEndDate).toBe(new Date(moved).toISOString().slice(0, 10));

  const later = new Date(moved + 30 * 86_400_000).toISOString().slice(0, 10);
  const extended = await stack.must(j.id, 'extend', fabrique.key, {
    plannedEndDate: later,
    reason: 'Rattrapage des modules manqués',
  });
  expect(extended.dates.plannedEndDate).toBe(later);
  expect(extended.status).toBe('in_training');
  personal.push('Rattrapage des modules manqués');

  for (const t of ['started.agency', 'suspended.agency', 'resumed.agency', 'extended.agency']) {
    expect((await stack.inbox.waitFor(j.id, t)).to).toEqual([counsellor.email.toLowerCase()]);
  }
  await stack.must(j.id, 'record-completion', fabrique.key, { date: today(), certified: false });
  await answerSurveys(stack, j.id, ['alternance', 'alternance']);
  const closed = await stack.waitForStatus(j.id, 'closed');
  expect(closed.timeline.map((t: { action: string }) => t.action)).toContain('extend');
  await recordHistory(stack.client, j.id, 'suspended-extended-journey');
});

test('a refused referral: the agency gets the reason and message, the learner only a kind word when not shared', async () => {
  const j = await refer(stack);
  const refused = await stack.must(j.id, 'refuse', stack.orgs.fabrique.key, {
    reason: 'prerequisites_not_met',
    shareWithLearner: false,
    message: 'Niveau en mathématiques à consolider avant la rentrée',
  });
  expect(refused.status).toBe('refused');
  expect(refused.endReason).toBe('prerequisites_not_met');
  personal.push('Niveau en mathématiques à consolider avant la rentrée');

  const agencyMail = await stack.inbox.waitFor(j.id, 'refused.agency');
  expect(agencyMail.text).toContain('Prérequis non remplis');
  expect(agencyMail.text).toContain('Niveau en mathématiques');
  const learnerMail = await stack.inbox.waitFor(j.id, 'refused.learner');
  expect(learnerMail.text).not.toContain('Prérequis non remplis');
  expect(learnerMail.text).not.toContain('Niveau en mathématiques');
  expect(await outcome(stack, j.id)).toEqual({ status: 'refused', endReason: 'prerequisites_not_met' });
  await recordHistory(stack.client, j.id, 'refused-journey');
});

test('a referral withdrawn by its agency: the fabrique is told and the journey ends', async () => {
  const j = await refer(stack);
  await stack.must(j.id, 'take-in-review', stack.orgs.fabrique.key, {});
  const withdrawn = await stack.must(j.id, 'withdraw', stack.orgs.agency.key, { reason: 'found_job' });
  expect(withdrawn.status).toBe('withdrawn');
  expect((await stack.inbox.waitFor(j.id, 'withdrawn.fabrique')).to).toEqual([stack.orgs.fabrique.email]);
  await stack.inbox.waitFor(j.id, 'withdrawn.learner');
  expect(await outcome(stack, j.id)).toEqual({ status: 'withdrawn', endReason: 'found_job' });
  await recordHistory(stack.client, j.id, 'withdrawn-journey');
});

test('a referral nobody decides on expires, and the agency and the learner are told', async () => {
  const j = await refer(expiring);
  const expired = await expiring.waitForStatus(j.id, 'expired');
  expect(expired.endReason).toBe('no_decision');
  await expiring.inbox.waitFor(j.id, 'decision-escalation.managers');
  await expiring.inbox.waitFor(j.id, 'expired.agency');
  await expiring.inbox.waitFor(j.id, 'expired.learner');
  expect(await outcome(expiring, j.id)).toEqual({ status: 'expired', endReason: 'no_decision' });
  // Started at today's revision, it ran the code of every earlier patch,
  // the wait for its retention and its erasure included, without writing a
  // patch marker or upserting a search attribute (each a write of its row in
  // Temporal's visibility store).
  expect(await expiring.result(j.id)).toEqual({ status: 'expired', endReason: 'no_decision' });
  const events = (await fetchHistory(expiring.client, j.id)).events ?? [];
  const types = events.map((e) => e.eventType);
  expect(types).not.toContain(EventType.EVENT_TYPE_MARKER_RECORDED);
  expect(types).not.toContain(EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES);
  const activities = events.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
  expect(activities.at(-1)).toBe('erasePersonalData');
  await recordHistory(expiring.client, j.id, 'expired-journey');
});

/** POST /v1/journeys by the agency with an Idempotency-Key, through the typed client. */
function referWithKey(s: TestStack, body: components['schemas']['CreateJourney'], key: string) {
  return resultOf(
    s.api(s.orgs.agency.key).POST('/v1/journeys', { params: { header: { 'Idempotency-Key': key } }, body }),
  );
}

test('the same Idempotency-Key twice gives one journey; with another body it is refused', async () => {
  const body = { learner: stack.learner(), fabriqueId: stack.orgs.fabrique.id };
  const key = `referral-${Date.now()}`;
  const first = await referWithKey(stack, body, key);
  const again = await referWithKey(stack, body, key);
  expect(first.status).toBe(201);
  expect(again.status).toBe(200);
  expect(again.body.id).toBe(first.body.id);
  const other = { ...body, learner: { ...body.learner, firstName: 'Autre' } };
  const clash = await referWithKey(stack, other, key);
  expect(clash.status).toBe(422);
  expect(await stack.db.learner.count({ where: { email: body.learner.email } })).toBe(1);
  personal.push(body.learner.firstName, body.learner.lastName, body.learner.email);
});

test('replaying a referral after its journey ended returns it and does not start it again', async () => {
  const body = { learner: expiring.learner(), fabriqueId: expiring.orgs.fabrique.id };
  const key = `late-replay-${Date.now()}`;
  const first = await referWithKey(expiring, body, key);
  expect(first.status).toBe(201);
  const handle = expiring.client.workflow.getHandle(workflowIdFor(first.body.id));
  await handle.result(); // expired, then erased after the retention period
  const { runId } = await handle.describe();
  const replay = await referWithKey(expiring, body, key);
  expect(replay.status).toBe(200);
  expect(replay.body.id).toBe(first.body.id);
  expect(replay.body.status).toBe('expired');
  const after = await handle.describe();
  expect(after.runId).toBe(runId);
  expect(after.status.name).toBe('COMPLETED');
});

test('two decisions sent at the same moment: one wins, the other is refused and leaves no trace', async () => {
  const j = await refer(stack);
  const { fabrique } = stack.orgs;
  const [admit, refuse] = await Promise.all([
    stack.act(j.id, 'admit', fabrique.key, { startDate: today(10), durationMonths: 6 }),
    stack.act(j.id, 'refuse', fabrique.key, { reason: 'session_full', shareWithLearner: true }),
  ]);
  expect([admit.status, refuse.status].sort()).toEqual([200, 409]);
  const winner = admit.status === 200 ? 'admit' : 'refuse';
  const now = await stack.journey(j.id);
  expect(now.status).toBe(winner === 'admit' ? 'admitted' : 'refused');
  expect(now.timeline.map((t: { action: string }) => t.action)).toEqual(['refer', winner]);
  const loser = winner === 'admit' ? 'refused' : 'admitted';
  await stack.inbox.waitFor(j.id, `${winner === 'admit' ? 'admitted' : 'refused'}.agency`);
  // Once everything the winner set off has run: not one email of the loser's.
  await stack.atRest(j.id);
  expect(templates(stack, j.id).filter((t) => t.startsWith(`${loser}.`))).toEqual([]);
});

test('restarting the worker in the middle of a journey loses nothing: the journey goes on and finishes', async () => {
  const j = await refer(stack);
  const { fabrique } = stack.orgs;
  await stack.must(j.id, 'admit', fabrique.key, { startDate: today(), durationMonths: 3 });
  await stack.atRest(j.id);
  const handle = stack.client.workflow.getHandle(workflowIdFor(j.id));
  const { historyLength } = await handle.describe();
  await stack.stopWorker();
  // Asked while no worker runs: the action waits in Temporal, then lands.
  let answered = false;
  const pending = stack
    .act(j.id, 'confirm-start', fabrique.key, { startDate: today() })
    .finally(() => (answered = true));
  // Temporal holds the Update: its workflow task waits, scheduled, for a worker to pick it up.
  const waitingForWorker = async () => {
    const { raw } = await handle.describe();
    return raw.pendingWorkflowTask?.state === PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_SCHEDULED;
  };
  const deadline = Date.now() + 10_000;
  while (!(await waitingForWorker())) {
    if (Date.now() > deadline) throw new Error('the action was never seen waiting in Temporal for a worker');
    await new Promise((r) => setTimeout(r, 100));
  }
  // Meanwhile nothing happened: no answer, no history, the read model as it was; and still waiting.
  expect(answered).toBe(false);
  expect((await handle.describe()).historyLength).toBe(historyLength);
  expect((await stack.journey(j.id)).status).toBe('admitted');
  expect(await waitingForWorker()).toBe(true);
  await stack.startWorker();
  const started = await pending;
  expect(started.status).toBe(200);
  expect(started.body.status).toBe('in_training');
  await stack.must(j.id, 'record-completion', fabrique.key, { date: today(), certified: true });
  await answerSurveys(stack, j.id, ['interim', 'cdi']);
  await stack.waitForStatus(j.id, 'closed');
  expect(stack.inbox.of(j.id, 'started.learner')).toHaveLength(1);
});

test('no personal data appears in the Temporal history of any journey of this file', async () => {
  // A journey of its own, so that the search has something to find when this test runs alone.
  const own = await refer(stack, { referrer: referrer() });
  const texts = ['Entretien avec sa tutrice', 'Session complète pour cette rentrée'];
  personal.push(...texts);
  await stack.must(own.id, 'take-in-review', stack.orgs.fabrique.key, { note: texts[0] });
  await stack.must(own.id, 'refuse', stack.orgs.fabrique.key, {
    reason: 'session_full',
    shareWithLearner: true,
    message: texts[1],
  });
  await stack.atRest(own.id);
  const journeys = await stack.db.journey.findMany({
    where: { agencyId: { in: [stack.orgs.agency.id, expiring.orgs.agency.id] } },
    select: { id: true },
  });
  expect(journeys.map((j) => j.id)).toContain(own.id);
  const values = personal.filter((v) => v && v.length >= 4);
  expect(values).toEqual(expect.arrayContaining([own.learner.firstName, own.learner.email, ...texts]));
  for (const { id } of journeys) {
    const client = (await stack.db.journey.count({ where: { id, agencyId: stack.orgs.agency.id } }))
      ? stack.client
      : expiring.client;
    const text = historyText(await fetchHistory(client, id));
    expect(text).toContain(`"journeyId":"${id}"`); // the payloads are really decoded
    expect(valuesFound(text, values)).toEqual([]);
  }
});
