// The learner's rights (export, erasure) in the OpenAPI document.
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { AUTHENTICATED as security, json, problems, registerOperation } from './openapi-problems';
import { LearnerView } from './schemas';

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

export function registerLearnerPaths(registry: OpenAPIRegistry): void {
  const id = z.uuid();
  registerOperation(registry, {
    method: 'get',
    path: '/v1/learners/{id}/export',
    operationId: 'exportLearner',
    summary: 'Everything held about a learner, as a JSON attachment (manager; right of access)',
    security,
    request: { params: z.object({ id }) },
    responses: {
      200: {
        description: 'The learner, each journey with its timeline, follow-ups, texts and emails sent',
        headers: z.object({ 'Content-Disposition': z.string() }),
        ...json(LearnerExport),
      },
      ...problems(401, 403, 404, 429),
    },
  });
  registerOperation(registry, {
    method: 'post',
    path: '/v1/learners/{id}/erase',
    operationId: 'eraseLearner',
    summary:
      "Erase a learner's personal data (manager); the indicator codes stay and journeys go on. Idempotent",
    security,
    request: { params: z.object({ id }) },
    responses: {
      200: { description: 'What was erased', ...json(Erasure) },
      ...problems(401, 403, 404, 429),
    },
  });
}
