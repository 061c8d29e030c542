// The journeys a caller may see, filtered and paged: one query for the API's
// GET /v1/journeys and the web app's /parcours.
import { z } from 'zod';
import type { Db, Prisma } from '../prisma/client';
import { atMidnight, DATE_RANGE, dateOnly, endOfDay } from '../domain/dates';
import type { Status } from '../domain/transitions';
import type { Caller } from './auth';
import { journeyInclude, scopeOf, type VisibleJourney } from './journey-view';
import { unprocessable } from './problem';
import { ListJourneysQuery } from './schemas';

export type JourneyFilters = z.infer<typeof ListJourneysQuery>;

interface Cursor {
  referredAt: string;
  id: string;
}

const Id = z.uuid();

function decodeCursor(raw: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Cursor;
    if (typeof c.referredAt === 'string' && typeof c.id === 'string' && Id.safeParse(c.id).success) {
      // A real instant of the years PostgreSQL and Parcours hold, as this API writes them.
      const at = new Date(c.referredAt);
      const day = Number.isNaN(at.getTime()) ? '' : dateOnly(at);
      if (day >= DATE_RANGE.earliest && day <= DATE_RANGE.latest) return c;
    }
  } catch {
    // fall through
  }
  throw unprocessable('cursor is not one this API gave.', [{ field: 'cursor', message: 'invalid cursor' }]);
}

/** The caller's scope and the filters, except `status`, `cursor` and `limit`. */
function filtersWhere(caller: Caller, q: Partial<JourneyFilters>): Prisma.JourneyWhereInput[] {
  const and: Prisma.JourneyWhereInput[] = [scopeOf(caller)];
  if (q.fabriqueId) and.push({ fabriqueId: q.fabriqueId });
  if (q.agencyId) and.push({ agencyId: q.agencyId });
  if (q.qpvResident !== undefined) and.push({ learner: { qpvResident: q.qpvResident } });
  if (q.gender) and.push({ learner: { gender: q.gender } });
  if (q.from) and.push({ referredAt: { gte: atMidnight(q.from) } });
  if (q.to) and.push({ referredAt: { lt: endOfDay(q.to) } });
  return and;
}

/** One page of journeys, newest referral first, with the cursor of the next page. */
export async function listJourneys(
  db: Db,
  caller: Caller,
  q: JourneyFilters,
): Promise<{ items: VisibleJourney[]; nextCursor: string | null }> {
  const and = filtersWhere(caller, q);
  if (q.status) and.push({ status: q.status });
  if (q.cursor) {
    const cur = decodeCursor(q.cursor);
    const at = new Date(cur.referredAt);
    and.push({ OR: [{ referredAt: { lt: at } }, { referredAt: at, id: { lt: cur.id } }] });
  }
  const rows = await db.journey.findMany({
    where: { AND: and },
    include: journeyInclude,
    orderBy: [{ referredAt: 'desc' }, { id: 'desc' }],
    take: q.limit + 1,
  });
  const items = rows.slice(0, q.limit);
  const last = items[items.length - 1];
  const nextCursor =
    rows.length > q.limit && last
      ? Buffer.from(JSON.stringify({ referredAt: last.referredAt.toISOString(), id: last.id })).toString(
          'base64url',
        )
      : null;
  return { items, nextCursor };
}

/** How many of the caller's journeys, under the same filters, are in each status. */
export async function countByStatus(
  db: Db,
  caller: Caller,
  q: Partial<JourneyFilters>,
): Promise<Partial<Record<Status, number>>> {
  const groups = await db.journey.groupBy({
    by: ['status'],
    where: { AND: filtersWhere(caller, q) },
    _count: { _all: true },
  });
  return Object.fromEntries(groups.map((g) => [g.status, g._count._all]));
}
