// The raw-Temporal baseline of the benchmark: a workflow of the journey's
// shape, taken from a real journey's history in the same run (shape.ts):
// the same start, the same Updates, the same timers and the same number of
// activities at each step, in the same order (one, then the rest at once),
// but the activities do nothing and the payloads are bare.
import { condition, defineUpdate, proxyActivities, setHandler, sleep } from '@temporalio/workflow';
import type { RawShape } from './shape';

const { noop } = proxyActivities<{ noop(): Promise<void> }>({
  startToCloseTimeout: '3 seconds',
  retry: { initialInterval: '500 milliseconds', maximumInterval: '1 minute' },
});

/** One Update, answered once its first activity is done, as an action is. */
export const rawAction = defineUpdate<number, [number]>('rawAction');

/** The first activity, then the others of the step at once. */
async function step(activities: number): Promise<void> {
  if (activities < 1) return;
  await noop();
  await Promise.all(Array.from({ length: activities - 1 }, () => noop()));
}

export async function rawJourney(shape: RawShape): Promise<number> {
  let handled = 0;
  let outbox = 0;
  setHandler(rawAction, async (n: number) => {
    const activities = shape.updates[n] ?? 1;
    if (activities > 0) await noop();
    outbox += Math.max(0, activities - 1);
    return ++handled;
  });
  await step(shape.start);
  // Each Update's other activities are started by the main loop, as a journey's emails are.
  while (handled < shape.updates.length || outbox > 0) {
    const seen = handled;
    const wait = () => handled > seen || outbox > 0;
    if (shape.waitWithTimer) await condition(wait, '30 days');
    else await condition(wait);
    while (outbox > 0) {
      const batch = outbox;
      outbox = 0;
      await Promise.all(Array.from({ length: batch }, () => noop()));
    }
  }
  for (const timer of shape.timers) {
    await sleep(timer.afterMs);
    await step(timer.activities);
  }
  return handled;
}
