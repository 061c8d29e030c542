// A decision that reaches the workflow together with its start (Temporal
// delivers both in the workflow's first task) must not jump ahead of the
// referral: the timeline tells `refer`, then the decision, as it happened.
// Update-with-start makes that race happen on every run, not by chance.
import { WithStartWorkflowOperation } from '@temporalio/client';
import { workflowInput, writeReferral } from '../api/referrals';
import { actionUpdates, JOURNEY_WORKFLOW, workflowIdFor, type LearnerJourney } from '../workflows/messages';
import { recordHistory } from './support/histories';
import { startStack, type TestStack } from './support/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

test('a refusal delivered with the workflow’s start is recorded after the referral, from referred to refused', async () => {
  const row = await writeReferral(stack, stack.orgs.agency.id, {
    learner: stack.learner() as never,
    fabriqueId: stack.orgs.fabrique.id,
  });
  const start = new WithStartWorkflowOperation<LearnerJourney>(JOURNEY_WORKFLOW, {
    taskQueue: stack.taskQueue,
    workflowId: workflowIdFor(row.id),
    workflowIdConflictPolicy: 'FAIL',
    args: [workflowInput(row, stack.policy)],
  });
  const outcome = await stack.client.workflow.executeUpdateWithStart(actionUpdates.refuse, {
    startWorkflowOperation: start,
    args: [
      {
        actor: { type: 'fabrique', orgId: stack.orgs.fabrique.id },
        payload: { reason: 'session_full', shareWithLearner: false },
      },
    ],
  });
  // The Update answers the event it recorded and where it led, not the whole journey.
  expect(outcome).toEqual({ status: 'refused', seq: 2 });

  const journey = await stack.waitForStatus(row.id, 'refused');
  const steps = journey.timeline.map(
    (t: { seq: number; action: string; fromStatus: string; toStatus: string }) => [
      t.seq,
      t.action,
      t.fromStatus,
      t.toStatus,
    ],
  );
  expect(steps).toEqual([
    [1, 'refer', null, 'referred'],
    [2, 'refuse', 'referred', 'refused'],
  ]);
  // The emails follow the story: the referral is acknowledged, then the refusal told.
  await stack.inbox.waitFor(row.id, 'referral-new.fabrique');
  await stack.inbox.waitFor(row.id, 'refused.agency');
  await recordHistory(stack.client, row.id, 'decision-at-start-journey');
});
