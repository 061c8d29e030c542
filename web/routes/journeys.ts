// /parcours: the journeys a member may see, and one journey's page.
import { Router } from 'express';
import { parseJourneyId } from '../../api/act-on-journey';
import { caller } from '../../api/auth';
import { isAction } from '../../domain/transitions';
import { ACTION_LABELS } from '../labels';
import { render } from '../render';
import type { WebDeps } from '../server';
import { journeyPage } from '../views/journey-page';
import { journeyList, PAGE_SIZE, readListFilters } from '../views/journey-list';

export function journeyPageRoutes(deps: WebDeps): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const c = caller(req);
    const { filters, values, errors } = readListFilters(req.query, PAGE_SIZE);
    const list = await journeyList(deps.db, c, filters, values);
    render(res, 'journeys', { ...list, errors, role: c.type });
  });

  router.get('/:id', async (req, res) => {
    const page = await journeyPage(deps.db, caller(req), parseJourneyId(req.params.id));
    const done = String(req.query.fait ?? '');
    render(res, 'journey', {
      journey: page,
      notice: isAction(done) ? `« ${ACTION_LABELS[done]} » est enregistré.` : undefined,
      referred: req.query.oriente === '1',
    });
  });

  return router;
}
