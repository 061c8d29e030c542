// The OpenAPI 3.1 document, generated from the zod schemas that validate requests.
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { ACTIONS, TRANSITIONS } from '../domain/transitions';
import { registerMemberPaths } from './openapi-members';
import { registerWebhookPaths } from './openapi-webhooks';
import { problems } from './openapi-problems';
import {
  ACTION_BODIES,
  CreatedOrganization,
  CreateJourney,
  CreateOrganization,
  FollowUpAnswer,
  IdempotencyKey,
  Journey,
  ListJourneysQuery,
  NotificationsQuery,
  NotificationToReview,
  LearnerView,
  Organization,
  StatsQuery,
} from './schemas';

const LearnerExport = z.object({
  exportedAt: z.string(),
  learner: LearnerView.extend({ erasedAt: z.string().nullable() }).loose(),
  journeys: z.array(
    z.looseObject({
      id: z.uuid(),
      status: z.string(),
      timeline: z.array(z.looseObject({})),
      followUps: z.array(z.looseObject({})),
      texts: z.array(z.looseObject({})),
      notifications: z.array(z.looseObject({})),
    }),
  ),
  audit: z.array(z.looseObject({})),
});

const Erasure = z.object({
  learnerId: z.uuid(),
  status: z.enum(['erased', 'skipped']),
  erasedAt: z.string().nullable(),
  journeyIds: z.array(z.uuid()),
  cleared: z.object({
    actionTexts: z.number().int(),
    timelineEntries: z.number().int(),
    followUps: z.number().int(),
    followUpTokens: z.number().int(),
    notifications: z.number().int(),
    mailCopies: z.number().int().openapi({
      description: 'Copies of the emails kept on this machine (.eml folder, without SMTP_URL) and deleted.',
    }),
  }),
});

export function buildOpenApiDocument(serverUrl: string) {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  const security = [{ [bearer.name]: [] }];
  const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
  const id = z.uuid();

  registry.registerPath({
    method: 'post',
    path: '/v1/organizations',
    summary: 'Create an organisation (admin key); returns its first API key once',
    security,
    request: { body: json(CreateOrganization) },
    responses: { 201: { description: 'Created', ...json(CreatedOrganization) }, ...problems(401, 403, 422) },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/organizations',
    summary: 'List organisations (manager)',
    security,
    responses: {
      200: { description: 'Organisations', ...json(z.object({ items: z.array(Organization) })) },
      ...problems(401, 403),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/v1/organizations/{id}/api-keys',
    summary: 'Issue another API key for an organisation (manager); the key is shown once',
    security,
    request: { params: z.object({ id }) },
    responses: {
      201: { description: 'Issued', ...json(z.object({ keyId: z.string(), apiKey: z.string() })) },
      ...problems(401, 403, 404),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/organizations/{id}/api-keys',
    summary:
      "An organisation's key ids with creation, last-use and revocation dates, never the keys (manager)",
    security,
    request: { params: z.object({ id }) },
    responses: {
      200: {
        description: 'Keys',
        ...json(
          z.object({
            items: z.array(
              z.object({
                keyId: z.string(),
                createdAt: z.string(),
                lastUsedAt: z.string().nullable(),
                revokedAt: z.string().nullable(),
              }),
            ),
          }),
        ),
      },
      ...problems(401, 403, 404),
    },
  });
  registry.registerPath({
    method: 'delete',
    path: '/v1/organizations/{id}/api-keys/{keyId}',
    summary: 'Revoke a key (manager); it stops working at once',
    security,
    request: { params: z.object({ id, keyId: z.string() }) },
    responses: { 204: { description: 'Revoked' }, ...problems(401, 403, 404) },
  });
  registerMemberPaths(registry, security);
  registry.registerPath({
    method: 'post',
    path: '/v1/journeys',
    summary: 'Refer a learner (agency): starts a journey',
    security,
    request: {
      headers: z.object({ 'Idempotency-Key': IdempotencyKey.optional() }),
      body: json(CreateJourney),
    },
    responses: {
      201: { description: 'Journey started', ...json(Journey) },
      200: { description: 'Replay of an Idempotency-Key: the same journey', ...json(Journey) },
      ...problems(400, 401, 403, 422, 503),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/journeys',
    summary: 'List the journeys the caller may see',
    security,
    request: { query: ListJourneysQuery },
    responses: {
      200: {
        description: 'A page of journeys',
        ...json(z.object({ items: z.array(Journey), nextCursor: z.string().nullable() })),
      },
      ...problems(401, 422),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/journeys/{id}',
    summary: 'A journey with its timeline and the actions the caller may take',
    security,
    request: { params: z.object({ id }) },
    responses: { 200: { description: 'The journey', ...json(Journey) }, ...problems(401, 403, 404) },
  });
  for (const action of ACTIONS) {
    registry.registerPath({
      method: 'post',
      path: `/v1/journeys/{id}/actions/${action}`,
      summary: `${action} (${TRANSITIONS[action].who.join(', ')}; from ${TRANSITIONS[action].from.join(', ')})`,
      security,
      description:
        'With an Idempotency-Key, a retry of the same request by the same organisation (after a timeout, ' +
        'a crash, a 503, a lost response) returns the first outcome instead of a 409, and the action ' +
        'happens once; the same key with another action or body is refused with 422.',
      request: {
        params: z.object({ id }),
        headers: z.object({ 'Idempotency-Key': IdempotencyKey.optional() }),
        body: json(ACTION_BODIES[action]),
      },
      responses: {
        200: {
          description: 'The journey as it is now (for a retry with the same key, after the first outcome)',
          ...json(Journey),
        },
        ...problems(400, 401, 403, 404, 409, 422, 503),
      },
    });
  }
  registry.registerPath({
    method: 'get',
    path: '/v1/learners/{id}/export',
    summary: 'Everything held about a learner, as a JSON attachment (manager; right of access)',
    security,
    request: { params: z.object({ id }) },
    responses: {
      200: {
        description: 'The learner, each journey with its timeline, follow-ups, texts and emails sent',
        headers: z.object({ 'Content-Disposition': z.string() }),
        ...json(LearnerExport),
      },
      ...problems(401, 403, 404),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/v1/learners/{id}/erase',
    summary:
      "Erase a learner's personal data (manager); the indicator codes stay and journeys go on. Idempotent",
    security,
    request: { params: z.object({ id }) },
    responses: { 200: { description: 'What was erased', ...json(Erasure) }, ...problems(401, 403, 404) },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/follow-ups/{token}',
    summary: "The learner's follow-up form (HTML)",
    request: { params: z.object({ token: z.string() }) },
    responses: { 200: { description: 'HTML form' }, 404: { description: 'Expired or used link' } },
  });
  registry.registerPath({
    method: 'post',
    path: '/v1/follow-ups/{token}',
    summary: "The learner's answer (form or JSON)",
    request: {
      params: z.object({ token: z.string() }),
      body: {
        content: {
          'application/json': { schema: FollowUpAnswer },
          'application/x-www-form-urlencoded': { schema: FollowUpAnswer },
        },
      },
    },
    responses: { 200: { description: 'Recorded' }, ...problems(404, 409, 422) },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/stats',
    summary:
      'Indicators (manager: all; fabrique: its own): counts by status, admission rate, who started, ' +
      'completion, certification and dropout, positive exits at 3 and 6 months with the response rate, ' +
      'median days to decision, average training length, progress toward the target, starts by month of ' +
      'start (`startsByMonth`: month, started, cumulative, progress toward the target); groupBy cuts them',
    security,
    request: { query: StatsQuery },
    responses: {
      200: {
        description: 'Indicators; rates are shares from 0 to 1, null when there is nothing to divide by',
        ...json(z.looseObject({})),
      },
      ...problems(401, 403, 422),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/notifications',
    summary:
      'Emails that need a person (manager), newest first: resent after a crash, refused for good ' +
      'by SMTP, skipped for an erased learner; no addresses, no content',
    security,
    request: { query: NotificationsQuery },
    responses: {
      200: { description: 'Emails to look at', ...json(z.object({ items: z.array(NotificationToReview) })) },
      ...problems(401, 403, 422),
    },
  });
  registerWebhookPaths(registry, security);
  registry.registerPath({
    method: 'get',
    path: '/healthz',
    summary: 'Liveness',
    responses: { 200: { description: 'Alive' } },
  });
  registry.registerPath({
    method: 'get',
    path: '/readyz',
    summary: 'Readiness: PostgreSQL and Temporal answer',
    responses: { 200: { description: 'Ready' }, ...problems(503) },
  });

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Parcours API',
      version: '1.0.0',
      description:
        'Learner journeys of the Grande École du Numérique, from referral to the 6-month follow-up. ' +
        'Errors are application/problem+json (RFC 9457).',
    },
    servers: [{ url: serverUrl }],
  });
}
