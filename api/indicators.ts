// The network's indicators (GET /v1/stats), computed from the read model.
// Pure: rows in, figures out, so that the definitions can be read and tested.
import { POSITIVE_OUTCOMES, type FollowUpOutcome } from '../domain/codes';
import { DAY_MS } from '../domain/dates';
import { MILESTONES } from '../domain/policy';
import { STATUSES } from '../domain/transitions';

export interface StatsRow {
  status: string;
  fabriqueId: string;
  fabriqueName: string;
  region: string | null;
  referredAt: Date;
  decidedAt: Date | null;
  plannedStartDate: Date | null;
  startDate: Date | null;
  exitKind: string | null;
  exitDate: Date | null;
  certified: boolean | null;
  learner: { gender: string; ageBand: string; qpvResident: boolean; diplomaLevel: string };
  followUps: { milestone: string; status: string; outcome: string | null }[];
}

/** Rates are shares from 0 to 1, rounded to 3 decimals; null when nothing to divide by. */
const rate = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 1000) / 1000);
const round1 = (n: number) => Math.round(n * 10) / 10;

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function indicators(rows: StatsRow[], target: number) {
  const byStatus = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<string, number>;
  for (const r of rows) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;

  // Admitted: every journey that got an admission (a planned start), whatever came next.
  const admitted = rows.filter((r) => r.plannedStartDate !== null).length;
  const refused = byStatus.refused ?? 0;
  const started = rows.filter((r) => r.startDate !== null);
  const share = (test: (r: StatsRow) => boolean) => rate(started.filter(test).length, started.length);
  const completed = started.filter((r) => r.exitKind === 'completed');
  const dropped = started.filter((r) => r.exitKind === 'dropped_out');
  const exited = started.filter((r) => r.exitDate !== null);

  const followUps = Object.fromEntries(
    MILESTONES.map((m) => {
      const due = rows.flatMap((r) => r.followUps).filter((f) => f.milestone === m && f.status !== 'pending');
      const answered = due.filter((f) => f.status === 'answered');
      const positive = answered.filter((f) => POSITIVE_OUTCOMES.includes(f.outcome as FollowUpOutcome));
      return [
        m,
        {
          due: due.length,
          answered: answered.length,
          positiveExits: positive.length,
          positiveExitRate: rate(positive.length, answered.length),
          responseRate: rate(answered.length, due.length),
        },
      ];
    }),
  );

  const decisionDays = rows
    .filter((r) => r.decidedAt !== null)
    .map((r) => ((r.decidedAt as Date).getTime() - r.referredAt.getTime()) / DAY_MS);
  const trainingDays = exited.map(
    (r) => ((r.exitDate as Date).getTime() - (r.startDate as Date).getTime()) / DAY_MS,
  );
  const medianDecision = median(decisionDays);

  return {
    journeys: rows.length,
    byStatus,
    admissionRate: rate(admitted, admitted + refused),
    started: started.length,
    amongStarted: {
      women: share((r) => r.learner.gender === 'female'),
      qpvResidents: share((r) => r.learner.qpvResident),
      bacOrBelow: share((r) => ['none', 'cap_bep', 'bac'].includes(r.learner.diplomaLevel)),
      noDiploma: share((r) => r.learner.diplomaLevel === 'none'),
      under26: share((r) => ['under_18', '18_25'].includes(r.learner.ageBand)),
    },
    completionRate: rate(completed.length, started.length),
    certificationRate: rate(completed.filter((r) => r.certified).length, completed.length),
    dropoutRate: rate(dropped.length, started.length),
    followUps,
    medianDaysToDecision: medianDecision === null ? null : round1(medianDecision),
    averageTrainingMonths: trainingDays.length
      ? round1(trainingDays.reduce((a, b) => a + b, 0) / trainingDays.length / 30.44)
      : null,
    target: { learnersStarted: started.length, target, progress: rate(started.length, target) },
  };
}

export type GroupBy = 'fabrique' | 'region' | 'month';

/** The same indicators for each fabrique, region or month of referral. */
export function groupedIndicators(rows: StatsRow[], by: GroupBy, target: number) {
  const keyOf = (r: StatsRow) =>
    by === 'fabrique'
      ? r.fabriqueId
      : by === 'region'
        ? (r.region ?? '')
        : r.referredAt.toISOString().slice(0, 7);
  const groups = new Map<string, StatsRow[]>();
  for (const r of rows) {
    const key = keyOf(r);
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, group]) => ({
      key: key || null,
      ...(by === 'fabrique' ? { name: group[0]?.fabriqueName } : {}),
      ...indicators(group, target),
    }));
}

/** The month after `month` (YYYY-MM). */
function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/**
 * Learners who started in each month (of their start, every month from the
 * first to the last, empty ones included), with the running total and its
 * progress toward the target.
 */
export function startsByMonth(rows: StatsRow[], target: number) {
  const counts = new Map<string, number>();
  for (const r of rows) {
    if (!r.startDate) continue;
    const month = r.startDate.toISOString().slice(0, 7);
    counts.set(month, (counts.get(month) ?? 0) + 1);
  }
  const months = [...counts.keys()].sort();
  const series: { month: string; started: number; cumulative: number; progress: number | null }[] = [];
  let cumulative = 0;
  for (
    let month = months[0];
    month && month <= (months[months.length - 1] as string);
    month = nextMonth(month)
  ) {
    const started = counts.get(month) ?? 0;
    cumulative += started;
    series.push({ month, started, cumulative, progress: rate(cumulative, target) });
  }
  return series;
}
