// Webhook requests and responses: they validate input at the edge and make
// the OpenAPI document.
import { z } from 'zod';
import { ALL_EVENTS, WEBHOOK_EVENT_TYPES } from '../domain/webhook-events';
import './schemas'; // zod's .openapi(), as schemas.ts extends it

const EventType = z.enum([ALL_EVENTS, ...WEBHOOK_EVENT_TYPES] as [string, ...string[]]);

export const CreateWebhook = z
  .strictObject({
    url: z.string().trim().min(1).max(2000).openapi({
      description:
        'Where events are POSTed. Under NODE_ENV=production: https, and resolving to public addresses only.',
    }),
    events: z
      .array(EventType)
      .min(1)
      .max(WEBHOOK_EVENT_TYPES.length + 1)
      .refine((list) => new Set(list).size === list.length, 'each type once')
      .optional()
      .openapi({ description: 'Event types to receive; `*` (the default) for all, present and future.' }),
  })
  .openapi('CreateWebhook', {
    example: {
      url: 'https://si.mission-locale.example/parcours/webhooks',
      events: ['journey.admit', 'journey.refuse'],
    },
  });

export const Webhook = z
  .object({
    id: z.uuid(),
    url: z.string(),
    events: z.array(z.string()),
    createdAt: z.string(),
  })
  .openapi('Webhook');

export const CreatedWebhook = Webhook.extend({
  secret: z.string().openapi({
    description:
      'Shown once. Signs every delivery: Parcours-Signature t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">.',
    example: 'whsec_Jm2kQ7vX0cP9sR4tYbL1nF8hD3gA6eW5uZ0iO2qK7jM',
  }),
}).openapi('CreatedWebhook');

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'cancelled'] as const;

export const DeliveriesQuery = z.strictObject({
  journeyId: z.uuid().optional(),
  status: z.enum(DELIVERY_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const WebhookDeliveryView = z
  .object({
    id: z.uuid(),
    event: z.object({
      id: z.uuid(),
      type: z.string().openapi({ example: 'journey.admit' }),
      createdAt: z.string(),
      journeyId: z.uuid(),
      seq: z.number().int(),
    }),
    status: z.enum(DELIVERY_STATUSES).openapi({
      description:
        '`pending` (to send or being retried), `delivered` (a 2xx came back), `failed` (given up), ' +
        '`cancelled` (the subscription was deleted)',
    }),
    attempts: z.number().int(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z
      .string()
      .nullable()
      .openapi({ description: 'An error code when no status came back', example: 'ECONNREFUSED' }),
    lastAttemptAt: z.string().nullable(),
    nextAttemptAt: z.string().nullable().openapi({ description: 'When the next try is due, while pending' }),
    deliveredAt: z.string().nullable(),
    giveUpAt: z.string().openapi({ description: 'A failed attempt after this is the last' }),
    replays: z.number().int(),
    attemptLog: z.array(
      z.object({
        at: z.string(),
        durationMs: z.number().int(),
        statusCode: z.number().int().nullable(),
        error: z.string().nullable(),
      }),
    ),
  })
  .openapi('WebhookDelivery');
