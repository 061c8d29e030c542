// The lifecycle part of the benchmark (bench/topology.ts): `n` journeys from
// referral to closed on the short policy, 16 at once (each its referral and
// its four actions in turn), until every one is closed with its emails sent;
// then `n` raw workflows of the same shape doing the same work, until every
// one has completed. Wall time of each, and their ratio.
import { performance } from 'node:perf_hooks';
import type { RawShape } from './raw/shape';
import { timed } from './timing';
import { ACTIONS, type TopologyBench } from './topology-stack';

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not done after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function measureLifecycle(
  b: TopologyBench,
  shape: RawShape,
  emailsPerJourney: number,
  n: number,
  log: (m: string) => void,
): Promise<Record<string, unknown>> {
  const { db } = b.stack;
  const closedBefore = await db.journey.count({ where: { status: 'closed' } });
  const sentBefore = await db.notification.count({ where: { status: 'sent' } });
  // Time enough for the driving at a few journeys a second, and the last timers.
  const timeoutMs = 120_000 + n * 2_000;

  log(`lifecycle: ${n} journeys, referral to closed, 16 at once…`);
  const retriesBefore = b.retries;
  const t0 = performance.now();
  const ids: string[] = [];
  await timed(n, 16, async () => {
    const id = await b.refer();
    ids.push(id);
    for (let step = 0; step < ACTIONS.length; step++) await b.act(id, step);
  });
  const drivenMs = performance.now() - t0;
  await until(
    'every journey closed',
    async () => (await db.journey.count({ where: { status: 'closed' } })) - closedBefore >= n,
    timeoutMs,
  );
  const expected = sentBefore + n * emailsPerJourney;
  await until(
    'every email sent',
    async () => (await db.notification.count({ where: { status: 'sent' } })) >= expected,
    60_000,
  );
  const parcoursMs = performance.now() - t0;
  const closed = await db.journey.count({ where: { id: { in: ids }, status: 'closed' } });
  const sent = await db.notification.count({ where: { journeyId: { in: ids }, status: 'sent' } });

  log(`lifecycle: ${n} raw workflows of the same shape…`);
  const r0 = performance.now();
  const rawIds: string[] = [];
  await timed(n, 16, async () => {
    const id = await b.rawStart(shape);
    rawIds.push(id);
    for (let step = 0; step < shape.updates.length; step++) await b.rawAct(id, step);
  });
  const rawDrivenMs = performance.now() - r0;
  let completed = 0;
  await timed(n, 64, async (i) => {
    await b.rawHandle(rawIds[i] as string).result();
    completed++;
  });
  const rawMs = performance.now() - r0;
  const result = {
    journeys: n,
    parcours: {
      wallMs: Math.round(parcoursMs),
      drivenMs: Math.round(drivenMs),
      closed,
      emailsSent: sent,
      retries: b.retries - retriesBefore,
    },
    emailsExpected: n * emailsPerJourney,
    raw: { wallMs: Math.round(rawMs), drivenMs: Math.round(rawDrivenMs), completed },
    ratio: Math.round((parcoursMs / rawMs) * 100) / 100,
  };
  log(`lifecycle: ${JSON.stringify(result)}`);
  return result;
}
