// Actions with an Idempotency-Key: a caller that did not hear the answer
// sends the same request again and gets the first outcome, never a 409; the
// action happens once. When the outcome cannot be known in time (no worker,
// Temporal unreachable) the answer is 503 with Retry-After, and the retry
// with the same key then succeeds.
import type { AddressInfo, Server } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { closeApp, createApp } from '../api/app';
import { freePort } from '../scripts/lib/temporal.mjs';
import { startStack, today, type HttpResult, type TestStack } from './support/stack';
import { waitFor } from './support/wait';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ actionTimeoutMs: 3_000 });
});
afterAll(async () => {
  await stack?.stop();
});

/** The fabrique's action with an Idempotency-Key, through the typed client. */
function act(journeyId: string, action: string, body: unknown, key: string, baseUrl = stack.baseUrl) {
  return stack.act(journeyId, action, stack.orgs.fabrique.key, body, { idempotencyKey: key, baseUrl });
}

/**
 * As a client does: while the answer is 503, wait as Retry-After says and
 * send the same request, with the same key, again (within 30 s). A worker
 * that comes back picks the journey up only once its old sticky queue times
 * out, so the first retry may still be too early for the action's deadline.
 */
async function retryAsTold(send: () => Promise<HttpResult>): Promise<HttpResult> {
  const until = Date.now() + 30_000;
  for (;;) {
    const res = await send();
    if (res.status !== 503 || Date.now() > until) return res;
    const wait = Number(res.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, wait * 1000));
  }
}

async function timelineOf(journeyId: string): Promise<string[]> {
  return (await stack.journey(journeyId)).timeline.map((t: { action: string }) => t.action);
}

test('a refusal sent twice with the same key: the second answer is the first outcome, the action and its emails happen once', async () => {
  const j = await stack.refer();
  const body = {
    reason: 'session_full',
    shareWithLearner: true,
    message: 'Session complète, revenez en mars',
  };
  const first = await act(j.id, 'refuse', body, 'refuse-1');
  expect(first.status).toBe(200);
  const again = await act(j.id, 'refuse', body, 'refuse-1');
  expect(again.status).toBe(200);
  expect(again.body.status).toBe('refused');

  expect(await timelineOf(j.id)).toEqual(['refer', 'refuse']);
  const email = await stack.inbox.waitFor(j.id, 'refused.agency');
  expect(email.text).toContain('Session complète, revenez en mars');
  expect(stack.inbox.of(j.id, 'refused.agency')).toHaveLength(1);
  // The retry reused the first request's text: one copy of it is kept.
  expect(await stack.db.actionText.count({ where: { journeyId: j.id } })).toBe(1);
  // Without a key, the same request is what it is: not allowed any more.
  expect((await stack.act(j.id, 'refuse', stack.orgs.fabrique.key, body)).status).toBe(409);
});

test('the same key with another body is refused with 422 and changes nothing', async () => {
  const j = await stack.refer();
  expect((await act(j.id, 'take-in-review', {}, 'review-1')).status).toBe(200);
  const other = await act(j.id, 'waitlist', {}, 'review-1');
  expect(other.status).toBe(422);
  expect(other.headers.get('content-type')).toMatch(/application\/problem\+json/);
  expect(other.body.detail).toMatch(/Idempotency-Key/);
  const now = await stack.journey(j.id);
  expect(now.status).toBe('in_review');
  expect(now.timeline.map((t: { action: string }) => t.action)).toEqual(['refer', 'take-in-review']);
  // A key belongs to one journey: the same key elsewhere is a new request.
  const k = await stack.refer();
  expect((await act(k.id, 'take-in-review', {}, 'review-1')).status).toBe(200);
});

test('a malformed Idempotency-Key is refused with 400 and changes nothing', async () => {
  const j = await stack.refer();
  await waitFor('the referral recorded', async () => (await timelineOf(j.id)).length === 1);
  const res = await act(j.id, 'take-in-review', {}, 'x'.repeat(201));
  expect(res.status).toBe(400);
  expect(await timelineOf(j.id)).toEqual(['refer']);
});

test('no worker to run the action: 503 with Retry-After, then the retry with the same key gets the outcome, and the action happened once', async () => {
  const j = await stack.refer();
  await stack.inbox.waitFor(j.id, 'referral-new.fabrique');
  const body = { startDate: today(10), durationMonths: 6 };
  await stack.stopWorker();
  try {
    const lost = await act(j.id, 'admit', body, 'admit-1');
    expect(lost.status).toBe(503);
    expect(Number(lost.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(lost.body.detail).toMatch(/Idempotency-Key/);
  } finally {
    await stack.startWorker();
  }
  const retry = await retryAsTold(() => act(j.id, 'admit', body, 'admit-1'));
  expect(retry.status).toBe(200);
  expect(retry.body.status).toBe('admitted');
  expect(await timelineOf(j.id)).toEqual(['refer', 'admit']);
  await stack.inbox.waitFor(j.id, 'admitted.agency');
  expect(stack.inbox.of(j.id, 'admitted.agency')).toHaveLength(1);
});

test('Temporal unreachable: 503 with Retry-After, never a 500; the retry with the same key, once it is back, acts once', async () => {
  const j = await stack.refer();
  await waitFor('the referral recorded', async () => (await timelineOf(j.id)).length === 1);
  // A second API process whose Temporal address answers nothing.
  const temporal = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${await freePort()}` }) });
  const app = createApp({
    db: stack.db,
    temporal,
    taskQueue: stack.taskQueue,
    policy: stack.policy,
    publicBaseUrl: 'http://parcours.test',
    actionTimeoutMs: 2_000,
    log: () => undefined,
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  try {
    const cut = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const lost = await act(j.id, 'take-in-review', {}, 'review-cut', cut);
    expect(lost.status).toBe(503);
    expect(lost.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(Number(lost.headers.get('retry-after'))).toBeGreaterThan(0);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await closeApp(app);
    await temporal.connection.close();
  }
  expect(await timelineOf(j.id)).toEqual(['refer']);
  const retry = await retryAsTold(() => act(j.id, 'take-in-review', {}, 'review-cut'));
  expect(retry.status).toBe(200);
  expect(await timelineOf(j.id)).toEqual(['refer', 'take-in-review']);
});

test('the OpenAPI document offers the Idempotency-Key on every action and says when to retry a 503', async () => {
  const doc = (await stack.request('GET', '/openapi.json')).body;
  const admit = doc.paths['/v1/journeys/{id}/actions/admit'].post;
  expect(admit.parameters).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false }),
    ]),
  );
  expect(admit.description).toMatch(/first outcome/);
  expect(admit.responses['503'].headers['Retry-After']).toBeDefined();
});
