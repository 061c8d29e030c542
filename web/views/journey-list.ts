// The journeys page's data: the API's list under the filters of a GET form,
// counts per status, and the links to the next page.
import { formatDate } from '../../mail/templates/dates';
import type { Caller } from '../../api/auth';
import { countByStatus, listJourneys, type JourneyFilters } from '../../api/journey-list';
import type { Db } from '../../prisma/client';
import { GENDERS } from '../../domain/codes';
import { STATUSES } from '../../domain/transitions';
import { ListJourneysQuery } from '../../api/schemas';
import { FILTER_LABELS, STATUS_LABELS } from '../labels';
import { readFilters } from '../forms/get-filters';
import type { Choice } from '../forms/schema-fields';
import { deadlineText, learnerName, statusBadge } from './journey-page';

export const PAGE_SIZE = 20;

/** The list's filters from a GET form's query (a page of `limit` journeys). */
export function readListFilters(query: unknown, limit: number) {
  const { data, values, errors } = readFilters(ListJourneysQuery, query, FILTER_LABELS, { limit });
  return { filters: data, values, errors };
}

/** The query string of these filters, without empty ones. */
export function filterQuery(values: Record<string, string>, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...values, ...extra })) if (v) params.set(k, v);
  const s = params.toString();
  return s ? `?${s}` : '';
}

async function organizationChoices(db: Db, type: 'agency' | 'fabrique'): Promise<Choice[]> {
  const orgs = await db.organization.findMany({ where: { type }, orderBy: { name: 'asc' } });
  return orgs.map((o) => ({ value: o.id, label: o.name }));
}

export async function journeyList(
  db: Db,
  caller: Caller,
  filters: JourneyFilters,
  values: Record<string, string>,
) {
  const [page, counts] = await Promise.all([
    listJourneys(db, caller, filters),
    countByStatus(db, caller, filters),
  ]);
  // The other side of each journey: an agency sees fabriques, a fabrique agencies.
  const partner = caller.type === 'fabrique' ? 'agency' : 'fabrique';
  const { cursor: _cursor, ...kept } = values;
  return {
    items: page.items.map((j) => ({
      href: `/parcours/${j.id}`,
      name: learnerName(j.learner),
      status: statusBadge(j.status),
      partner: partner === 'agency' ? j.agency.name : j.fabrique.name,
      referredAt: formatDate(j.referredAt.toISOString()),
      nextDeadline: deadlineText(
        j.nextDeadline ? { at: j.nextDeadline.toISOString(), kind: j.nextDeadlineKind ?? '' } : null,
      ),
    })),
    partnerLabel: partner === 'agency' ? 'Prescripteur' : 'Fabrique',
    counts: STATUSES.filter((s) => counts[s]).map((s) => ({
      label: STATUS_LABELS[s],
      count: counts[s] ?? 0,
      href: `/parcours${filterQuery(kept, { status: s })}`,
      current: filters.status === s,
    })),
    total: Object.values(counts).reduce((a, b) => a + (b ?? 0), 0),
    nextHref: page.nextCursor ? `/parcours${filterQuery(kept, { cursor: page.nextCursor })}` : undefined,
    firstHref: values.cursor ? `/parcours${filterQuery(kept)}` : undefined,
    // Every page of the list under these filters, not only this one.
    csvHref: `/parcours.csv${filterQuery(kept)}`,
    filters: {
      status: STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] })),
      fabriques: caller.type === 'fabrique' ? [] : await organizationChoices(db, 'fabrique'),
      agencies: caller.type === 'agency' ? [] : await organizationChoices(db, 'agency'),
      genders: GENDERS.codes.map((g) => ({ value: g, label: GENDERS.labels[g] })),
      qpv: [
        { value: 'true', label: 'Oui' },
        { value: 'false', label: 'Non' },
      ],
    },
    values: kept,
  };
}
