// Without SMTP_URL (the `npm start` default), every email is kept as an .eml
// file. Those copies hold the learner's name and address, so erasure deletes
// them too: on a manager's request and when the retention period ends.
import { mkdtempSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startStack, type TestStack } from './support/stack';

const mailDir = mkdtempSync(path.join(os.tmpdir(), 'parcours-mail-'));
let stack: TestStack;

beforeAll(async () => {
  stack = await startStack({ mailDir, policy: { retentionAfterClose: 'PT3S' } });
});
afterAll(async () => {
  await stack?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The .eml files that mention a value, by file name. */
async function copiesMentioning(value: string): Promise<string[]> {
  const names = await readdir(mailDir).catch(() => [] as string[]);
  const found: string[] = [];
  for (const name of names) {
    // A copy erased between the listing and the reading mentions nothing any more.
    const text = await readFile(path.join(mailDir, name), 'utf8').catch(() => '');
    if (text.includes(value)) found.push(name);
  }
  return found;
}

/** Waits until the journey is at rest, every email of the referral out; returns how many were sent. */
async function referralEmailsSent(journeyId: string): Promise<number> {
  await stack.atRest(journeyId);
  const rows = await stack.db.notification.findMany({ where: { journeyId } });
  expect(rows.map((n) => [n.template, n.status]).sort()).toEqual([
    ['referral-new.fabrique', 'sent'],
    ['referral-received.learner', 'sent'],
  ]);
  return rows.length;
}

test('erasing a learner deletes the copies of their journey’s emails, and only those', async () => {
  const [erased, kept] = [await stack.refer(), await stack.refer()];
  const sent = await referralEmailsSent(erased.id);
  await referralEmailsSent(kept.id);
  const erasedCopies = await copiesMentioning(erased.learner.email);
  expect(erasedCopies.length).toBeGreaterThan(0);
  const keptCopies = await copiesMentioning(kept.learner.email);
  expect(keptCopies.length).toBeGreaterThan(0);

  const res = await stack.request('POST', `/v1/learners/${erased.learner.id}/erase`, stack.orgs.manager.key);
  expect(res.status).toBe(200);
  // Every email of the journey goes, including those to the fabrique that name the learner.
  expect(res.body.cleared.mailCopies).toBe(sent);
  expect(await copiesMentioning(erased.learner.email)).toEqual([]);
  expect(await copiesMentioning(erased.learner.lastName)).toEqual([]);
  expect(await copiesMentioning(kept.learner.email)).toEqual(keptCopies);

  // A second request finds nothing more to delete.
  const again = await stack.request(
    'POST',
    `/v1/learners/${erased.learner.id}/erase`,
    stack.orgs.manager.key,
  );
  expect([again.status, again.body.cleared.mailCopies]).toEqual([200, 0]);
});

test('the retention timer deletes the copies of a refused journey’s emails with the rest', async () => {
  const j = await stack.refer();
  await stack.must(j.id, 'take-in-review', stack.orgs.fabrique.key, {});
  await stack.must(j.id, 'refuse', stack.orgs.fabrique.key, {
    reason: 'prerequisites_not_met',
    shareWithLearner: true,
  });
  await stack.waitForStatus(j.id, 'refused');
  expect((await copiesMentioning(j.learner.email)).length).toBeGreaterThan(0);

  const deadline = Date.now() + 30_000;
  let learner = await stack.db.learner.findUniqueOrThrow({ where: { id: j.learner.id } });
  while (!learner.erasedAt) {
    if (Date.now() > deadline) throw new Error('the learner was not erased after the retention period');
    await sleep(200);
    learner = await stack.db.learner.findUniqueOrThrow({ where: { id: j.learner.id } });
  }
  // The copies go right after the database commit, in the same activity.
  for (let i = 0; i < 50 && (await copiesMentioning(j.learner.email)).length > 0; i++) await sleep(100);
  expect(await copiesMentioning(j.learner.email)).toEqual([]);
  expect(await copiesMentioning(j.learner.lastName)).toEqual([]);
});
