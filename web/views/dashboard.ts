// The dashboard's data: the indicators of GET /v1/stats (the same rows, the
// same computations) as key figures, and charts of @gouvfr/dsfr-chart, each
// given with the table of its data. The charts are drawn in the browser; the
// tables are the page's content, readable without JavaScript and by screen
// readers.
import type { Caller } from '../../api/auth';
import { groupedIndicators, indicators, startsByMonth, type StatsRow } from '../../api/indicators';
import { readStats, type StatsFilters } from '../../api/network-stats';
import type { Db } from '../../prisma/client';
import type { Choice } from '../forms/schema-fields';

type Indicators = ReturnType<typeof indicators>;

/** One chart: a dsfr-chart element with its attributes, and the table of the same data. */
export interface Chart {
  id: string;
  title: string;
  description: string;
  /** The dsfr-chart element: `bar-chart`, `bar-line-chart`. */
  element: 'bar-chart' | 'bar-line-chart';
  attributes: Record<string, string>;
  table: { head: string[]; rows: string[][] };
}

/** How many groups a cut's chart shows; its table shows them all. */
export const CHART_GROUPS = 12;

const count = new Intl.NumberFormat('fr-FR');
const decimal = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });
const percent = new Intl.NumberFormat('fr-FR', { style: 'percent', maximumFractionDigits: 1 });
const monthName = new Intl.DateTimeFormat('fr-FR', { month: 'short', year: 'numeric', timeZone: 'UTC' });

/** "45,2 %", or "—" when there is nothing to divide by. */
const share = (rate: number | null) => (rate === null ? '—' : percent.format(rate));
/** A rate as a chart value, from 0 to 100. */
const chartPercent = (rate: number | null) => (rate === null ? 0 : Math.round(rate * 1000) / 10);
/** "janv. 2027" for 2027-01. */
const monthLabel = (month: string) => monthName.format(new Date(`${month}-01T00:00:00Z`));

function keyFigures(s: Indicators) {
  const months = s.averageTrainingMonths;
  const days = s.medianDaysToDecision;
  return [
    { label: 'Orientations', value: count.format(s.journeys) },
    { label: 'Entrées en formation', value: count.format(s.started) },
    {
      label: `de l’objectif de ${count.format(s.target.target)} entrées`,
      value: share(s.target.progress),
    },
    { label: 'Taux d’admission', value: share(s.admissionRate) },
    { label: 'Taux d’achèvement de la formation', value: share(s.completionRate) },
    { label: 'Taux d’abandon', value: share(s.dropoutRate) },
    { label: 'Délai médian avant décision', value: days === null ? '—' : `${decimal.format(days)} j` },
    { label: 'Durée moyenne de formation', value: months === null ? '—' : `${decimal.format(months)} mois` },
  ];
}

function startsChart(rows: StatsRow[], target: number): Chart {
  const months = startsByMonth(rows, target);
  return {
    id: 'entrees',
    title: 'Entrées en formation par mois, au regard de l’objectif',
    description:
      `Barres : entrées en formation du mois. Courbe : part de l’objectif de ${count.format(target)} entrées ` +
      'atteinte à la fin du mois (entrées cumulées).',
    element: 'bar-line-chart',
    attributes: {
      x: JSON.stringify(months.map((m) => monthLabel(m.month))),
      'y-bar': JSON.stringify(months.map((m) => m.started)),
      'y-line': JSON.stringify(months.map((m) => chartPercent(m.progress))),
      'name-bar': 'Entrées du mois',
      'name-line': 'Part de l’objectif atteinte',
      'unit-tooltip-line': '%',
      'aspect-ratio': '2.5',
    },
    table: {
      head: ['Mois', 'Entrées du mois', 'Entrées cumulées', 'Part de l’objectif atteinte'],
      rows: months.map((m) => [
        monthLabel(m.month),
        count.format(m.started),
        count.format(m.cumulative),
        share(m.progress),
      ]),
    },
  };
}

function publicChart(s: Indicators): Chart {
  // The table's words, and shorter ones for the chart's axis.
  const groups: [string, string, number | null][] = [
    ['Femmes', 'Femmes', s.amongStarted.women],
    ['Résident·es d’un quartier prioritaire (QPV)', 'Résident·es QPV', s.amongStarted.qpvResidents],
    ['Sans diplôme', 'Sans diplôme', s.amongStarted.noDiploma],
    ['Niveau bac ou moins', 'Bac ou moins', s.amongStarted.bacOrBelow],
    ['Moins de 26 ans', 'Moins de 26 ans', s.amongStarted.under26],
  ];
  return {
    id: 'public',
    title: 'Public atteint',
    description: `Part de chaque public parmi les ${count.format(s.started)} personnes entrées en formation.`,
    element: 'bar-chart',
    attributes: {
      x: JSON.stringify([groups.map(([, label]) => label)]),
      y: JSON.stringify([groups.map(([, , rate]) => chartPercent(rate))]),
      name: JSON.stringify(['Part des entrées']),
      horizontal: 'true',
      'unit-tooltip': '%',
      'x-max': '100',
      'aspect-ratio': '3',
    },
    table: {
      head: ['Public', 'Part des entrées en formation'],
      rows: groups.map(([label, , rate]) => [label, share(rate)]),
    },
  };
}

function outcomesChart(s: Indicators): Chart {
  const milestones = [
    ['À 3 mois', s.followUps['3m']],
    ['À 6 mois', s.followUps['6m']],
  ] as const;
  return {
    id: 'sorties',
    title: 'Situation à 3 et 6 mois après la formation',
    description:
      'Sorties positives (emploi, formation, création d’activité) parmi les réponses aux suivis, ' +
      'et taux de réponse parmi les suivis échus.',
    element: 'bar-chart',
    attributes: {
      x: JSON.stringify([milestones.map(([label]) => label)]),
      y: JSON.stringify([
        milestones.map(([, f]) => chartPercent(f?.positiveExitRate ?? null)),
        milestones.map(([, f]) => chartPercent(f?.responseRate ?? null)),
      ]),
      name: JSON.stringify(['Sorties positives', 'Taux de réponse']),
      'unit-tooltip': '%',
      'y-max': '100',
      'aspect-ratio': '3',
    },
    table: {
      head: [
        'Échéance',
        'Suivis échus',
        'Réponses',
        'Taux de réponse',
        'Sorties positives',
        'Part des réponses',
      ],
      rows: milestones.map(([label, f]) => [
        label,
        count.format(f?.due ?? 0),
        count.format(f?.answered ?? 0),
        share(f?.responseRate ?? null),
        count.format(f?.positiveExits ?? 0),
        share(f?.positiveExitRate ?? null),
      ]),
    },
  };
}

/** A cut by fabrique or region: journeys and starts per group, and the same mix as above. */
function cutChart(rows: StatsRow[], by: 'fabrique' | 'region', target: number): Chart {
  const groups = groupedIndicators(rows, by, target)
    .map((g) => ({ ...g, label: (by === 'fabrique' ? g.name : g.key) ?? 'Sans région' }))
    .sort((a, b) => b.started - a.started || a.label.localeCompare(b.label, 'fr'));
  const shown = groups.slice(0, CHART_GROUPS);
  const what = by === 'fabrique' ? 'Fabrique' : 'Région';
  return {
    id: `par-${by}`,
    title: by === 'fabrique' ? 'Par fabrique' : 'Par région',
    description:
      (by === 'fabrique'
        ? 'Orientations et entrées en formation de chaque fabrique'
        : 'Orientations et entrées en formation de chaque région') +
      (groups.length > CHART_GROUPS
        ? ` ; le graphique montre les ${CHART_GROUPS} qui comptent le plus d’entrées, le tableau les montre toutes.`
        : '.'),
    element: 'bar-chart',
    attributes: {
      x: JSON.stringify([shown.map((g) => g.label)]),
      y: JSON.stringify([shown.map((g) => g.journeys), shown.map((g) => g.started)]),
      name: JSON.stringify(['Orientations', 'Entrées en formation']),
      horizontal: 'true',
      // Two bars per group: taller as groups add up.
      'aspect-ratio': String(Math.max(1, 3 - shown.length / 4)),
    },
    table: {
      head: [
        what,
        'Orientations',
        'Entrées en formation',
        'Femmes',
        'QPV',
        'Sans diplôme',
        'Moins de 26 ans',
        'Achèvement',
        'Sorties positives à 6 mois',
      ],
      rows: groups.map((g) => [
        g.label,
        count.format(g.journeys),
        count.format(g.started),
        share(g.amongStarted.women),
        share(g.amongStarted.qpvResidents),
        share(g.amongStarted.noDiploma),
        share(g.amongStarted.under26),
        share(g.completionRate),
        share(g.followUps['6m']?.positiveExitRate ?? null),
      ]),
    },
  };
}

async function filterChoices(db: Db, caller: Caller) {
  if (caller.type !== 'manager') return { fabriques: [], regions: [] };
  const fabriques = await db.organization.findMany({
    where: { type: 'fabrique' },
    select: { id: true, name: true, region: true },
    orderBy: { name: 'asc' },
  });
  const regions = [...new Set(fabriques.map((f) => f.region).filter((r): r is string => !!r))].sort((a, b) =>
    a.localeCompare(b, 'fr'),
  );
  return {
    fabriques: fabriques.map((f): Choice => ({ value: f.id, label: f.name })),
    regions: regions.map((r): Choice => ({ value: r, label: r })),
  };
}

/** Everything /tableau-de-bord shows, for a manager (the network) or a fabrique (its own). */
export async function dashboard(db: Db, caller: Caller, filters: StatsFilters, target: number) {
  const [{ rows }, choices] = await Promise.all([readStats(db, caller, filters), filterChoices(db, caller)]);
  const s = indicators(rows, target);
  const charts = [startsChart(rows, target), publicChart(s), outcomesChart(s)];
  return {
    figures: keyFigures(s),
    charts,
    // A fabrique's cuts would be itself alone.
    cuts:
      caller.type === 'manager' ? [cutChart(rows, 'fabrique', target), cutChart(rows, 'region', target)] : [],
    choices,
    empty: rows.length === 0,
  };
}
