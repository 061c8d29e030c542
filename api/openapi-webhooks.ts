// The webhook routes in the OpenAPI document, from the schemas that validate them.
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { json, problems, registerOperation } from './openapi-problems';
import {
  CreatedWebhook,
  CreateWebhook,
  DeliveriesQuery,
  Webhook,
  WebhookDeliveryView,
} from './webhook-schemas';

export function registerWebhookPaths(registry: OpenAPIRegistry, security: Record<string, string[]>[]): void {
  const id = z.uuid();
  registerOperation(registry, {
    method: 'post',
    path: '/v1/webhooks',
    operationId: 'createWebhook',
    summary:
      "Subscribe the caller's organisation to the events of the journeys it may see; the secret is shown once",
    description:
      'Each event is POSTed as JSON `{id, type, createdAt, journeyId, seq, data}` with the headers ' +
      '`Parcours-Event-Id` and `Parcours-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" ' +
      'keyed with the secret>`. Without a 2xx within 10 s it is retried with growing delays for 3 days; ' +
      "one journey's events reach the endpoint in `seq` order, and a resend keeps the event id.",
    security,
    request: {
      body: json(CreateWebhook, {
        url: 'https://si.mission-locale.example/parcours/webhooks',
        events: ['journey.admit', 'journey.refuse'],
      }),
    },
    responses: {
      201: { description: 'Subscribed', ...json(CreatedWebhook) },
      ...problems(400, 401, 403, 422),
    },
  });
  registerOperation(registry, {
    method: 'get',
    path: '/v1/webhooks',
    operationId: 'listWebhooks',
    summary: "The organisation's subscriptions, never their secrets",
    security,
    responses: {
      200: { description: 'Subscriptions', ...json(z.object({ items: z.array(Webhook) })) },
      ...problems(401, 403),
    },
  });
  registerOperation(registry, {
    method: 'delete',
    path: '/v1/webhooks/{id}',
    operationId: 'deleteWebhook',
    summary: 'Stop a subscription: nothing more is sent, pending deliveries are cancelled',
    security,
    request: { params: z.object({ id }) },
    responses: { 204: { description: 'Stopped' }, ...problems(401, 403, 404) },
  });
  registerOperation(registry, {
    method: 'get',
    path: '/v1/webhooks/{id}/deliveries',
    operationId: 'listWebhookDeliveries',
    summary: 'Recent deliveries, newest event first: the event, each attempt, the last status, the next try',
    security,
    request: { params: z.object({ id }), query: DeliveriesQuery },
    responses: {
      200: { description: 'Deliveries', ...json(z.object({ items: z.array(WebhookDeliveryView) })) },
      ...problems(401, 403, 404, 422),
    },
  });
  registerOperation(registry, {
    method: 'post',
    path: '/v1/webhooks/{id}/deliveries/{deliveryId}/replay',
    operationId: 'replayWebhookDelivery',
    summary:
      'Send a delivered or given-up event again, with the same event id, after the journey’s earlier pending ones',
    security,
    request: { params: z.object({ id, deliveryId: id }) },
    responses: {
      202: { description: 'Queued', ...json(WebhookDeliveryView) },
      ...problems(401, 403, 404, 409, 503),
    },
  });
}
