// After PostgreSQL is restored from an older dump, the read model says less
// than the workflows know. `npm run reconcile` lists the differences, and
// with --fix rewrites the rows from the workflows (timeline included), the
// source of truth; the journeys then go on as if nothing happened.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow';
import { journeyRuns } from '../worker/reconcile';
import type { RecordEventInput } from '../workflows/activity-types';
import { dropDatabase, freshDatabase } from './support/databases';
import { startStack, today, type TestStack } from './support/stack';
import { waitFor } from './support/wait';

const run = promisify(execFile);
let stack: TestStack;
let databaseUrl: string;
let dir: string;

beforeAll(async () => {
  databaseUrl = await freshDatabase('reconcile');
  dir = await mkdtemp(path.join(os.tmpdir(), 'parcours-reconcile-'));
  stack = await startStack({ databaseUrl });
});
afterAll(async () => {
  await stack?.stop();
  if (databaseUrl) await dropDatabase(databaseUrl);
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Waits until the journey's events and emails are all written, so that the database is still. */
async function settled(journeyId: string, seq: number, emails: number) {
  await waitFor(`journey ${journeyId} settled`, async () => {
    const [row, sent] = await Promise.all([
      stack.db.journey.findUnique({ where: { id: journeyId } }),
      stack.db.notification.count({ where: { journeyId, status: 'sent' } }),
    ]);
    return row?.version === seq && sent === emails;
  });
}

/** `npm run reconcile`, as an operator runs it: its output and exit code. */
async function reconcile(...args: string[]) {
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/reconcile.ts', ...args], {
      cwd: path.resolve(__dirname, '..'),
      env: { ...process.env, DATABASE_URL: databaseUrl, TEMPORAL_TASK_QUEUE: stack.taskQueue },
    });
    return { code: 0, stdout };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: `${e.stdout}${e.stderr}` };
  }
}

test('after a restore from an older dump, reconcile lists what the read model lacks, and --fix rewrites it from the workflows', async () => {
  const { fabrique } = stack.orgs;
  const a = await stack.refer();
  const b = await stack.refer();
  await stack.must(a.id, 'take-in-review', fabrique.key, {});
  await Promise.all([settled(a.id, 2, 3), settled(b.id, 1, 2)]);
  const dump = path.join(dir, 'parcours.dump');
  await run('pg_dump', ['-Fc', '-f', dump, databaseUrl]);

  // Life goes on after the dump: an admission, a waitlisting, a new referral.
  await stack.must(a.id, 'admit', fabrique.key, { startDate: today(14), durationMonths: 6 });
  await stack.must(b.id, 'waitlist', fabrique.key, {});
  const c = await stack.refer();
  await Promise.all([settled(a.id, 3, 5), settled(b.id, 2, 4), settled(c.id, 1, 2)]);

  // PostgreSQL is restored from the dump.
  await run('pg_restore', ['--clean', '--if-exists', '-d', databaseUrl, dump]);
  expect((await stack.journey(a.id)).status).toBe('in_review');

  const listed = await reconcile();
  expect(listed.code).toBe(1);
  expect(listed.stdout).toContain(
    `journey ${a.id}: status is "in_review" in the read model, "admitted" in the workflow`,
  );
  expect(listed.stdout).toContain(`journey ${a.id}: timeline is null in the read model, "missing seq 3"`);
  expect(listed.stdout).toContain(
    `journey ${b.id}: status is "referred" in the read model, "waitlisted" in the workflow`,
  );
  expect(listed.stdout).toContain(`journey ${c.id}: running workflow without a row`);
  // Listing changes nothing.
  expect((await stack.journey(a.id)).status).toBe('in_review');

  const fixed = await reconcile('--fix');
  expect(fixed.stdout).toMatch(
    /3 running journeys checked; 2 differ, 2 rewritten from their workflow; 1 without a row/,
  );
  const admitted = await stack.journey(a.id);
  expect(admitted).toMatchObject({ status: 'admitted', dates: { plannedStartDate: today(14) } });
  expect(admitted.timeline.map((t: { action: string }) => t.action)).toEqual([
    'refer',
    'take-in-review',
    'admit',
  ]);
  const waitlisted = await stack.journey(b.id);
  expect(waitlisted.status).toBe('waitlisted');
  expect(waitlisted.timeline.map((t: { action: string }) => t.action)).toEqual(['refer', 'waitlist']);

  // Nothing left to fix but the journey whose learner the dump never held.
  const again = await reconcile();
  expect(again.stdout).toMatch(/3 running journeys checked; 0 differ .*; 1 without a row/);
  // The journeys go on from where their workflows are.
  expect((await stack.must(a.id, 'confirm-start', fabrique.key, { startDate: today() })).status).toBe(
    'in_training',
  );
}, 120_000);

test('a journey’s journal writes, which reconcile rewrites rows from, carry the read model’s fields and not the workflow’s own', async () => {
  const j = await stack.refer();
  await stack.must(j.id, 'take-in-review', stack.orgs.fabrique.key, {});
  await settled(j.id, 2, 3);
  const scheduled = (await journeyRuns(stack.client, j.id))
    .flatMap((run) => run.events)
    .map((e) => e.activityTaskScheduledEventAttributes)
    .filter((a) => a?.activityType?.name === 'recordEvent');
  const inputs = await Promise.all(
    scheduled.map(async (a) => {
      const [input] = await decodeArrayFromPayloads(
        stack.client.workflow.options.loadedDataConverter,
        a?.input?.payloads,
      );
      return input as RecordEventInput;
    }),
  );
  expect(inputs.map((i) => [i.seq, i.journey.status])).toEqual([
    [1, 'referred'],
    [2, 'in_review'],
  ]);
  for (const { journey } of inputs) {
    expect(journey).toMatchObject({ agencyId: stack.orgs.agency.id, fabriqueId: stack.orgs.fabrique.id });
    expect(journey).toHaveProperty('nextDeadline.kind');
    // What only the workflow needs stays in it: every journal write is kept in the history.
    for (const own of ['learnerId', 'fired', 'actionCounts', 'decisionClockFrom', 'seq', 'referredAt']) {
      expect(journey).not.toHaveProperty(own);
    }
  }
}, 60_000);
