// GET /v1/stats: the indicators, for managers (all) and fabriques (their own).
import { Router } from 'express';
import type { Db } from '../../prisma/client';
import { caller, requireRole } from '../auth';
import { parseInput } from '../problem';
import { StatsQuery } from '../schemas';
import { groupedIndicators, indicators, startsByMonth } from '../indicators';
import { readStats } from '../network-stats';

export function statsRoutes(db: Db, target: number): Router {
  const router = Router();
  router.get('/', requireRole('manager', 'fabrique'), async (req, res) => {
    const { groupBy, ...q } = parseInput(StatsQuery, req.query, 'query');
    const { filters, rows } = await readStats(db, caller(req), q);
    res.json({
      filters,
      ...indicators(rows, target),
      startsByMonth: startsByMonth(rows, target),
      ...(groupBy ? { groupBy, groups: groupedIndicators(rows, groupBy, target) } : {}),
    });
  });
  return router;
}
