// The OpenAPI 3.1 document, generated from the zod schemas that validate requests.
// Each group of routes registers its operations (registerOperation, with an
// operationId and its security) and the document is linted by Redocly's
// recommended rules in `npm test`; client/ is generated from it (npm run client).
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { ACTIONS, TRANSITIONS, type ActionName } from '../domain/transitions';
import { registerLearnerPaths } from './openapi-learners';
import { registerMemberPaths } from './openapi-members';
import { registerOrganizationPaths } from './openapi-organizations';
import {
  AUTHENTICATED as security,
  json,
  problems,
  PUBLIC,
  RATE_LIMIT_HEADERS,
  registerOperation,
} from './openapi-problems';
import { registerWebhookPaths } from './openapi-webhooks';
import {
  ACTION_BODIES,
  CreateJourney,
  FollowUpAnswer,
  IdempotencyKey,
  Journey,
  ListJourneysQuery,
  NotificationsQuery,
  NotificationToReview,
  StatsQuery,
} from './schemas';

/** One body per action, as a fabrique's or an agency's software would send it. */
const ACTION_EXAMPLES: Record<ActionName, Record<string, unknown>> = {
  'take-in-review': { interviewAt: '2027-01-10T14:00:00+01:00', note: 'Entretien au 2e étage.' },
  waitlist: { note: 'Session complète, prochaine en mars.' },
  admit: { startDate: '2027-02-01', durationMonths: 6, trainingTitle: 'Développeur·se web' },
  refuse: {
    reason: 'prerequisites_not_met',
    shareWithLearner: true,
    message: 'Un module de remise à niveau est conseillé.',
  },
  withdraw: { reason: 'found_job' },
  'confirm-start': { startDate: '2027-02-01' },
  'report-no-show': { note: 'Absent le premier jour, injoignable.' },
  suspend: { reason: 'health', from: '2027-03-10' },
  resume: { date: '2027-04-01' },
  extend: { plannedEndDate: '2027-09-30', reason: 'Suspension de trois semaines à rattraper.' },
  'record-dropout': { date: '2027-05-12', reason: 'found_job' },
  'record-completion': { date: '2027-08-01', certified: true, certification: 'Titre professionnel DWWM' },
  'record-follow-up': {
    milestone: '3m',
    outcome: 'cdi',
    employer: 'Mairie de Saint-Denis',
    contractStart: '2027-10-01',
  },
  transfer: { toFabriqueId: '7d0c2f51-3f4e-4a5b-9c1d-2e3f4a5b6c7d', reason: 'Déménagement à Lille.' },
  close: { reason: 'Doublon d’un autre parcours.' },
};

const LEARNER_EXAMPLE = {
  learner: {
    firstName: 'Inès',
    lastName: 'Benali',
    email: 'ines.benali@example.org',
    phone: '06 12 34 56 78',
    birthDate: '2004-03-17',
    gender: 'female',
    postalCode: '93200',
    qpvResident: true,
    diplomaLevel: 'none',
  },
  fabriqueId: '3f6b1c2d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  referrer: { name: 'Claire Martin', email: 'claire.martin@ml-saint-denis.fr' },
  trainingTitle: 'Développeur·se web',
};

const camel = (action: string) => action.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
const actionOperationId = (action: ActionName) =>
  `journey${camel(action).charAt(0).toUpperCase()}${camel(action).slice(1)}`;

const Health = z.object({ status: z.literal('ok') });
const Check = z.object({ status: z.enum(['up', 'down']), error: z.string().optional() });
const Readiness = z.object({
  status: z.literal('ready'),
  checks: z.object({ database: Check, temporal: Check }),
});
const FollowUpRecorded = z.object({ status: z.literal('recorded'), milestone: z.enum(['3m', '6m']) });
const html = (description: string) => ({ description, content: { 'text/html': { schema: z.string() } } });
/** A problem+json for software, the same error as a page for the learner's browser. */
const problemOrPage = (status: number, page: string) => {
  const problem = problems(status)[status] as { description: string; content: Record<string, unknown> };
  return {
    [status]: {
      description: `${problem.description}; ${page}`,
      content: { ...problem.content, 'text/html': { schema: z.string() } },
    },
  };
};

/** The document; served with `serverUrl` as its server, and kept in client/ with a relative one. */
export function buildOpenApiDocument(serverUrl = '/') {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: "An organisation's API key: `Authorization: Bearer pk_…`",
  });
  const id = z.uuid();

  registerOrganizationPaths(registry);
  registerMemberPaths(registry);
  registerOperation(registry, {
    method: 'post',
    path: '/v1/journeys',
    operationId: 'referLearner',
    summary: 'Refer a learner (agency): starts a journey',
    security,
    request: {
      headers: z.object({ 'Idempotency-Key': IdempotencyKey.optional() }),
      body: json(CreateJourney, LEARNER_EXAMPLE),
    },
    responses: {
      201: { description: 'Journey started', ...json(Journey) },
      200: { description: 'Replay of an Idempotency-Key: the same journey', ...json(Journey) },
      ...problems(400, 413, 401, 403, 422, 429, 503),
    },
  });
  registerOperation(registry, {
    method: 'get',
    path: '/v1/journeys',
    operationId: 'listJourneys',
    summary: 'List the journeys the caller may see',
    security,
    request: { query: ListJourneysQuery },
    responses: {
      200: {
        description: 'A page of journeys',
        ...json(z.object({ items: z.array(Journey), nextCursor: z.string().nullable() })),
      },
      ...problems(401, 422, 429),
    },
  });
  registerOperation(registry, {
    method: 'get',
    path: '/v1/journeys/{id}',
    operationId: 'getJourney',
    summary: 'A journey with its timeline and the actions the caller may take',
    security,
    request: { params: z.object({ id }) },
    responses: { 200: { description: 'The journey', ...json(Journey) }, ...problems(401, 403, 404, 429) },
  });
  for (const action of ACTIONS) {
    registerOperation(registry, {
      method: 'post',
      path: `/v1/journeys/{id}/actions/${action}`,
      operationId: actionOperationId(action),
      summary: `${action} (${TRANSITIONS[action].who.join(', ')}; from ${TRANSITIONS[action].from.join(', ')})`,
      security,
      description:
        'With an Idempotency-Key, a retry of the same request by the same organisation (after a timeout, ' +
        'a crash, a 503, a lost response) returns the first outcome instead of a 409, and the action ' +
        'happens once; the same key with another action or body is refused with 422. Actions on one ' +
        'journey are limited per window, whoever sends them: beyond it, a 429 with Retry-After.',
      request: {
        params: z.object({ id }),
        headers: z.object({ 'Idempotency-Key': IdempotencyKey.optional() }),
        body: json(ACTION_BODIES[action], ACTION_EXAMPLES[action]),
      },
      responses: {
        200: {
          description: 'The journey as it is now (for a retry with the same key, after the first outcome)',
          ...json(Journey),
        },
        ...problems(400, 413, 401, 403, 404, 409, 422, 429, 503),
      },
    });
  }
  registerLearnerPaths(registry);
  registerOperation(registry, {
    method: 'get',
    path: '/v1/follow-ups/{token}',
    operationId: 'getFollowUpForm',
    summary: "The learner's follow-up form (HTML); no key, the link's token is the key",
    security: PUBLIC,
    request: { params: z.object({ token: z.string() }) },
    responses: {
      200: html('The form'),
      ...problemOrPage(404, 'a page saying so for a browser (Accept: text/html)'),
      ...problems(429),
    },
  });
  registerOperation(registry, {
    method: 'post',
    path: '/v1/follow-ups/{token}',
    operationId: 'answerFollowUp',
    summary: "The learner's answer (form or JSON); no key, the link's token is the key",
    security: PUBLIC,
    request: {
      params: z.object({ token: z.string() }),
      body: {
        content: {
          'application/json': {
            schema: FollowUpAnswer,
            example: { outcome: 'cdi', employer: 'Mairie de Saint-Denis', contractStart: '2027-10-01' },
          },
          'application/x-www-form-urlencoded': {
            schema: FollowUpAnswer,
            example: { outcome: 'training' },
          },
        },
      },
    },
    responses: {
      200: {
        description: 'Recorded (a thank-you page for a form)',
        content: { ...json(FollowUpRecorded).content, 'text/html': { schema: z.string() } },
      },
      ...problems(400, 413, 409),
      ...problemOrPage(404, 'a page saying so for a form'),
      ...problemOrPage(422, 'the form again, with the error, for a form'),
      ...problems(429, 503),
    },
  });
  registerOperation(registry, {
    method: 'get',
    path: '/v1/stats',
    operationId: 'getStats',
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
      ...problems(401, 403, 422, 429),
    },
  });
  registerOperation(registry, {
    method: 'get',
    path: '/v1/notifications',
    operationId: 'listNotificationsToReview',
    summary:
      'Emails that need a person (manager), newest first: resent after a crash, refused for good ' +
      'by SMTP, skipped for an erased learner; no addresses, no content',
    security,
    request: { query: NotificationsQuery },
    responses: {
      200: { description: 'Emails to look at', ...json(z.object({ items: z.array(NotificationToReview) })) },
      ...problems(401, 403, 422, 429),
    },
  });
  registerWebhookPaths(registry, security);
  registerOperation(registry, {
    method: 'get',
    path: '/healthz',
    operationId: 'liveness',
    summary: 'Liveness: the process answers',
    security: PUBLIC,
    responses: {
      200: { description: 'Alive', headers: RATE_LIMIT_HEADERS, ...json(Health) },
      ...problems(429),
    },
  });
  registerOperation(registry, {
    method: 'get',
    path: '/readyz',
    operationId: 'readiness',
    summary: 'Readiness: PostgreSQL and Temporal answer',
    security: PUBLIC,
    responses: {
      200: { description: 'Ready', headers: RATE_LIMIT_HEADERS, ...json(Readiness) },
      ...problems(429, 503),
    },
  });

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Parcours API',
      version: '1.0.0',
      description:
        'Learner journeys of the Grande École du Numérique, from referral to the 6-month follow-up. ' +
        'Errors are application/problem+json (RFC 9457). Limited routes send RateLimit-Limit, ' +
        'RateLimit-Remaining and RateLimit-Reset, and a 429 or a 503 says when to try again ' +
        '(Retry-After, in seconds).',
      license: { name: 'UNLICENSED', identifier: 'LicenseRef-UNLICENSED' },
    },
    servers: [{ url: serverUrl }],
  });
}
