// /v1/webhooks: an organisation's subscriptions, their delivery log and replays.
import { Router } from 'express';
import { caller } from '../auth';
import { idParam, parseInput } from '../problem';
import { CreateWebhook, DeliveriesQuery } from '../webhook-schemas';
import {
  createWebhook,
  deleteWebhook,
  listDeliveries,
  listWebhooks,
  replayDelivery,
  type WebhookDeps,
} from '../webhooks';

export function webhookRoutes(deps: WebhookDeps): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const input = parseInput(CreateWebhook, req.body, 'body');
    const created = await createWebhook(deps, caller(req), input);
    res.status(201).location(`/v1/webhooks/${created.id}`).json(created);
  });

  router.get('/', async (req, res) => {
    res.json({ items: await listWebhooks(deps.db, caller(req)) });
  });

  router.delete('/:id', async (req, res) => {
    await deleteWebhook(deps.db, caller(req), idParam(req.params.id, 'webhook'));
    res.status(204).end();
  });

  router.get('/:id/deliveries', async (req, res) => {
    const q = parseInput(DeliveriesQuery, req.query, 'query');
    res.json({ items: await listDeliveries(deps.db, caller(req), idParam(req.params.id, 'webhook'), q) });
  });

  router.post('/:id/deliveries/:deliveryId/replay', async (req, res) => {
    const delivery = await replayDelivery(
      deps,
      caller(req),
      idParam(req.params.id, 'webhook'),
      idParam(req.params.deliveryId, 'delivery'),
    );
    res.status(202).json(delivery);
  });

  return router;
}
