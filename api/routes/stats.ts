// GET /v1/stats: the indicators, for managers (all) and fabriques (their own).
import { Router } from 'express';
import { atMidnight, endOfDay } from '../../domain/dates';
import { Prisma, type Db } from '../../prisma/client';
import { caller, requireRole } from '../auth';
import { forbidden, parseInput } from '../problem';
import { StatsQuery } from '../schemas';
import { groupedIndicators, indicators, type StatsRow } from '../indicators';

interface StatsFilter {
  fabriqueId?: string;
  region?: string;
  /** Referred at or after. */
  from?: Date;
  /** Referred before. */
  to?: Date;
}

type StatsJourneyRow = Omit<StatsRow, 'learner' | 'followUps'> & {
  id: string;
  gender: string;
  ageBand: string;
  qpvResident: boolean;
  diplomaLevel: string;
};

/**
 * The rows the indicators are computed from: two flat queries (journeys with
 * their learner's codes and fabrique, then their follow-ups) read in one
 * snapshot. Plain SQL rather than nested Prisma includes: over 10,000
 * journeys it reads several times faster (see `npm run bench`).
 */
async function statsRows(db: Db, f: StatsFilter): Promise<StatsRow[]> {
  const conditions = [Prisma.sql`TRUE`];
  if (f.fabriqueId) conditions.push(Prisma.sql`j."fabriqueId" = ${f.fabriqueId}::uuid`);
  if (f.region) conditions.push(Prisma.sql`o.region = ${f.region}`);
  if (f.from) conditions.push(Prisma.sql`j."referredAt" >= ${f.from}`);
  if (f.to) conditions.push(Prisma.sql`j."referredAt" < ${f.to}`);
  const where = Prisma.join(conditions, ' AND ');
  const [journeys, followUps] = await db.$transaction(
    [
      db.$queryRaw<StatsJourneyRow[]>`
        SELECT j.id, j.status, j."fabriqueId", o.name AS "fabriqueName", o.region,
               j."referredAt", j."decidedAt", j."plannedStartDate", j."startDate",
               j."exitKind", j."exitDate", j.certified,
               l.gender, l."ageBand", l."qpvResident", l."diplomaLevel"
        FROM "Journey" j
        JOIN "Organization" o ON o.id = j."fabriqueId"
        JOIN "Learner" l ON l.id = j."learnerId"
        WHERE ${where}`,
      db.$queryRaw<({ journeyId: string } & StatsRow['followUps'][number])[]>`
        SELECT fu."journeyId", fu.milestone, fu.status, fu.outcome
        FROM "FollowUp" fu
        JOIN "Journey" j ON j.id = fu."journeyId"
        JOIN "Organization" o ON o.id = j."fabriqueId"
        WHERE ${where}`,
    ],
    { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead },
  );
  const byJourney = new Map<string, StatsRow['followUps']>();
  for (const { journeyId, milestone, status, outcome } of followUps) {
    let list = byJourney.get(journeyId);
    if (!list) byJourney.set(journeyId, (list = []));
    list.push({ milestone, status, outcome });
  }
  return journeys.map(({ id, gender, ageBand, qpvResident, diplomaLevel, ...j }) => ({
    ...j,
    learner: { gender, ageBand, qpvResident, diplomaLevel },
    followUps: byJourney.get(id) ?? [],
  }));
}

export function statsRoutes(db: Db, target: number): Router {
  const router = Router();
  router.get('/', requireRole('manager', 'fabrique'), async (req, res) => {
    const c = caller(req);
    const q = parseInput(StatsQuery, req.query, 'query');
    if (c.type === 'fabrique' && q.fabriqueId && q.fabriqueId !== c.orgId) {
      throw forbidden('A fabrique sees its own indicators only.');
    }
    const fabriqueId = c.type === 'fabrique' ? (c.orgId ?? '') : q.fabriqueId;
    const rows = await statsRows(db, {
      fabriqueId,
      region: q.region,
      from: q.from ? atMidnight(q.from) : undefined,
      to: q.to ? endOfDay(q.to) : undefined,
    });
    res.json({
      filters: {
        from: q.from ?? null,
        to: q.to ?? null,
        fabriqueId: fabriqueId ?? null,
        region: q.region ?? null,
      },
      ...indicators(rows, target),
      ...(q.groupBy ? { groupBy: q.groupBy, groups: groupedIndicators(rows, q.groupBy, target) } : {}),
    });
  });
  return router;
}
