// GET /v1/stats: the indicators, for managers (all) and fabriques (their own).
import { Router } from 'express';
import { z } from 'zod';
import type { Db, Prisma } from '../../prisma/client';
import { caller, requireRole } from '../auth';
import { forbidden, parseInput } from '../problem';
import { groupedIndicators, indicators, type StatsRow } from '../stats';

export const StatsQuery = z.strictObject({
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  fabriqueId: z.uuid().optional(),
  region: z.string().min(1).max(100).optional(),
  groupBy: z.enum(['fabrique', 'region', 'month']).optional(),
});

export function statsRoutes(db: Db, target: number): Router {
  const router = Router();
  router.get('/', requireRole('manager', 'fabrique'), async (req, res) => {
    const c = caller(req);
    const q = parseInput(StatsQuery, req.query, 'query');
    if (c.type === 'fabrique' && q.fabriqueId && q.fabriqueId !== c.orgId) {
      throw forbidden('A fabrique sees its own indicators only.');
    }
    const fabriqueId = c.type === 'fabrique' ? (c.orgId ?? '') : q.fabriqueId;
    const where: Prisma.JourneyWhereInput = {
      ...(fabriqueId ? { fabriqueId } : {}),
      ...(q.region ? { fabrique: { region: q.region } } : {}),
      referredAt: {
        ...(q.from ? { gte: new Date(`${q.from}T00:00:00Z`) } : {}),
        ...(q.to ? { lt: new Date(new Date(`${q.to}T00:00:00Z`).getTime() + 86_400_000) } : {}),
      },
    };
    const journeys = await db.journey.findMany({
      where,
      select: {
        status: true,
        fabriqueId: true,
        referredAt: true,
        decidedAt: true,
        plannedStartDate: true,
        startDate: true,
        exitKind: true,
        exitDate: true,
        certified: true,
        fabrique: { select: { name: true, region: true } },
        learner: { select: { gender: true, ageBand: true, qpvResident: true, diplomaLevel: true } },
        followUps: { select: { milestone: true, status: true, outcome: true } },
      },
    });
    const rows: StatsRow[] = journeys.map((j) => ({
      ...j,
      fabriqueName: j.fabrique.name,
      region: j.fabrique.region,
    }));
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
