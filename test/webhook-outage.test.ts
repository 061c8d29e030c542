// An endpoint down for longer than deliveries are retried, compressed: the
// give-up time is 3 seconds here instead of 3 days. The README's promise:
// later events wait behind the one retried, each is given up once its time
// has passed (after one attempt at least), the subscription stays, and
// once the endpoint is back new events flow and the given-up ones can be
// replayed with their ids.
import { startStack, today, type TestStack } from './support/stack';
import { waitFor } from './support/wait';
import { WebhookReceiver } from './support/webhook-receiver';

let stack: TestStack;
let receiver: WebhookReceiver;

beforeAll(async () => {
  stack = await startStack({ webhookRetry: { initialMs: 100, maxMs: 400, giveUpAfter: 'PT3S' } });
  receiver = await new WebhookReceiver().start();
}, 60_000);
afterAll(async () => {
  await stack?.stop();
  await receiver?.stop();
});

interface Delivery {
  id: string;
  status: string;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  event: { id: string; seq: number; type: string };
}

test('while the endpoint is down events pile up behind the first, each is given up after its time, and the rest flows once it is back', async () => {
  const { agency, fabrique } = stack.orgs;
  const sub = await stack.request('POST', '/v1/webhooks', agency.key, { url: receiver.url });
  expect(sub.status).toBe(201);
  const log = async (): Promise<Delivery[]> =>
    (await stack.request('GET', `/v1/webhooks/${sub.body.id}/deliveries`, agency.key)).body.items;
  await receiver.stop();

  const j = await stack.refer();
  await stack.must(j.id, 'take-in-review', fabrique.key);
  // What piles up: the referral retried, the review waiting behind it, never tried yet.
  // Read between two attempts: one under way shows as `interrupted` until its answer is logged.
  const piled = await waitFor('the referral retried', async () => {
    const items = await log();
    const [review, refer] = items;
    const between = refer?.lastError !== 'interrupted';
    return (
      items.length === 2 && refer && refer.attempts >= 2 && between && review?.status === 'pending' && items
    );
  });
  expect(piled.map((d) => [d.event.type, d.status])).toEqual([
    ['journey.take-in-review', 'pending'],
    ['journey.refer', 'pending'],
  ]);
  expect(piled[0]?.attempts).toBe(0);
  expect(piled[1]).toMatchObject({ lastError: 'ECONNREFUSED', nextAttemptAt: expect.any(String) });

  // When it gives up: each event once its time has passed, after one attempt at least.
  const given = await waitFor(
    'both given up',
    async () => {
      const items = await log();
      return items.length === 2 && items.every((d) => d.status === 'failed') && items;
    },
    20_000,
  );
  for (const d of given) expect(d).toMatchObject({ lastError: 'ECONNREFUSED', nextAttemptAt: null });
  expect(given.every((d) => d.attempts >= 1)).toBe(true);

  // Back: the next event goes at once; the given-up ones go again on request, same ids, in seq order.
  await receiver.start(receiver.port);
  await stack.must(j.id, 'admit', fabrique.key, { startDate: today(14), durationMonths: 6 });
  await waitFor('the admission delivered', async () => receiver.of(j.id).some((h) => h.answered === 200));
  for (const d of given.slice().reverse()) {
    const replay = await stack.request(
      'POST',
      `/v1/webhooks/${sub.body.id}/deliveries/${d.id}/replay`,
      agency.key,
    );
    expect(replay.status).toBe(202);
  }
  const done = await waitFor('every delivery delivered', async () => {
    const items = await log();
    return items.length === 3 && items.every((d) => d.status === 'delivered') && items;
  });
  expect(receiver.of(j.id).map((h) => [h.event.type, h.answered])).toEqual([
    ['journey.admit', 200],
    ['journey.refer', 200],
    ['journey.take-in-review', 200],
  ]);
  expect(
    receiver
      .of(j.id)
      .map((h) => h.eventId)
      .sort(),
  ).toEqual(done.map((d) => d.event.id).sort());
  // The subscription stayed on all along.
  const subs = await stack.request('GET', '/v1/webhooks', agency.key);
  expect(subs.body.items.map((s: { id: string }) => s.id)).toContain(sub.body.id);
});
