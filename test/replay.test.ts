// Histories of real journeys, recorded by the journey tests (RECORD_HISTORIES=1)
// and kept in test/histories, replayed against today's workflow code. A change
// that running journeys could not replay fails here: guard it with patched().
// Those named `.before-revision-1` were recorded before JOURNEY_REVISION.
import { Worker, type ReplayResult } from '@temporalio/worker';
import { storedHistories } from './support/histories';

const histories = storedHistories();

const WAYS = [
  'completed-journey',
  'dropout-journey',
  'suspended-extended-journey',
  'refused-journey',
  'withdrawn-journey',
  'expired-journey',
  'retention-journey',
  'decision-at-start-journey',
];

test('recorded histories cover the ways a journey ends, started today and before revision 1', () => {
  // Today's journeys start at JOURNEY_REVISION, with no patch marker; the
  // older ones ask patched(), with or without the markers in their history.
  expect(histories.map((h) => h.name)).toEqual(
    expect.arrayContaining([...WAYS, ...WAYS.map((w) => `${w}.before-revision-1`)]),
  );
});

test.each(histories.map((h) => [h.name, h]))(
  'the %s history replays against the current workflow code',
  async (_, h) => {
    const results = Worker.runReplayHistories(
      { workflowBundle: { codePath: process.env.WORKFLOW_BUNDLE as string } },
      [{ workflowId: h.name, history: h.history }],
    );
    const replayed: ReplayResult[] = [];
    for await (const result of results) replayed.push(result);
    // One history in, one replay out, with no error: an empty answer is no pass.
    expect(replayed.map((r) => ({ workflowId: r.workflowId, error: r.error }))).toEqual([
      { workflowId: h.name, error: undefined },
    ]);
  },
);
