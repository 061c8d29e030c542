// /v1/journeys: refer, list, read, act.
import { Router } from 'express';
import { caller, requireRole } from '../auth';
import { idempotencyKeyOf } from '../idempotency';
import { actOnJourney, parseActionName, parseJourneyId } from '../act-on-journey';
import type { JourneyDeps } from '../journey-actions';
import { referLearner } from '../referrals';
import { listJourneys } from '../journey-list';
import { loadJourneyJson, toJourneyJson } from '../journey-view';
import { parseInput } from '../problem';
import { CreateJourney, ListJourneysQuery } from '../schemas';

export function journeyRoutes(deps: JourneyDeps): Router {
  const router = Router();
  const { db } = deps;

  router.post('/', requireRole('agency'), async (req, res) => {
    const c = caller(req);
    const body = parseInput(CreateJourney, req.body, 'body');
    const key = idempotencyKeyOf(req);
    const { journeyId: id, replayed } = await referLearner(deps, c.orgId ?? '', body, key, {
      keyId: c.keyId,
    });
    res
      .status(replayed ? 200 : 201)
      .location(`/v1/journeys/${id}`)
      .json(await loadJourneyJson(db, c, id));
  });

  router.get('/', async (req, res) => {
    const c = caller(req);
    const q = parseInput(ListJourneysQuery, req.query, 'query');
    const { items, nextCursor } = await listJourneys(db, c, q);
    res.json({ items: items.map((j) => toJourneyJson(j, c)), nextCursor });
  });

  router.get('/:id', async (req, res) => {
    res.json(await loadJourneyJson(db, caller(req), parseJourneyId(req.params.id)));
  });

  router.post('/:id/actions/:action', async (req, res) => {
    const c = caller(req);
    const id = parseJourneyId(req.params.id);
    const action = parseActionName(req.params.action);
    await actOnJourney(deps, c, id, action, req.body, idempotencyKeyOf(req));
    res.json(await loadJourneyJson(db, c, id));
  });

  return router;
}
