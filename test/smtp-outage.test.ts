// SMTP refuses connections for a while, then comes back: every email the
// journeys called for is delivered once, under its event's Message-ID, and
// the notification log shows it sent. Nothing lost, nothing doubled.
import { startStack, type TestStack } from './support/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('emails called for while SMTP is down go out once it is back, each once, under its Message-ID', async () => {
  await stack.inbox.stop();
  const journeys = await Promise.all([0, 1, 2].map(() => stack.refer()));
  const ids = journeys.map((j) => j.id as string);
  const rows = () => stack.db.notification.findMany({ where: { journeyId: { in: ids } } });
  // Each referral calls for two emails (the learner, the fabrique): all six
  // were tried, refused at the door, and wait for Temporal's retry.
  await until('six emails waiting for a retry', async () => {
    const r = await rows();
    return r.length === 6 && r.every((n) => n.status === 'retry');
  });
  expect((await rows()).map((n) => n.error)).toEqual(
    Array(6).fill(expect.stringMatching(/^mail transport failed \(E/)),
  );

  await stack.inbox.start(stack.inbox.port);
  const received = () => stack.inbox.messages.filter((m) => ids.includes(m.journeyId));
  await until('the six emails received', () => received().length >= 6);
  for (const id of ids) await stack.atRest(id);

  const got = received();
  expect(got).toHaveLength(6);
  expect(new Set(got.map((m) => m.messageId)).size).toBe(6);
  for (const id of ids) {
    expect(
      got
        .filter((m) => m.journeyId === id)
        .map((m) => m.template)
        .sort(),
    ).toEqual(['referral-new.fabrique', 'referral-received.learner']);
  }
  const log = await rows();
  expect(log.map((n) => [n.status, n.resentAfterCrash])).toEqual(Array(6).fill(['sent', 0]));
  // The Message-ID each email went out under is the one its log row keeps.
  expect(new Set(log.map((n) => n.messageId))).toEqual(new Set(got.map((m) => m.messageId)));
});
