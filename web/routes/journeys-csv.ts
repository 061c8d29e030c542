// /parcours.csv: the journeys of the list's filters, as a spreadsheet opens
// them in France: UTF-8 with a BOM, `;` between cells, French headers, dates
// as JJ/MM/AAAA. Read page by page with the list's own query and streamed
// through csv-stringify, so that 10,000 journeys are never held at once. A
// cell that a spreadsheet would read as a formula (= + - @ …) is escaped.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { RequestHandler } from 'express';
import { caller, type Caller } from '../../api/auth';
import { listJourneys, type JourneyFilters } from '../../api/journey-list';
import { toJourneyJson } from '../../api/journey-view';
import { DIPLOMA_LEVELS, FOLLOW_UP_OUTCOMES, GENDERS, AGE_BANDS } from '../../domain/codes';
import { dateOnly } from '../../domain/dates';
import type { Db } from '../../prisma/client';
import { FOLLOW_UP_STATUS_LABELS, STATUS_LABELS, TIMER_LABELS } from '../labels';
import { render } from '../render';
import type { WebDeps } from '../server';
import { PAGE_SIZE, readListFilters } from '../views/journey-list';

/** Journeys read per query: more than the API's pages (fewer round trips), still a few hundred KB. */
const BATCH = 500;

type JourneyJson = ReturnType<typeof toJourneyJson>;

const parisDay = new Intl.DateTimeFormat('fr-FR', {
  timeZone: 'Europe/Paris',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
});

/** JJ/MM/AAAA: an instant on its day in Paris, a calendar date (YYYY-MM-DD) as it is. */
export function csvDate(value: string | null | undefined): string {
  if (!value) return '';
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return day ? `${day[3]}/${day[2]}/${day[1]}` : parisDay.format(new Date(value));
}

const label = (labels: Readonly<Record<string, string>>, code: string | null | undefined) =>
  code ? (labels[code] ?? code) : '';
const yesNo = (v: boolean | null | undefined) => (v === null || v === undefined ? '' : v ? 'Oui' : 'Non');

function followUpText(j: JourneyJson, milestone: string): string {
  const f = j.followUps.find((x) => x.milestone === milestone);
  if (!f) return '';
  return f.status === 'answered'
    ? label(FOLLOW_UP_OUTCOMES.labels, f.outcome)
    : label(FOLLOW_UP_STATUS_LABELS, f.status);
}

/** The columns, in order: French header and the cell of a journey as the API shows it. */
export const CSV_COLUMNS: [string, (j: JourneyJson) => string | number | null | undefined][] = [
  ['Identifiant du parcours', (j) => j.id],
  ['Prénom', (j) => j.learner.firstName],
  ['Nom', (j) => j.learner.lastName],
  ['Adresse électronique', (j) => j.learner.email],
  ['Téléphone', (j) => j.learner.phone],
  ['Date de naissance', (j) => csvDate(j.learner.birthDate)],
  ['Code postal', (j) => j.learner.postalCode],
  ['Genre', (j) => label(GENDERS.labels, j.learner.gender)],
  ['Tranche d’âge', (j) => label(AGE_BANDS.labels, j.learner.ageBand)],
  ['Quartier prioritaire (QPV)', (j) => yesNo(j.learner.qpvResident)],
  ['Niveau de diplôme', (j) => label(DIPLOMA_LEVELS.labels, j.learner.diplomaLevel)],
  ['Statut', (j) => label(STATUS_LABELS, j.status)],
  ['Fabrique', (j) => j.fabrique.name],
  ['Prescripteur', (j) => j.agency.name],
  ['Conseiller ou conseillère', (j) => j.referrer?.name],
  ['Adresse électronique du conseiller', (j) => j.referrer?.email],
  ['Intitulé de la formation', (j) => j.trainingTitle],
  ['Date d’orientation', (j) => csvDate(j.dates.referredAt)],
  ['Date de décision', (j) => csvDate(j.dates.decidedAt)],
  ['Date d’entrée prévue', (j) => csvDate(j.dates.plannedStartDate)],
  ['Durée prévue (mois)', (j) => j.durationMonths],
  ['Date d’entrée en formation', (j) => csvDate(j.dates.startDate)],
  ['Date de fin prévue', (j) => csvDate(j.dates.plannedEndDate)],
  ['Date de sortie', (j) => csvDate(j.exit?.date)],
  ['Sortie', (j) => (j.exit ? (j.exit.kind === 'completed' ? 'Fin de formation' : 'Abandon') : '')],
  ['Certification obtenue', (j) => yesNo(j.exit?.certified)],
  ['Suivi à 3 mois', (j) => followUpText(j, '3m')],
  ['Suivi à 6 mois', (j) => followUpText(j, '6m')],
  ['Prochaine échéance', (j) => (j.nextDeadline ? label(TIMER_LABELS, j.nextDeadline.kind) : '')],
  ['Date de la prochaine échéance', (j) => csvDate(j.nextDeadline?.at)],
];

type Page = Awaited<ReturnType<typeof listJourneys>>;

/** Every journey of the list under these filters, newest referral first, a page at a time. */
async function* journeyRows(db: Db, c: Caller, filters: JourneyFilters, first: Page) {
  for (let page = first; ;) {
    for (const j of page.items) {
      const json = toJourneyJson(j, c);
      yield CSV_COLUMNS.map(([, cell]) => cell(json) ?? '');
    }
    if (!page.nextCursor) return;
    page = await listJourneys(db, c, { ...filters, cursor: page.nextCursor, limit: BATCH });
  }
}

export function journeysCsv(deps: WebDeps): RequestHandler {
  return async (req, res) => {
    const c = caller(req);
    const { filters, errors } = readListFilters(req.query, PAGE_SIZE);
    if (errors) {
      // An export must hold what was asked for, or nothing.
      const reasons = errors.summary.map((e) => e.message).join(' ');
      return render(
        res,
        'message',
        {
          title: 'Export impossible',
          message: `Ces filtres ne sont pas valides : ${reasons}`,
          severity: 'error',
        },
        400,
      );
    }
    const all = { ...filters, cursor: undefined, limit: BATCH };
    // The first page read before answering: a failure there is an error page, not a cut download.
    const first = await listJourneys(deps.db, c, all);
    const day = dateOnly(new Date());
    res.type('text/csv; charset=utf-8');
    res.attachment(`parcours-${day}.csv`);
    res.setHeader('Cache-Control', 'no-store');
    try {
      await pipeline(
        Readable.from(journeyRows(deps.db, c, all, first)),
        stringify({
          bom: true,
          delimiter: ';',
          record_delimiter: 'windows',
          header: true,
          columns: CSV_COLUMNS.map(([header]) => header),
          escape_formulas: true,
        }),
        res,
      );
    } catch (err) {
      // The response has begun: the download stops short, which the browser shows as failed.
      const e = err as { code?: string; name?: string };
      deps.log(`CSV export stopped: ${e.code ?? e.name ?? 'error'}`);
    }
  };
}
