// A referral is two steps: its rows in PostgreSQL, then its workflow. If the
// API stops between them, the referral must not be lost: the next API start
// starts the workflows of journeys left without one, once, and leaves every
// other journey alone.
import { WorkflowNotFoundError } from '@temporalio/client';
import { startMissingWorkflows, writeReferral } from '../api/referrals';
import { workflowIdFor } from '../workflows/messages';
import { startStack, type TestStack } from './support/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const deps = () => ({
  db: stack.db,
  temporal: stack.client,
  taskQueue: stack.taskQueue,
  policy: stack.policy,
});

test('a referral whose workflow never started is started by the next API start, once', async () => {
  // The first step of a referral, then the API "stops": no workflow.
  const orphan = await writeReferral(deps(), stack.orgs.agency.id, {
    learner: stack.learner() as never,
    fabriqueId: stack.orgs.fabrique.id,
  });
  const handle = stack.client.workflow.getHandle(workflowIdFor(orphan.id));
  await expect(handle.describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  // A journey whose workflow did start, and one that is over, are left alone.
  const running = await stack.refer();
  const ended = await stack.refer();
  await stack.must(ended.id, 'withdraw', stack.orgs.agency.key, { reason: 'moved' });
  await stack.waitForStatus(ended.id, 'withdrawn');

  // Only journeys older than the age limit are looked at: a referral in
  // progress elsewhere (other test files share this database) is not raced.
  const old = new Date(Date.now() - 10 * 60_000);
  await stack.db.journey.updateMany({
    where: { id: { in: [orphan.id, running.id, ended.id] } },
    data: { createdAt: old },
  });
  expect(await startMissingWorkflows(deps(), 5 * 60_000)).toBe(1);
  expect((await handle.describe()).status.name).toBe('RUNNING');

  // The journey goes on as any other: recorded, the learner and the fabrique told.
  await stack.inbox.waitFor(orphan.id, 'referral-received.learner');
  await stack.inbox.waitFor(orphan.id, 'referral-new.fabrique');
  const journey = await stack.journey(orphan.id);
  expect(journey.timeline.map((t: { action: string }) => t.action)).toEqual(['refer']);
  await stack.must(orphan.id, 'take-in-review', stack.orgs.fabrique.key, {});

  // Again: nothing left to start.
  expect(await startMissingWorkflows(deps(), 5 * 60_000)).toBe(0);
  expect(await stack.db.journey.count({ where: { id: orphan.id } })).toBe(1);
});
