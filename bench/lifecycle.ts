// The lifecycle part of the benchmark (bench/topology.ts): `n` journeys from
// referral to closed on the short policy, 16 at once (each its referral and
// its four actions in turn), until every one is closed with its emails sent;
// and `n` raw workflows of the same shape doing the same work, until every
// one has completed. Wall time of each, and their ratio.
//
// The two take turns in rounds of `roundSize` (Parcours' round, then raw's),
// so a machine that speeds up or slows down over the hours of a full run
// weighs on both alike, and the figures of every round done are kept
// (`progress`) should the run be stopped before the end.
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

interface ParcoursRound {
  wallMs: number;
  drivenMs: number;
  closed: number;
  emailsSent: number;
  retries: number;
}

interface RawRound {
  wallMs: number;
  drivenMs: number;
  completed: number;
}

/** `m` journeys from referral to closed, every email sent. */
async function parcoursRound(b: TopologyBench, emailsPerJourney: number, m: number): Promise<ParcoursRound> {
  const { db } = b.stack;
  const closedBefore = await db.journey.count({ where: { status: 'closed' } });
  const sentBefore = await db.notification.count({ where: { status: 'sent' } });
  // Time enough for the driving at a few journeys a second, and the last timers.
  const timeoutMs = 120_000 + m * 2_000;
  const retriesBefore = b.retries;
  const t0 = performance.now();
  const ids: string[] = [];
  await timed(m, 16, async () => {
    const id = await b.refer();
    ids.push(id);
    for (let step = 0; step < ACTIONS.length; step++) await b.act(id, step);
  });
  const drivenMs = performance.now() - t0;
  await until(
    'every journey closed',
    async () => (await db.journey.count({ where: { status: 'closed' } })) - closedBefore >= m,
    timeoutMs,
  );
  const expected = sentBefore + m * emailsPerJourney;
  await until(
    'every email sent',
    async () => (await db.notification.count({ where: { status: 'sent' } })) >= expected,
    60_000,
  );
  const wallMs = performance.now() - t0;
  return {
    wallMs,
    drivenMs,
    closed: await db.journey.count({ where: { id: { in: ids }, status: 'closed' } }),
    emailsSent: await db.notification.count({ where: { journeyId: { in: ids }, status: 'sent' } }),
    retries: b.retries - retriesBefore,
  };
}

/** `m` raw workflows of the journey's shape, until each has completed. */
async function rawRound(b: TopologyBench, shape: RawShape, m: number): Promise<RawRound> {
  const t0 = performance.now();
  const ids: string[] = [];
  await timed(m, 16, async () => {
    const id = await b.rawStart(shape);
    ids.push(id);
    for (let step = 0; step < shape.updates.length; step++) await b.rawAct(id, step);
  });
  const drivenMs = performance.now() - t0;
  let completed = 0;
  await timed(m, 64, async (i) => {
    await b.rawHandle(ids[i] as string).result();
    completed++;
  });
  return { wallMs: performance.now() - t0, drivenMs, completed };
}

const ms = (x: number) => Math.round(x);
const ratioOf = (a: number, b: number) => Math.round((a / b) * 100) / 100;

export async function measureLifecycle(
  b: TopologyBench,
  shape: RawShape,
  emailsPerJourney: number,
  n: number,
  roundSize: number,
  log: (m: string) => void,
  progress: (result: Record<string, unknown>) => void,
): Promise<Record<string, unknown>> {
  const parcours: ParcoursRound = { wallMs: 0, drivenMs: 0, closed: 0, emailsSent: 0, retries: 0 };
  const raw: RawRound = { wallMs: 0, drivenMs: 0, completed: 0 };
  const rounds: {
    journeys: number;
    parcoursMs: number;
    rawMs: number;
    ratio: number;
    /** CPU time (ms) per journey / per raw workflow of each process, in this round: where the time went. */
    cpuMsPerJourney: Record<string, number>;
    cpuMsPerRaw: Record<string, number>;
    /** Resident size (MB) at the round's end: the journey workers', the Temporal server's. */
    workerMb: number;
    serverMb: number;
  }[] = [];
  const cpuPer = (a: Record<string, number>, z: Record<string, number>, m: number) =>
    Object.fromEntries(
      Object.keys(z)
        .map((k) => [k, Math.round((((z[k] ?? 0) - (a[k] ?? 0)) / m) * 10) / 10] as const)
        .filter(([, x]) => x !== 0),
    );
  let result: Record<string, unknown> = {};
  log(
    `lifecycle: ${n} journeys, referral to closed, 16 at once, against as many raw workflows, in rounds of ${roundSize}…`,
  );
  for (let done = 0; done < n;) {
    const m = Math.min(roundSize, n - done);
    const cpu0 = b.cpuMs();
    const p = await parcoursRound(b, emailsPerJourney, m);
    const cpu1 = b.cpuMs();
    const r = await rawRound(b, shape, m);
    const cpu2 = b.cpuMs();
    done += m;
    for (const k of Object.keys(parcours) as (keyof ParcoursRound)[]) parcours[k] += p[k];
    for (const k of Object.keys(raw) as (keyof RawRound)[]) raw[k] += r[k];
    rounds.push({
      journeys: m,
      parcoursMs: ms(p.wallMs),
      rawMs: ms(r.wallMs),
      ratio: ratioOf(p.wallMs, r.wallMs),
      cpuMsPerJourney: cpuPer(cpu0, cpu1, m),
      cpuMsPerRaw: cpuPer(cpu1, cpu2, m),
      workerMb: b.workerMb(),
      serverMb: b.serverMb(),
    });
    result = {
      journeys: done,
      of: n,
      parcours: { ...parcours, wallMs: ms(parcours.wallMs), drivenMs: ms(parcours.drivenMs) },
      emailsExpected: done * emailsPerJourney,
      raw: { ...raw, wallMs: ms(raw.wallMs), drivenMs: ms(raw.drivenMs) },
      ratio: ratioOf(parcours.wallMs, raw.wallMs),
      rounds,
    };
    log(
      `lifecycle: ${done}/${n}: this round ${ms(p.wallMs / 1000)} s / raw ${ms(r.wallMs / 1000)} s = ${ratioOf(p.wallMs, r.wallMs)}; ` +
        `so far ${ms(parcours.wallMs / 1000)} s / ${ms(raw.wallMs / 1000)} s = ${ratioOf(parcours.wallMs, raw.wallMs)}, ` +
        `${parcours.closed} closed, ${parcours.emailsSent} emails, ${raw.completed} raw completed; ` +
        `CPU ms per journey ${JSON.stringify(rounds.at(-1)?.cpuMsPerJourney)}, per raw ${JSON.stringify(rounds.at(-1)?.cpuMsPerRaw)}; ` +
        `worker ${b.workerMb()} MB, server ${b.serverMb()} MB`,
    );
    progress(result);
  }
  return result;
}
