// The production topology measured against raw Temporal, on one server kind
// (argv[2]: dev or postgresql), run by `npm run bench` (scripts/bench.mjs):
// - ratios: referral (POST /v1/journeys vs a raw workflow start) and action
//   (POST take-in-review vs a raw Update) throughput 16 at once, and action
//   latency percentiles at 4 and 16 at once, for both;
// - lifecycle: journeys from referral to closed on a short policy, against
//   raw workflows of the same shape doing the same work;
// - asleep: journeys waiting on their timers: memory, storage, list and
//   detail p95 at that size.
// Results are appended to the file given as argv[3] (JSON lines).
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchConfig, type BenchServer } from '../config/bench.mjs';
import { eventCounts, historyBytes, historyJson, shapeOf, type RawShape } from './raw/shape';
import { quantile, timed } from './timing';
import { ACTIONS, profilesDir, TopologyBench, type Counts } from './topology-stack';
import { measureLifecycle } from './lifecycle';
import { workflowIdFor } from '../workflows/messages';

const server = process.argv[2] as BenchServer;
const out = process.argv[3] as string;
const config = benchConfig();
const log = (m: string) => console.log(`[bench ${server}] ${m}`);
const result: Record<string, unknown> = {
  server,
  workers: config.workers,
  sizes: { journeys: config.journeys, lifecycle: config.lifecycleJourneys, asleep: config.asleepJourneys },
};

export interface Rate {
  runs: number;
  /** Requests per second, counted until the work behind them was done (ratios) or until the last answer. */
  perSecond: number;
  /** Requests per second counted until the last answer (ratios), the work behind some of them still to do. */
  answeredPerSecond?: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Parcours requests answered 503 (the outcome not known within 20 s) and sent again. */
  retries?: number;
}

/**
 * Runs `fn` `runs` times, `concurrency` at once. With `settle`, the rate is
 * counted until it returns (the work behind the answers is done too), and
 * the rate of answers alone is kept beside it.
 */
export async function rate(
  runs: number,
  concurrency: number,
  fn: (i: number) => Promise<void>,
  settle?: () => Promise<void>,
): Promise<Rate> {
  const t0 = performance.now();
  const { durations, wallMs } = await timed(runs, concurrency, fn);
  const perSecond = (ms: number) => Math.round((runs / ms) * 10000) / 10;
  const r = (q: number) => Math.round(quantile(durations, q) * 10) / 10;
  const answered = perSecond(wallMs);
  if (settle) await settle();
  return {
    runs,
    perSecond: settle ? perSecond(performance.now() - t0) : answered,
    ...(settle ? { answeredPerSecond: answered } : {}),
    p50Ms: r(0.5),
    p95Ms: r(0.95),
    p99Ms: r(0.99),
  };
}

/** The measure, with the requests it sent again. */
async function counted(b: TopologyBench, measure: Promise<Rate>): Promise<Rate> {
  const before = b.retries;
  const r = await measure;
  return { ...r, retries: b.retries - before };
}

const ratio = (a: Rate, b: Rate) => Math.round((a.perSecond / b.perSecond) * 100) / 100;

/** One journey from referral to closed, and one raw workflow after its shape: the shape, and both histories' counts. */
async function calibrate(b: TopologyBench): Promise<{ shape: RawShape; emails: number }> {
  // Each step at rest before the next: otherwise the referral's emails, still
  // to be scheduled when the first action comes, would count as that action's.
  const id = await b.refer();
  await b.settle();
  for (let step = 0; step < ACTIONS.length; step++) {
    await b.act(id, step);
    await b.settle();
  }
  const deadline = Date.now() + 60_000;
  while ((await b.stack.db.journey.findUnique({ where: { id } }))?.status !== 'closed') {
    if (Date.now() > deadline) throw new Error('the calibration journey did not close within 60 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  const history = await b.stack.client.workflow.getHandle(`journey-${id}`).fetchHistory();
  const shape = shapeOf(history.events ?? []);
  const rawId = await b.rawStart(shape);
  // Resting after each step too, as the journey did: driven without pause, its Updates and activities would share workflow tasks.
  await b.settleWorkflows([rawId]);
  for (let step = 0; step < shape.updates.length; step++) {
    await b.rawAct(rawId, step);
    await b.settleWorkflows([rawId]);
  }
  await b.rawHandle(rawId).result();
  const rawHistory = await b.rawHandle(rawId).fetchHistory();
  const emails = await b.stack.db.notification.count({ where: { journeyId: id, status: 'sent' } });
  // Both histories as Temporal holds them (the journey's payloads encrypted), to compare event by event.
  const historiesDir = path.join(profilesDir(), '..', 'histories');
  mkdirSync(historiesDir, { recursive: true });
  for (const [name, h] of [
    ['journey', history],
    ['raw', rawHistory],
  ] as const) {
    writeFileSync(path.join(historiesDir, `${server}-${name}.json`), historyJson(h));
  }
  result.shape = {
    journey: eventCounts(history.events ?? []),
    raw: eventCounts(rawHistory.events ?? []),
    historyBytes: { journey: historyBytes(history.events ?? []), raw: historyBytes(rawHistory.events ?? []) },
    emailsPerJourney: emails,
    shape,
  };
  log(`one journey's history: ${JSON.stringify((result.shape as { journey: unknown }).journey)}`);
  log(`the raw workflow's:    ${JSON.stringify((result.shape as { raw: unknown }).raw)}`);
  log(
    `history bytes, journey / raw: ${JSON.stringify((result.shape as { historyBytes: unknown }).historyBytes)}`,
  );
  return { shape, emails };
}

async function ratios(b: TopologyBench, shape: RawShape): Promise<void> {
  const n = config.journeys;
  // Warm-up: connections, JIT, caches.
  for (let i = 0; i < 5; i++) await b.rawAct(await b.rawStart(shape), 0);
  for (let i = 0; i < 5; i++) await b.act(await b.refer(), 0);

  const ids: string[] = [];
  const rawIds: string[] = [];
  // Each rate is counted until the work behind its requests is done (the
  // journeys' or raw workflows' activities and workflow tasks): a raw start
  // is answered long before its workflow has run, a referral's row is written
  // before it is answered. The next measure starts from there.
  const journeys = (from: number, to: number) => ids.slice(from, to).map(workflowIdFor);
  const done = (workflowIds: () => string[]) => () => b.settleWorkflows(workflowIds());
  // Parcours' own emails and timeline too (this waits half a second at least, so raw's measures skip it).
  const journeysDone = (workflowIds: () => string[]) => async () => {
    await b.settleWorkflows(workflowIds());
    await b.settle();
  };
  await journeysDone(() => [])();
  const before = await b.counts();
  const referral = await counted(
    b,
    rate(
      2 * n,
      16,
      async () => void ids.push(await b.refer()),
      journeysDone(() => journeys(0, 2 * n)),
    ),
  );
  const afterReferrals = await b.counts();
  const rawReferral = await rate(
    2 * n,
    16,
    async () => void rawIds.push(await b.rawStart(shape)),
    done(() => rawIds),
  );
  const afterRawStarts = await b.counts();
  const action16 = await counted(
    b,
    rate(
      n,
      16,
      (i) => b.act(ids[i] as string, 0),
      journeysDone(() => journeys(0, n)),
    ),
  );
  const afterActions = await b.counts();
  const rawAction16 = await rate(
    n,
    16,
    (i) => b.rawAct(rawIds[i] as string, 0),
    done(() => rawIds.slice(0, n)),
  );
  const afterRawActions = await b.counts();
  const action4 = await counted(
    b,
    rate(
      n,
      4,
      (i) => b.act(ids[n + i] as string, 0),
      journeysDone(() => journeys(n, 2 * n)),
    ),
  );
  const rawAction4 = await rate(
    n,
    4,
    (i) => b.rawAct(rawIds[n + i] as string, 0),
    done(() => rawIds.slice(n, 2 * n)),
  );
  const per = (a: Record<string, number>, z: Record<string, number>, runs: number) =>
    Object.fromEntries(
      Object.keys(z)
        .map((k) => [k, Math.round((((z[k] ?? 0) - (a[k] ?? 0)) / runs) * 10) / 10] as const)
        .filter(([, n]) => n !== 0),
    );
  const step = (a: Counts, z: Counts, runs: number) => ({
    transactions: per(a.commits, z.commits, runs),
    rowsWritten: per(a.rows, z.rows, runs),
    cpuMs: per(a.cpuMs, z.cpuMs, runs),
  });
  result.ratios = {
    journeys: n,
    referral: { parcours: referral, raw: rawReferral, ratio: ratio(referral, rawReferral) },
    action16: { parcours: action16, raw: rawAction16, ratio: ratio(action16, rawAction16) },
    action4: { parcours: action4, raw: rawAction4, ratio: ratio(action4, rawAction4) },
    // Transactions in each database, rows written in each table (Temporal's
    // own only on PostgreSQL) and CPU time of each process, per referral or
    // action, the work behind it done.
    per: {
      referral: step(before, afterReferrals, 2 * n),
      rawStart: step(afterReferrals, afterRawStarts, 2 * n),
      action: step(afterRawStarts, afterActions, n),
      rawUpdate: step(afterActions, afterRawActions, n),
    },
  };
  log(`ratios: ${JSON.stringify(result.ratios)}`);
}

async function asleep(b: TopologyBench): Promise<void> {
  const m = config.asleepJourneys;
  const memoryBefore = { workerMb: b.workerMb(), serverMb: b.serverMb() };
  const ids: string[] = [];
  log(`referring ${m} journeys, ${config.seedConcurrency} at once…`);
  const t0 = performance.now();
  const step = Math.max(1000, Math.round(m / 20));
  await rate(m, config.seedConcurrency, async () => {
    ids.push(await b.refer());
    // A long seed shows how it goes, and how memory grows with it.
    if (ids.length % step === 0) {
      const seconds = (performance.now() - t0) / 1000;
      log(
        `${ids.length}/${m} referred in ${Math.round(seconds)} s (${Math.round(ids.length / seconds)}/s); ` +
          `worker ${b.workerMb()} MB, server ${b.serverMb()} MB`,
      );
    }
  });
  const seedMs = performance.now() - t0;
  await b.settle();
  const journeys = await b.stack.db.journey.count();
  const list = await rate(100, 4, () => b.get('/v1/journeys?limit=50'));
  const detail = await rate(200, 4, (i) => b.get(`/v1/journeys/${ids[(i * 7919) % ids.length]}`));
  result.asleep = {
    referred: m,
    seedPerSecond: Math.round((m / seedMs) * 10000) / 10,
    journeysInReadModel: journeys,
    memoryBefore,
    workerMb: b.workerMb(),
    serverMb: b.serverMb(),
    storageMb: await b.storageMb(),
    listP95Ms: list.p95Ms,
    detailP95Ms: detail.p95Ms,
  };
  log(`asleep: ${JSON.stringify(result.asleep)}`);
}

async function main(): Promise<void> {
  const profile = config.cpuProfile ? `${profilesDir()}/${server}` : undefined;
  if (profile) mkdirSync(profile, { recursive: true });
  const b = new TopologyBench(server, config.workers, profile);
  log(
    `starting the ${server} Temporal server, PostgreSQL, the API, ${config.workers} worker(s) of each kind…`,
  );
  // Stopped (Ctrl-C, a timeout): the stack's processes and its PostgreSQL go too.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void b.stop().finally(() => process.exit(1)));
  }
  const t0 = performance.now();
  await b.start();
  result.startMs = Math.round(performance.now() - t0);
  try {
    const { shape, emails } = await calibrate(b);
    // Each part's figures are kept as soon as they are known: a run stopped later keeps them.
    const keep = () => writeFileSync(`${out}.${server}.partial.json`, JSON.stringify(result, null, 2));
    keep();
    if (config.parts.includes('ratios')) await ratios(b, shape).then(keep);
    if (config.parts.includes('lifecycle')) {
      const progress = (lifecycle: Record<string, unknown>) => {
        result.lifecycle = lifecycle;
        keep();
      };
      const { lifecycleJourneys, lifecycleRound } = config;
      await measureLifecycle(b, shape, emails, lifecycleJourneys, lifecycleRound, log, progress);
    }
    if (config.parts.includes('asleep')) await asleep(b).then(keep);
  } finally {
    await b.stop();
  }
  appendFileSync(out, `${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  console.error(`[bench ${server}] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
