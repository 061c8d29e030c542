// A journey that takes many actions must never reach Temporal's limits of one
// workflow run (2,000 Updates, 50,000 events), which would block it for good.
// Its workflow continues as a new run when its history grows long: here after
// 60 events, so that one journey crosses several runs. Across them nothing is
// lost or done twice: the state, the timeline, the timers, the emails, and a
// client's retry under the same Idempotency-Key.
import { randomUUID } from 'node:crypto';
import type { JourneyView } from '../domain/journey-state';
import { stateQuery, workflowIdFor } from '../workflows/messages';
import { journeyRuns } from '../worker/reconcile';
import { FOLLOW_UP_SOON } from './support/follow-up-links';
import { startStack, today, type TestStack } from './support/stack';
import { waitFor } from './support/wait';

const HISTORY_LIMIT = 60;

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ historyLimit: HISTORY_LIMIT, policy: FOLLOW_UP_SOON });
});
afterAll(async () => {
  await stack?.stop();
});

/** The runs of the journey's workflow, oldest first, with their event counts. */
async function runsOf(journeyId: string): Promise<{ runId: string; events: number }[]> {
  return (await journeyRuns(stack.client, journeyId)).map((r) => ({
    runId: r.runId,
    events: r.events.length,
  }));
}

function keyedAct(journeyId: string, action: string, body: unknown, key: string) {
  return stack.request('POST', `/v1/journeys/${journeyId}/actions/${action}`, stack.orgs.fabrique.key, body, {
    'Idempotency-Key': key,
  });
}

test('a journey crosses several runs of its workflow and keeps its state, timeline, timers and emails; a retry from an earlier run is not applied again', async () => {
  const { fabrique } = stack.orgs;
  const j = await stack.refer();
  const id = j.id as string;
  await stack.must(id, 'admit', fabrique.key, { startDate: today(-30), durationMonths: 6 });
  await stack.must(id, 'confirm-start', fabrique.key, { startDate: today(-30) });

  // A suspension whose answer the client did not hear, to be sent again later.
  const key = randomUUID();
  const first = await keyedAct(id, 'suspend', { reason: 'family', from: today(-20) }, key);
  expect(first.status).toBe(200);
  const runOfFirst = (await runsOf(id)).length;
  await stack.must(id, 'resume', fabrique.key, { date: today(-20) });
  for (let i = 0; i < 8; i++) {
    await stack.must(id, 'suspend', fabrique.key, { reason: 'health', from: today(-19 + i) });
    await stack.must(id, 'resume', fabrique.key, { date: today(-19 + i) });
  }
  const runs = await runsOf(id);
  expect(runs.length).toBeGreaterThanOrEqual(runOfFirst + 2);

  // The retry reaches a later run: it answers as the first did and changes nothing.
  const timelineBefore = (await stack.journey(id)).timeline.length;
  const retry = await keyedAct(id, 'suspend', { reason: 'family', from: today(-20) }, key);
  expect(retry.status).toBe(200);
  expect(retry.body.status).toBe('in_training');
  const now = await stack.journey(id);
  expect(now.timeline).toHaveLength(timelineBefore);
  expect(now.status).toBe('in_training');

  // The journey goes on to its end: a timer of a continued run sends both surveys.
  await stack.must(id, 'record-completion', fabrique.key, { date: today(), certified: true });
  const surveys = await waitFor('both surveys sent', async () => {
    const sent = stack.inbox.of(id, 'follow-up-survey.learner');
    return sent.length === 2 ? sent : null;
  });
  expect(surveys).toHaveLength(2);

  // Every run stayed short; the timeline has every event once, numbered without gaps.
  const all = await runsOf(id);
  // A run goes on until the action in progress and its emails are done: a few actions past the limit at most.
  for (const run of all.slice(0, -1)) expect(run.events).toBeLessThan(2 * HISTORY_LIMIT);
  const journey = await waitFor('the surveys recorded', async () => {
    const read = await stack.journey(id);
    return read.timeline.some((t: { action: string }) => t.action === 'follow-up-survey') ? read : null;
  });
  const timeline = journey.timeline as { seq: number; action: string }[];
  expect(timeline.map((t) => t.seq)).toEqual(timeline.map((_, i) => i + 1));
  const count = (a: string) => timeline.filter((t) => t.action === a).length;
  expect([count('refer'), count('admit'), count('suspend'), count('resume')]).toEqual([1, 1, 9, 9]);

  // The read model says what the workflow holds.
  const state = await stack.client.workflow.getHandle(workflowIdFor(id)).query(stateQuery);
  expect({ status: journey.status, seq: timeline.length }).toEqual({
    status: (state as JourneyView).status,
    seq: (state as JourneyView).seq,
  });

  // Each suspension and resumption told the agency once.
  for (const template of ['suspended.agency', 'resumed.agency']) {
    expect(stack.inbox.of(id, template)).toHaveLength(9);
  }
  console.log(
    `one journey over ${all.length} runs of its workflow (events per run: ${all.map((r) => r.events).join(', ')}), ${timeline.length} timeline entries`,
  );
});
