// The raw-Temporal baseline of the benchmark: a workflow of the journey's
// shape, taken from a real journey's history in the same run (shape.ts):
// the same start, the same Updates, the same timers and the same number of
// activities at each step, local or not, in the same order (the local ones
// or else the first, then the rest at once),
// but the activities do nothing and the payloads are bare.
import {
  condition,
  defineUpdate,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import type { RawShape, RawStep } from './shape';

type Noop = { noop(): Promise<void> };
const options = {
  startToCloseTimeout: '3 seconds',
  retry: { initialInterval: '500 milliseconds', maximumInterval: '1 minute' },
} as const;
const { noop } = proxyActivities<Noop>(options);
const { noop: localNoop } = proxyLocalActivities<Noop>(options);

/** One Update, answered once its first activities are done, as an action is. */
export const rawAction = defineUpdate<number, [number]>('rawAction');

/**
 * A step's first part, as the journey's: its local activities one after
 * another (the journal writes), or else its first activity. Returns how many
 * activities are left, to run at once.
 */
async function first(step: RawStep): Promise<number> {
  if (step.local > 0) {
    for (let i = 0; i < step.local; i++) await localNoop();
    return step.remote;
  }
  if (step.remote > 0) await noop();
  return Math.max(0, step.remote - 1);
}

const many = (n: number) => Promise.all(Array.from({ length: n }, () => noop()));

export async function rawJourney(shape: RawShape): Promise<number> {
  let handled = 0;
  let outbox = 0;
  setHandler(rawAction, async (n: number) => {
    // Read outbox after the await: `outbox += await …` would read it before, losing what the main loop took meanwhile.
    const left = await first(shape.updates[n] ?? { local: 0, remote: 1 });
    outbox += left;
    return ++handled;
  });
  await many(await first(shape.start));
  // Each Update's other activities are started by the main loop, as a journey's emails are.
  while (handled < shape.updates.length || outbox > 0) {
    const seen = handled;
    const wait = () => handled > seen || outbox > 0;
    if (shape.waitWithTimer) await condition(wait, '30 days');
    else await condition(wait);
    while (outbox > 0) {
      const batch = outbox;
      outbox = 0;
      await many(batch);
    }
  }
  for (const timer of shape.timers) {
    await sleep(timer.afterMs);
    await many(await first(timer));
  }
  return handled;
}
