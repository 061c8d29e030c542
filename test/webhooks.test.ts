// Webhooks against a real HTTP receiver on loopback: signed with the
// subscription's secret, retried with the same event id until a 2xx, in
// `seq` order per journey, only for the journeys the organisation may see,
// with ids, statuses, codes and dates only; a delivery log and replays.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createJournal } from '../activities/journal';
import { closeApp, createApp } from '../api/app';
import { loadConfig } from '../config/env';
import type { RecordEventInput, WebhookStream } from '../workflows/activity-types';
import { wakeWebhookDeliveries } from '../temporal/webhooks';
import { webhookWorkflowIdFor } from '../workflows/messages';
import { recordedEvents } from '../worker/reconcile';
import { verifySignature } from '../webhooks/signature';
import { postEvent } from '../webhooks/post';
import { historyText, valuesFound } from './support/histories';
import { startStack, today, type HttpResult, type Org, type TestStack } from './support/stack';
import { waitFor } from './support/wait';
import { WebhookReceiver, type ReceivedHook } from './support/webhook-receiver';

let stack: TestStack;
/** Every receiver and learner of the file, for the personal-data checks at the end. */
const receivers: WebhookReceiver[] = [];
const learners: Record<string, unknown>[] = [];
const journeyIds: string[] = [];
const typedTexts: string[] = [];
/** Subscriptions of the running test, deleted after it so that nothing more goes to its receivers. */
let subscriptions: { org: Org; id: string }[] = [];

beforeAll(async () => {
  stack = await startStack();
}, 60_000);
afterEach(async () => {
  for (const s of subscriptions) await stack.request('DELETE', `/v1/webhooks/${s.id}`, s.org.key);
  subscriptions = [];
});
afterAll(async () => {
  await stack?.stop();
  await Promise.all(receivers.map((r) => r.stop()));
});

async function receiver(): Promise<WebhookReceiver> {
  const r = await new WebhookReceiver().start();
  receivers.push(r);
  return r;
}

async function subscribe(org: Org, r: WebhookReceiver, events?: string[]) {
  const res = await stack.request('POST', '/v1/webhooks', org.key, {
    url: r.url,
    ...(events ? { events } : {}),
  });
  if (res.status !== 201) throw new Error(`subscribing failed: ${res.status} ${res.text}`);
  subscriptions.push({ org, id: res.body.id });
  return res.body as { id: string; url: string; events: string[]; secret: string };
}

async function refer(extra: Record<string, unknown> = {}, agency?: Org): Promise<HttpResult['body']> {
  const learner = stack.learner();
  learners.push(learner);
  const j = await stack.refer({ learner, ...extra }, agency);
  journeyIds.push(j.id);
  return j;
}

async function deliveries(org: Org, subscriptionId: string, query = ''): Promise<HttpResult['body'][]> {
  const res = await stack.request('GET', `/v1/webhooks/${subscriptionId}/deliveries${query}`, org.key);
  if (res.status !== 200) throw new Error(`reading deliveries failed: ${res.status} ${res.text}`);
  return res.body.items;
}

/** Waits until the journey is at rest and every delivery of it to this subscription is settled. */
async function settled(org: Org, subscriptionId: string, journeyId: string): Promise<HttpResult['body'][]> {
  await stack.atRest(journeyId);
  return waitFor(`deliveries of ${journeyId} settled`, async () => {
    const items = await deliveries(org, subscriptionId, `?journeyId=${journeyId}`);
    return items.length > 0 && items.every((d) => d.status !== 'pending') && items;
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a subscription shows its secret once, and every delivery is signed with it, Stripe-style', async () => {
  const r = await receiver();
  const sub = await subscribe(stack.orgs.agency, r);
  expect(sub.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
  expect(sub.events).toEqual(['*']);
  const list = await stack.request('GET', '/v1/webhooks', stack.orgs.agency.key);
  expect(list.body.items.map((s: { id: string }) => s.id)).toContain(sub.id);
  expect(list.text).not.toContain(sub.secret);
  expect(list.text).not.toContain('secret');

  const j = await refer();
  const [hook] = await waitFor('the referral delivered', async () => r.of(j.id).length > 0 && r.of(j.id));
  const h = hook as ReceivedHook;
  expect(h.event).toMatchObject({ type: 'journey.refer', journeyId: j.id, seq: 1, id: h.eventId });
  expect(Object.keys(h.event)).toEqual(['id', 'type', 'createdAt', 'journeyId', 'seq', 'data']);
  expect(h.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
  const t = Number(/t=(\d+)/.exec(h.signature)?.[1]);
  expect(Math.abs(Date.now() / 1000 - t)).toBeLessThan(60);
  // The receiver's check: the secret verifies it; another secret, another body or an old stamp do not.
  expect(verifySignature(sub.secret, h.body, h.signature)).toBe(true);
  expect(verifySignature(`${sub.secret}x`, h.body, h.signature)).toBe(false);
  expect(verifySignature(sub.secret, h.body.replace('"seq":1', '"seq":2'), h.signature)).toBe(false);
  expect(verifySignature(sub.secret, h.body, h.signature, 300, new Date(Date.now() + 3600_000))).toBe(false);
  expect(await stack.db.auditEntry.count({ where: { action: 'webhook.create', targetId: sub.id } })).toBe(1);
});

test('a receiver that answers 500 twice then 200 gets the event three times with the same id, and nothing after', async () => {
  const r = await receiver();
  r.answerWith((_hook, earlier) => (earlier.length < 2 ? 500 : 200));
  const sub = await subscribe(stack.orgs.agency, r, ['journey.refer']);
  const j = await refer();
  const [delivery] = await settled(stack.orgs.agency, sub.id, j.id);
  // Longer than the retry delays of the tests (100 ms doubling to 1 s): a fourth send would be here.
  await sleep(2500);
  const hooks = r.of(j.id);
  expect(hooks.map((h) => h.answered)).toEqual([500, 500, 200]);
  expect(new Set(hooks.map((h) => h.eventId)).size).toBe(1);
  expect(new Set(hooks.map((h) => h.body)).size).toBe(1);
  expect(delivery).toMatchObject({
    status: 'delivered',
    attempts: 3,
    lastStatusCode: 200,
    nextAttemptAt: null,
    event: { id: hooks[0]?.eventId, type: 'journey.refer', seq: 1 },
  });
  expect(delivery?.attemptLog.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 500, 200]);
});

test('a journal write retried after its commit (its worker died before reporting it) adds no event, and a delivery it adds carries the event’s id', async () => {
  const r = await receiver();
  const sub = await subscribe(stack.orgs.agency, r, ['journey.refer']);
  const j = await refer();
  const [delivery] = await settled(stack.orgs.agency, sub.id, j.id);
  // A subscription dated before the event that the first write could not see
  // (committed while it ran): the retry owes it a delivery, under the same event id.
  const late = await stack.db.webhookSubscription.create({
    data: {
      organizationId: stack.orgs.agency.id,
      url: r.url,
      events: ['journey.refer'],
      secret: 'whsec_test',
      createdAt: new Date(Date.parse(delivery?.event.createdAt) - 1000),
    },
  });
  subscriptions.push({ org: stack.orgs.agency, id: late.id });
  // The activity's input as the workflow scheduled it, run again as Temporal retries it.
  const [input] = await recordedEvents(stack.client, j.id);
  const woken: WebhookStream[] = [];
  const journal = createJournal(stack.db, {
    giveUpAfter: 'P3D',
    wake: async (streams) => {
      woken.push(...streams);
      await wakeWebhookDeliveries(stack.client, stack.taskQueue, streams);
    },
  });
  await journal.recordEvent(input as RecordEventInput);
  const timeline = await stack.db.timelineEntry.findMany({ where: { journeyId: j.id } });
  expect(timeline.map((t) => [t.seq, t.id])).toEqual([[1, delivery?.event.id]]);
  // Both streams are woken (the first may have missed its wake); the first finds nothing new to send.
  expect(new Set(woken.map((w) => `${w.subscriptionId} ${w.journeyId}`))).toEqual(
    new Set([`${sub.id} ${j.id}`, `${late.id} ${j.id}`]),
  );
  const after = await deliveries(stack.orgs.agency, sub.id, `?journeyId=${j.id}`);
  expect(after.map((d) => [d.id, d.event.id, d.status, d.attempts])).toEqual([
    [delivery?.id, delivery?.event.id, 'delivered', 1],
  ]);
  const [owed] = await settled(stack.orgs.agency, late.id, j.id);
  expect(owed).toMatchObject({ status: 'delivered', event: { id: delivery?.event.id, seq: 1 } });
  // The endpoint got the event once for each subscription, under one id.
  expect(r.of(j.id).map((h) => h.eventId)).toEqual([delivery?.event.id, delivery?.event.id]);
});

test("one journey's events reach an endpoint in seq order under concurrent actions, retries included", async () => {
  const r = await receiver();
  // Slow, and failing the first attempt of every third event: retries happen in the middle.
  r.answerWith(async (hook, earlier) => {
    await sleep(Math.floor(Math.random() * 20));
    return hook.event.seq % 3 === 0 && earlier.length === 0 ? 500 : 200;
  });
  const sub = await subscribe(stack.orgs.fabrique, r);
  const { fabrique } = stack.orgs;
  const journeys = await Promise.all([refer(), refer(), refer()]);
  await Promise.all(
    journeys.map(async (j) => {
      await stack.must(j.id, 'admit', fabrique.key, { startDate: today(), durationMonths: 6 });
      await stack.must(j.id, 'confirm-start', fabrique.key, { startDate: today() });
    }),
  );
  // Six extensions at once on each journey: those the workflow takes get seqs in the order it took them.
  const answers = await Promise.all(
    journeys.flatMap((j) =>
      Array.from({ length: 6 }, (_, i) => {
        const reason = `Rattrapage après absence ${i}`;
        typedTexts.push(reason);
        return stack.act(j.id, 'extend', fabrique.key, { plannedEndDate: today(200 + i * 10), reason });
      }),
    ),
  );
  expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(journeys.length);
  for (const j of journeys) {
    const log = await settled(fabrique, sub.id, j.id);
    const timeline = (await stack.journey(j.id)).timeline as { seq: number; action: string }[];
    // Every event, once delivered, and every request (retries too) in seq order.
    expect(log.every((d) => d.status === 'delivered')).toBe(true);
    const sent = r.of(j.id).map((h) => h.event.seq);
    expect(sent).toEqual([...sent].sort((a, b) => a - b));
    expect([...new Set(sent)]).toEqual(timeline.map((t) => t.seq));
    expect(
      r
        .of(j.id)
        .filter((h) => h.answered === 200)
        .map((h) => h.event.type),
    ).toEqual(timeline.map((t) => `journey.${t.action}`));
  }
  expect(r.received.some((h) => h.answered === 500)).toBe(true);
});

test("no organisation receives an event of a journey it may not see, a transfer's old fabrique included", async () => {
  const { orgs } = stack;
  const [agency, fabrique, fabrique2, manager] = await Promise.all([
    receiver(),
    receiver(),
    receiver(),
    receiver(),
  ]);
  const subs = {
    agency: await subscribe(orgs.agency, agency),
    fabrique: await subscribe(orgs.fabrique, fabrique),
    fabrique2: await subscribe(orgs.fabrique2, fabrique2),
    manager: await subscribe(orgs.manager, manager),
  };
  // Another agency's referral to another fabrique.
  const foreign = await refer({ fabriqueId: orgs.fabrique2.id }, orgs.agency2);
  // Ours, reviewed, then transferred to fabrique2, which reviews it.
  const j = await refer();
  await stack.must(j.id, 'take-in-review', orgs.fabrique.key);
  const reason = 'Plus près du domicile';
  typedTexts.push(reason);
  await stack.must(j.id, 'transfer', orgs.manager.key, { toFabriqueId: orgs.fabrique2.id, reason });
  await stack.must(j.id, 'take-in-review', orgs.fabrique2.key);
  await settled(orgs.manager, subs.manager.id, j.id);
  await settled(orgs.manager, subs.manager.id, foreign.id);
  await settled(orgs.fabrique2, subs.fabrique2.id, j.id);
  await sleep(1500);
  const seen = (r: WebhookReceiver) =>
    r.received
      .filter((h) => h.answered === 200 && [j.id, foreign.id].includes(h.event.journeyId))
      .map((h) => `${h.event.journeyId === j.id ? 'ours' : 'foreign'} ${h.event.type}`);
  expect(seen(agency)).toEqual([
    'ours journey.refer',
    'ours journey.take-in-review',
    'ours journey.transfer',
    'ours journey.take-in-review',
  ]);
  expect(seen(fabrique)).toEqual(['ours journey.refer', 'ours journey.take-in-review']);
  expect(seen(fabrique2)).toEqual([
    'foreign journey.refer',
    'ours journey.transfer',
    'ours journey.take-in-review',
  ]);
  expect(seen(manager).sort()).toEqual(
    [
      'foreign journey.refer',
      'ours journey.refer',
      'ours journey.take-in-review',
      'ours journey.transfer',
      'ours journey.take-in-review',
    ].sort(),
  );
  // Nor can one organisation read another's subscription or its log.
  const other = await stack.request('GET', `/v1/webhooks/${subs.fabrique2.id}/deliveries`, orgs.fabrique.key);
  expect(other.status).toBe(404);
  expect((await stack.request('DELETE', `/v1/webhooks/${subs.fabrique2.id}`, orgs.fabrique.key)).status).toBe(
    404,
  );
});

test('the delivery log of a journey from referral to admission, with one failed attempt, and a replay', async () => {
  const { orgs } = stack;
  const r = await receiver();
  // The endpoint is down for the review's first attempt only.
  r.answerWith((hook, earlier) =>
    hook.event.type === 'journey.take-in-review' && earlier.length === 0 ? 503 : 200,
  );
  const sub = await subscribe(orgs.agency, r);
  const j = await refer();
  await stack.must(j.id, 'take-in-review', orgs.fabrique.key, { interviewAt: `${today(3)}T10:00:00Z` });
  await stack.must(j.id, 'admit', orgs.fabrique.key, { startDate: today(14), durationMonths: 6 });
  const log = await settled(orgs.agency, sub.id, j.id);
  console.log(
    `webhook delivery log, referral to admission:\n${JSON.stringify(log.slice().reverse(), null, 1)}`,
  );
  expect(log.map((d) => [d.event.seq, d.event.type, d.status, d.attempts])).toEqual([
    [3, 'journey.admit', 'delivered', 1],
    [2, 'journey.take-in-review', 'delivered', 2],
    [1, 'journey.refer', 'delivered', 1],
  ]);
  const review = log[1]!;
  expect(review.attemptLog.map((a: { statusCode: number }) => a.statusCode)).toEqual([503, 200]);
  expect(r.of(j.id).find((h) => h.event.type === 'journey.admit')?.event.data).toEqual({
    fromStatus: 'in_review',
    toStatus: 'admitted',
    agencyId: orgs.agency.id,
    fabriqueId: orgs.fabrique.id,
    startDate: today(14),
    durationMonths: 6,
    plannedEndDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
  });

  // A replay sends the same event again, with the same id, and the log counts it.
  const admit = log[0]!;
  const replay = await stack.request(
    'POST',
    `/v1/webhooks/${sub.id}/deliveries/${admit.id}/replay`,
    orgs.agency.key,
  );
  expect(replay.status).toBe(202);
  await waitFor('the replay delivered', async () => {
    const [d] = await deliveries(orgs.agency, sub.id, `?journeyId=${j.id}`);
    return d?.status === 'delivered' && d.replays === 1 && d;
  });
  const admits = r.of(j.id).filter((h) => h.event.type === 'journey.admit');
  expect(admits.map((h) => h.eventId)).toEqual([admit.event.id, admit.event.id]);
  expect(admits[0]?.body).toBe(admits[1]?.body);
  expect(await stack.db.auditEntry.count({ where: { action: 'webhook.replay', targetId: sub.id } })).toBe(1);
  // Another organisation's delivery is unknown to the caller.
  const foreign = await stack.request(
    'POST',
    `/v1/webhooks/${sub.id}/deliveries/${admit.id}/replay`,
    orgs.fabrique.key,
  );
  expect(foreign.status).toBe(404);
});

test('a delivery still being sent is not replayed (409), and a deleted subscription sends nothing more', async () => {
  const { orgs } = stack;
  const r = await receiver();
  let release: (status: number) => void = () => undefined;
  r.answerWith(() => new Promise<number>((resolve) => (release = resolve)));
  const sub = await subscribe(orgs.agency, r);
  const j = await refer();
  await waitFor('the referral being sent', async () => r.of(j.id).length > 0);
  const pending = (await deliveries(orgs.agency, sub.id, `?journeyId=${j.id}`))[0]!;
  expect(pending.status).toBe('pending');
  const early = await stack.request(
    'POST',
    `/v1/webhooks/${sub.id}/deliveries/${pending.id}/replay`,
    orgs.agency.key,
  );
  expect(early.status).toBe(409);
  expect(early.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  release(200);
  await settled(orgs.agency, sub.id, j.id);

  r.answerWith(() => 200);
  expect((await stack.request('DELETE', `/v1/webhooks/${sub.id}`, orgs.agency.key)).status).toBe(204);
  subscriptions = subscriptions.filter((s) => s.id !== sub.id);
  await stack.must(j.id, 'take-in-review', orgs.fabrique.key);
  await stack.atRest(j.id);
  await sleep(1000);
  expect(r.of(j.id).map((h) => h.event.type)).toEqual(['journey.refer']);
  expect((await stack.request('GET', `/v1/webhooks/${sub.id}/deliveries`, orgs.agency.key)).status).toBe(404);
  expect(await stack.db.auditEntry.count({ where: { action: 'webhook.delete', targetId: sub.id } })).toBe(1);
});

test('bad subscriptions are refused with the failing field and change nothing; the admin key holds none', async () => {
  const before = await stack.db.webhookSubscription.count({
    where: { organizationId: stack.orgs.agency.id },
  });
  const { agency } = stack.orgs;
  for (const body of [
    {},
    { url: 'ftp://example.org/hooks' },
    { url: 'not a url' },
    { url: 'https://user:pass@example.org/hooks' },
    { url: 'https://example.org/hooks', events: ['journey.nothing'] },
    { url: 'https://example.org/hooks', events: [] },
    { url: 'https://example.org/hooks', secret: 'mine' },
  ]) {
    const res = await stack.request('POST', '/v1/webhooks', agency.key, body);
    expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), 422]);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  }
  const admin = await stack.request('POST', '/v1/webhooks', stack.adminKey, {
    url: 'https://example.org/hooks',
  });
  expect(admin.status).toBe(403);
  expect(await stack.db.webhookSubscription.count({ where: { organizationId: stack.orgs.agency.id } })).toBe(
    before,
  );
});

describe('under NODE_ENV=production', () => {
  const production = loadConfig({ NODE_ENV: 'production' }).webhooks.rules;
  let server: Server;
  let app: ReturnType<typeof createApp>;
  let baseUrl = '';

  beforeAll(async () => {
    // The same API, configured as NODE_ENV=production configures it.
    app = createApp({
      db: stack.db,
      temporal: stack.client,
      taskQueue: stack.taskQueue,
      policy: stack.policy,
      publicBaseUrl: 'https://parcours.test',
      adminApiKey: stack.adminKey,
      webhookRules: production,
    });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await closeApp(app);
  });

  test('a URL to a private, loopback or link-local address, or not https, is refused', async () => {
    expect(production).toEqual({ publicOnly: true });
    const before = await stack.db.webhookSubscription.count({
      where: { organizationId: stack.orgs.agency.id },
    });
    for (const url of [
      'https://127.0.0.1/hooks',
      'https://10.1.2.3/hooks',
      'https://192.168.1.10/hooks',
      'https://172.16.0.5/hooks',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/hooks',
      'https://[::ffff:127.0.0.1]/hooks',
      'https://[fd00::1]/hooks',
      'https://0x7f.1/hooks',
      'https://localhost/hooks',
      'http://93.184.215.14/hooks',
    ]) {
      const res = await fetch(`${baseUrl}/v1/webhooks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.orgs.agency.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ url }),
      });
      const body = (await res.json()) as { errors?: { field: string }[] };
      expect([url, res.status, body.errors?.[0]?.field]).toEqual([url, 422, 'url']);
    }
    expect(
      await stack.db.webhookSubscription.count({ where: { organizationId: stack.orgs.agency.id } }),
    ).toBe(before);
  });

  test('at delivery, a name that resolves to loopback is refused after resolution, before any connection', async () => {
    const r = await receiver();
    const outcome = await postEvent({
      url: `https://localhost:${r.port}/hooks`,
      body: '{}',
      headers: {},
      rules: production,
    });
    expect(outcome).toMatchObject({ statusCode: null, error: 'EPRIVATEADDRESS' });
    // Outside production the same endpoint is reached (over http, on loopback).
    const dev = await postEvent({
      url: `http://localhost:${r.port}/hooks`,
      body: '{"id":"x"}',
      headers: {},
      rules: { publicOnly: false },
    });
    expect(dev.statusCode).toBe(200);
    expect(r.received).toHaveLength(1);
  });
});

test('no payload, and no webhook workflow history, holds personal data or typed text', async () => {
  const hooks = receivers.flatMap((r) => r.received).filter((h) => h.event.type);
  expect(hooks.length).toBeGreaterThan(20);
  const personal = learners.flatMap((l) =>
    ['firstName', 'lastName', 'email', 'phone', 'birthDate', 'postalCode'].map((k) => String(l[k])),
  );
  const forbidden = [...personal, ...typedTexts];
  for (const h of hooks) {
    expect(valuesFound(h.body, forbidden)).toEqual([]);
    // Ids, statuses, codes, dates, numbers and booleans: no free text at all.
    for (const [key, value] of Object.entries(h.event.data)) {
      if (typeof value === 'string')
        expect([key, value]).toEqual([key, expect.stringMatching(/^[A-Za-z0-9_:.+-]+$/)]);
      else expect(['number', 'boolean', 'object']).toContain(typeof value);
    }
  }
  const streams = await stack.db.webhookDelivery.findMany({
    where: { journeyId: { in: journeyIds } },
    distinct: ['subscriptionId', 'journeyId'],
    select: { subscriptionId: true, journeyId: true },
  });
  expect(streams.length).toBeGreaterThan(5);
  for (const s of streams) {
    const history = await stack.client.workflow
      .getHandle(webhookWorkflowIdFor(s.subscriptionId, s.journeyId))
      .fetchHistory();
    expect(valuesFound(historyText(history), forbidden)).toEqual([]);
  }
});
