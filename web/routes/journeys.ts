// /parcours: the journeys a member may see, and one journey's page.
import { Router } from 'express';
import { parseJourneyId } from '../../api/act-on-journey';
import { caller } from '../../api/auth';
import { ListJourneysQuery } from '../../api/schemas';
import { isAction } from '../../domain/transitions';
import { ACTION_LABELS, FILTER_LABELS } from '../labels';
import { zodErrors } from '../forms/form-errors';
import { describeFields, postedValues } from '../forms/schema-fields';
import { render } from '../render';
import type { WebDeps } from '../server';
import { journeyPage } from '../views/journey-page';
import { journeyList, PAGE_SIZE } from '../views/journey-list';

const FILTERS = [
  'status',
  'fabriqueId',
  'agencyId',
  'qpvResident',
  'gender',
  'from',
  'to',
  'cursor',
] as const;

export function journeyPageRoutes(deps: WebDeps): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const c = caller(req);
    const all = postedValues(req.query);
    const values = Object.fromEntries(FILTERS.filter((k) => all[k]).map((k) => [k, all[k] as string]));
    let parsed = ListJourneysQuery.safeParse({ ...values, limit: PAGE_SIZE });
    let errors;
    if (!parsed.success) {
      // Refused filters are shown as errors and left out; the others still apply.
      errors = zodErrors(
        parsed.error,
        describeFields(ListJourneysQuery.shape).map((f) => ({
          ...f,
          label: FILTER_LABELS[f.name] ?? f.label,
        })),
        values,
      );
      for (const issue of parsed.error.issues) delete values[String(issue.path[0])];
      parsed = ListJourneysQuery.safeParse({ ...values, limit: PAGE_SIZE });
    }
    const list = await journeyList(deps.db, c, parsed.success ? parsed.data : { limit: PAGE_SIZE }, values);
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
