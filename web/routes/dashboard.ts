// /tableau-de-bord: the indicators of GET /v1/stats for a manager (the
// network) or a fabrique (its own), under the filters of a GET form.
import { Router } from 'express';
import { assertRole, caller } from '../../api/auth';
import { StatsQuery } from '../../api/schemas';
import { DASHBOARD_FILTER_LABELS } from '../labels';
import { readFilters } from '../forms/get-filters';
import { render } from '../render';
import type { WebDeps } from '../server';
import { dashboard } from '../views/dashboard';

const DashboardQuery = StatsQuery.omit({ groupBy: true });

export function dashboardRoutes(deps: WebDeps): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const c = caller(req);
    assertRole(c, 'manager', 'fabrique');
    const { data, values, errors } = readFilters(DashboardQuery, req.query, DASHBOARD_FILTER_LABELS);
    const page = await dashboard(deps.db, c, data, deps.startedTarget);
    render(res, 'dashboard', { ...page, values, errors, role: c.type });
  });
  return router;
}
