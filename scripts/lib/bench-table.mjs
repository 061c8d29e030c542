// The README's table of the latest `npm run bench` (bench/topology.ts
// results, one per server kind), with the targets, marking the
// figures measured at less than the full sizes.
import { FULL_SIZES } from '../../config/bench.mjs';

const SERVER_NAMES = { dev: 'dev server (SQLite)', postgresql: 'Temporal server 1.32.1 on PostgreSQL' };
const TARGETS = { referral: 0.75, action: 0.65, p99At4Ms: 250, lifecycle: 1.5 };

const small = (size, full) => (size < full ? ` (small: ${size})` : '');
const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
const mark = (ok) => (ok ? '' : ' ✗');
/** Requests answered 503 (outcome not known within 20 s) and sent again, as the API contract asks. */
const again = (m) => (m?.retries ? `, ${m.retries} sent again after a 503` : '');

function ratioCells(r, sizes, server) {
  if (!r) return ['—', '—', '—', '—'];
  const tag = small(sizes.journeys, FULL_SIZES.journeys);
  const pair = (m, target) =>
    `${m.parcours.perSecond}/s / ${m.raw.perSecond}/s = **${m.ratio}**${mark(m.ratio >= target)}${tag}${again(m.parcours)}`;
  const pct = (m) => `${m.p50Ms} / ${m.p95Ms} / ${m.p99Ms}${again(m)}`;
  return [
    pair(r.referral, TARGETS.referral),
    pair(r.action16, TARGETS.action),
    `${pct(r.action4.parcours)}${mark(server !== 'postgresql' || r.action4.parcours.p99Ms < TARGETS.p99At4Ms)} (raw ${pct(r.action4.raw)})`,
    `${pct(r.action16.parcours)} (raw ${pct(r.action16.raw)})`,
  ];
}

function lifecycleCell(l) {
  if (!l) return '—';
  const ok = l.parcours.closed === l.journeys && l.parcours.emailsSent === l.emailsExpected;
  return (
    `${s(l.parcours.wallMs)} / ${s(l.raw.wallMs)} = **${l.ratio}**${mark(l.ratio <= TARGETS.lifecycle)}` +
    `${small(l.journeys, FULL_SIZES.lifecycle)}; ${l.parcours.closed}/${l.journeys} closed, ` +
    `${l.parcours.emailsSent}/${l.emailsExpected} emails${ok ? '' : ' ✗'}${again(l.parcours)}`
  );
}

function asleepCells(a) {
  if (!a) return ['—', '—', '—', '—'];
  const storage = Object.entries(a.storageMb)
    .map(([k, v]) => `${k.replace(/^database /, '')} ${v} MB`)
    .join(', ');
  return [
    `${a.journeysInReadModel}${small(a.referred, FULL_SIZES.asleep)}, seeded at ${a.seedPerSecond}/s`,
    `worker ${a.workerMb} MB, server ${a.serverMb} MB`,
    storage,
    `${a.listP95Ms} / ${a.detailP95Ms}`,
  ];
}

export function topologyTable(results) {
  const rows = results.map((r) => {
    const name = SERVER_NAMES[r.server] ?? r.server;
    return {
      name,
      ratios: ratioCells(r.ratios, r.sizes, r.server),
      life: lifecycleCell(r.lifecycle),
      asleep: asleepCells(r.asleep),
    };
  });
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [
    line([
      'server',
      `referral: Parcours / raw (≥ ${TARGETS.referral})`,
      `action, 16 at once: Parcours / raw (≥ ${TARGETS.action})`,
      `action p50 / p95 / p99 ms, 4 at once (p99 < ${TARGETS.p99At4Ms} on PostgreSQL)`,
      'action p50 / p95 / p99 ms, 16 at once',
      `lifecycle: Parcours / raw (≤ ${TARGETS.lifecycle})`,
    ]),
    line(Array(6).fill('---')),
    ...rows.map((r) => line([r.name, ...r.ratios, r.life])),
    '',
    line(['server', 'journeys asleep', 'resident memory', 'storage', 'list / detail p95 ms']),
    line(Array(5).fill('---')),
    ...rows.map((r) => line([r.name, ...r.asleep])),
    '',
  ].join('\n');
}
