// A worker killed with SIGKILL while its POST waits on the endpoint: the
// other worker sends the event again, with the same id, and the journey's
// later events follow in order. Nothing is lost.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { startStack, today, type TestStack } from './support/stack';
import { waitFor } from './support/wait';
import { WebhookReceiver } from './support/webhook-receiver';
import { WorkerProcess } from './support/worker-process';

let stack: TestStack;
let workers: WorkerProcess[];
let receiver: WebhookReceiver;

beforeAll(async () => {
  stack = await startStack({ worker: false });
  receiver = await new WebhookReceiver().start();
  workers = [new WorkerProcess('worker-a', stack), new WorkerProcess('worker-b', stack)];
  await Promise.all(workers.map((w) => w.start()));
}, 120_000);
afterAll(async () => {
  await Promise.all((workers ?? []).map((w) => w.kill()));
  await stack?.stop();
  await receiver?.stop();
});

/** The worker holding the TCP connection that comes from this local port (Linux /proc). */
function workerOnPort(port: number): WorkerProcess {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const local = cols[1]?.split(':')[1];
      if (local && parseInt(local, 16) === port && cols[9]) inodes.add(cols[9]);
    }
  }
  const holder = workers.find((w) => {
    const dir = `/proc/${w.pid}/fd`;
    try {
      return readdirSync(dir).some((fd) => {
        try {
          return inodes.has(/^socket:\[(\d+)\]$/.exec(readlinkSync(`${dir}/${fd}`))?.[1] ?? '');
        } catch {
          return false;
        }
      });
    } catch {
      return false;
    }
  });
  if (!holder) throw new Error(`no worker holds the connection from port ${port}`);
  return holder;
}

test('a worker killed mid-delivery loses nothing: the event is sent again with the same id, and the rest follow in order', async () => {
  const { agency, fabrique } = stack.orgs;
  const sub = await stack.request('POST', '/v1/webhooks', agency.key, { url: receiver.url });
  expect(sub.status).toBe(201);
  // The review's first POST is never answered: its worker dies waiting.
  receiver.answerWith((hook, earlier) =>
    hook.event.type === 'journey.take-in-review' && earlier.length === 0
      ? new Promise<number>(() => undefined)
      : 200,
  );
  const j = await stack.refer();
  await stack.must(j.id, 'take-in-review', fabrique.key);
  const held = await waitFor('the review being sent', async () =>
    receiver.of(j.id).find((h) => h.event.type === 'journey.take-in-review'),
  );
  const victim = workerOnPort(held.remotePort);
  const killedAt = Date.now();
  await victim.kill();
  // Meanwhile the journey goes on: its admission waits behind the review.
  await stack.must(j.id, 'admit', fabrique.key, { startDate: today(14), durationMonths: 6 });

  const log = await waitFor('every delivery delivered', async () => {
    const res = await stack.request(
      'GET',
      `/v1/webhooks/${sub.body.id}/deliveries?journeyId=${j.id}`,
      agency.key,
    );
    const items = res.body.items as { status: string }[];
    return items.length === 3 && items.every((d) => d.status === 'delivered') && res.body.items;
  });
  console.log(`webhook resent ${Date.now() - killedAt} ms after its worker was killed`);
  const hooks = receiver.of(j.id);
  expect(hooks.map((h) => [h.event.type, h.answered])).toEqual([
    ['journey.refer', 200],
    ['journey.take-in-review', null],
    ['journey.take-in-review', 200],
    ['journey.admit', 200],
  ]);
  expect(hooks[1]?.eventId).toBe(hooks[2]?.eventId);
  expect(hooks[1]?.body).toBe(hooks[2]?.body);
  const review = log.find((d: { event: { type: string } }) => d.event.type === 'journey.take-in-review');
  expect(review.attempts).toBe(2);
  expect(
    review.attemptLog.map(
      (a: { statusCode: number | null; error: string | null }) => a.statusCode ?? a.error,
    ),
  ).toEqual(['interrupted', 200]);
  await victim.start();
});
