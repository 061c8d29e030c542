// The benchmark itself, run by `npm run bench` (scripts/bench.mjs), which
// provides a Temporal dev server of its own, a fresh database and the
// workflow bundle. Everything is real, and set up as the tests set it up
// (test/support/stack.ts): the worker, the API over HTTP, PostgreSQL, mail
// written as .eml files (the `npm start` default).
//
// The machine is shared and noisy, so each measure comes with a baseline
// taken in the same run, and the report gives ratios against it:
// - HTTP routes against GET /healthz (the HTTP stack and nothing else);
// - the indicators over 10,000 journeys against one page of the journey list
//   over the same rows;
// - the worker's memory per running journey, from heap deltas;
// - the web app's pages (bench/pages.ts) against GET /healthz, over the
//   same 10,000 journeys; the dashboard and the CSV export against one page
//   of the journey list, with their memory peaks.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startStack, type TestStack } from '../test/support/stack';
import { measurePages } from './pages';
import { pick, seedReadModel } from './seed';
import { memoryPeak, quantile, timed } from './timing';
import { DIPLOMA_LEVELS, GENDERS } from '../domain/codes';
import { DEFAULT_POLICY } from '../domain/policy';

const REFERRALS = Number(process.env.BENCH_REFERRALS ?? 200);
const STATS_JOURNEYS = Number(process.env.BENCH_STATS_JOURNEYS ?? 10_000);
const CONCURRENCY = 8;

interface Measure {
  name: string;
  runs: number;
  medianMs: number;
  p95Ms: number;
  perSecond: number;
  baseline?: string;
  ratio?: number;
}

const results: Measure[] = [];
const notes: Record<string, number | string> = {};
const log = (m: string) => console.log(`[bench] ${m}`);

async function measure(
  name: string,
  runs: number,
  concurrency: number,
  fn: (i: number) => Promise<void>,
  baseline?: string,
): Promise<Measure> {
  const { durations, wallMs } = await timed(runs, concurrency, fn);
  const m: Measure = {
    name,
    runs,
    medianMs: quantile(durations, 0.5),
    p95Ms: quantile(durations, 0.95),
    perSecond: (runs / wallMs) * 1000,
  };
  if (baseline) {
    const base = results.find((r) => r.name === baseline);
    if (!base) throw new Error(`no baseline ${baseline}`);
    m.baseline = baseline;
    m.ratio = m.medianMs / base.medianMs;
  }
  results.push(m);
  log(
    `${name}: median ${m.medianMs.toFixed(1)} ms, p95 ${m.p95Ms.toFixed(1)} ms, ${m.perSecond.toFixed(0)}/s` +
      (m.ratio !== undefined ? ` (${m.ratio.toFixed(1)}× ${baseline})` : ''),
  );
  return m;
}

function heapMb(): number {
  global.gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

/** The test stack (API, worker, PostgreSQL, mail in .eml files), with fabriques in four regions. */
class Bench {
  stack!: TestStack;
  keys: Record<'manager' | 'agency' | 'fabrique', string> = { manager: '', agency: '', fabrique: '' };
  fabriqueIds: string[] = [];
  agencyId = '';

  get db() {
    return this.stack.db;
  }

  async start(): Promise<void> {
    this.stack = await startStack({
      policy: DEFAULT_POLICY,
      mailDir: mkdtempSync(path.join(os.tmpdir(), 'parcours-bench-mail-')),
    });
    const { orgs } = this.stack;
    this.keys = { manager: orgs.manager.key, agency: orgs.agency.key, fabrique: orgs.fabrique.key };
    this.agencyId = orgs.agency.id;
    this.fabriqueIds = [orgs.fabrique.id, orgs.fabrique2.id];
    for (const region of ['Occitanie', 'Bretagne']) {
      const f = (await this.http('POST', '/v1/organizations', this.stack.adminKey, {
        type: 'fabrique',
        name: `Fabrique ${region}`,
        email: `fabrique-${region.toLowerCase()}@orgs.bench`,
        region,
      })) as { id: string };
      this.fabriqueIds.push(f.id);
    }
  }

  get baseUrl(): string {
    return this.stack.baseUrl;
  }

  async http(method: string, route: string, key?: string, body?: unknown): Promise<unknown> {
    const res = await this.stack.request(method, route, key, body);
    if (res.status >= 300)
      throw new Error(`${method} ${route} answered ${res.status}: ${res.text.slice(0, 300)}`);
    return res.text ? res.body : null;
  }

  referral(i: number) {
    return {
      learner: this.stack.learner({
        gender: pick(GENDERS.codes, i),
        qpvResident: i % 2 === 0,
        diplomaLevel: pick(DIPLOMA_LEVELS.codes, i),
      }),
      fabriqueId: this.fabriqueIds[0],
    };
  }

  /** 10,000 journeys written straight into the read model, as years of referrals would leave it. */
  seedReadModel(count: number): Promise<void> {
    return seedReadModel(this.db, { agencyId: this.agencyId, fabriqueIds: this.fabriqueIds }, count);
  }

  async stop(): Promise<void> {
    await this.stack.stop();
  }
}

async function main(): Promise<void> {
  const bench = new Bench();
  await bench.start();
  const { keys } = bench;
  try {
    log(`API on ${bench.baseUrl}; worker on task queue ${bench.stack.taskQueue}`);

    // Warm-up: connections, JIT, the workflow cache.
    for (let i = 0; i < 20; i++) await bench.http('GET', '/healthz');
    const warm = (await bench.http('POST', '/v1/journeys', keys.agency, bench.referral(0))) as { id: string };
    await bench.http('GET', `/v1/journeys/${warm.id}`, keys.fabrique);

    await measure('GET /healthz', 500, CONCURRENCY, () =>
      bench.http('GET', '/healthz').then(() => undefined),
    );
    await measure(
      'GET /v1/journeys/:id',
      500,
      CONCURRENCY,
      () => bench.http('GET', `/v1/journeys/${warm.id}`, keys.fabrique).then(() => undefined),
      'GET /healthz',
    );

    const heapBefore = heapMb();
    const ids: string[] = [];
    await measure(
      'POST /v1/journeys (referral: rows + workflow start)',
      REFERRALS,
      CONCURRENCY,
      async (i) => {
        const j = (await bench.http('POST', '/v1/journeys', keys.agency, bench.referral(i + 1))) as {
          id: string;
        };
        ids.push(j.id);
      },
      'GET /healthz',
    );
    await measure(
      'POST take-in-review (an Update through the worker)',
      ids.length,
      CONCURRENCY,
      (i) =>
        bench
          .http('POST', `/v1/journeys/${ids[i]}/actions/take-in-review`, keys.fabrique, {})
          .then(() => undefined),
      'GET /healthz',
    );
    // Every referral's and review's emails written: the work behind the answers.
    const settleStart = performance.now();
    for (;;) {
      const pending = await bench.db.notification.count({
        where: { status: { notIn: ['sent', 'skipped'] } },
      });
      const journeys = await bench.db.journey.count({ where: { id: { in: ids }, status: 'in_review' } });
      if (pending === 0 && journeys === ids.length) break;
      if (performance.now() - settleStart > 120_000)
        throw new Error('the emails did not all go out in 2 min');
      await new Promise((r) => setTimeout(r, 100));
    }
    notes['emails sent'] = await bench.db.notification.count({ where: { status: 'sent' } });
    notes['settled after the last action (ms)'] = Math.round(performance.now() - settleStart);
    const heapAfter = heapMb();
    notes['running journeys'] = ids.length + 1;
    notes['heap per running journey, API + worker (KB)'] = Math.round(
      ((heapAfter - heapBefore) * 1024) / (ids.length || 1),
    );

    log(`writing ${STATS_JOURNEYS} journeys into the read model for the indicators…`);
    const seedStart = performance.now();
    await bench.seedReadModel(STATS_JOURNEYS);
    notes['read model seeded (ms)'] = Math.round(performance.now() - seedStart);
    const total = await bench.db.journey.count();
    notes['journeys in the read model'] = total;

    await measure('GET /v1/journeys?limit=50 (one page, same rows)', 30, 1, () =>
      bench.http('GET', '/v1/journeys?limit=50', keys.manager).then(() => undefined),
    );
    await measure(
      `GET /v1/stats over ${total} journeys`,
      20,
      1,
      () => bench.http('GET', '/v1/stats', keys.manager).then(() => undefined),
      'GET /v1/journeys?limit=50 (one page, same rows)',
    );
    log('web pages, signed in, over the same journeys…');
    await measurePages(
      {
        db: bench.db,
        baseUrl: bench.baseUrl,
        adminKey: bench.stack.adminKey,
        managerId: bench.stack.orgs.manager.id,
        fabriqueId: bench.fabriqueIds[0] as string,
        journeyId: warm.id,
      },
      measure,
      (k, v) => (notes[k] = v),
    );
    await measure(
      'GET /v1/stats?groupBy=fabrique',
      20,
      1,
      () => bench.http('GET', '/v1/stats?groupBy=fabrique', keys.manager).then(() => undefined),
      'GET /v1/journeys?limit=50 (one page, same rows)',
    );
    // Memory: one request at a time, after a full collection, sampled every 2 ms.
    for (const route of ['/v1/stats', '/v1/journeys?limit=50']) {
      const peak = await memoryPeak(() => bench.http('GET', route, keys.manager));
      notes[`heap peak above idle during one GET ${route} (MB)`] = peak.heapMb;
      notes[`resident size peak above idle during one GET ${route} (MB)`] = peak.rssMb;
    }
  } finally {
    await bench.stop();
  }

  mkdirSync('.data/bench', { recursive: true });
  const file = path.resolve('.data/bench/pages.json');
  writeFileSync(
    file,
    JSON.stringify({ at: new Date().toISOString(), cpus: os.cpus().length, results, notes }, null, 2),
  );
  console.log(
    '\nmeasure                                                  median ms    p95 ms     per s   ratio',
  );
  for (const r of results) {
    console.log(
      `${r.name.padEnd(56)} ${r.medianMs.toFixed(1).padStart(9)} ${r.p95Ms.toFixed(1).padStart(9)} ${r.perSecond
        .toFixed(0)
        .padStart(9)}   ${r.ratio === undefined ? 'baseline' : `${r.ratio.toFixed(1)}×`}`,
    );
  }
  for (const [k, v] of Object.entries(notes)) console.log(`${k}: ${v}`);
  console.log(`\nresults in ${path.relative(process.cwd(), file)}`);
}

main().catch((err: unknown) => {
  console.error(`[bench] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
