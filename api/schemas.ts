// Request and response schemas: they validate input at the edge and generate
// the OpenAPI document, so the two never disagree.
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import {
  AGENCY_KINDS,
  DIPLOMA_LEVELS,
  DROPOUT_REASONS,
  FOLLOW_UP_OUTCOMES,
  GENDERS,
  REFUSAL_REASONS,
  SUSPENSION_REASONS,
  WITHDRAWAL_REASONS,
} from '../domain/codes';
import { DATE_RANGE } from '../domain/dates';
import { REVIEW_REASONS } from '../store/notifications-to-review';
import { ACTIONS, STATUSES, type ActionName } from '../domain/transitions';

extendZodWithOpenApi(z);

/** The Idempotency-Key header: 1 to 200 printable ASCII characters, chosen by the caller. */
export const IdempotencyKey = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII')
  .openapi({
    description:
      'Any 1 to 200 printable characters chosen by the caller, e.g. a UUID; it names the request ' +
      'for this caller (and, for an action, this journey).',
    example: 'c0a8012e-7f3b-4c5e-9d2a-1b6f0e4d3a21',
  });

const enumOf = <C extends string>(list: { codes: readonly C[] }) => z.enum(list.codes as [C, ...C[]]);
// PostgreSQL stores neither NUL nor unpaired surrogates (in text or jsonb):
// such free text is refused here rather than failing at the database.
const STORABLE = /^(?:[^\p{Cc}\p{Cs}]|[\t\n\r])*$/u;
// One-line fields (names, titles) also refuse line breaks, which could add
// lines to the plain-text emails they are written into.
const ONE_LINE = /^[^\p{Cc}\p{Cs}\u2028\u2029]*$/u;
const trimmed = (allowed: RegExp, message: string) => (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => allowed.test(s), message);
export const text = trimmed(STORABLE, 'control characters or unpaired surrogates are not allowed');
export const line = trimmed(ONE_LINE, 'a single line: no line breaks or control characters');
export const date = z.iso
  .date()
  .refine(
    (d) => d >= DATE_RANGE.earliest && d <= DATE_RANGE.latest,
    `a date from ${DATE_RANGE.earliest} to ${DATE_RANGE.latest}`,
  )
  .openapi({ example: '2027-01-15' });
const dateTime = z.iso.datetime({ offset: true }).openapi({ example: '2027-01-10T14:00:00+01:00' });
const uuid = z.uuid();

export const OrganizationType = z.enum(['agency', 'fabrique', 'manager']);

export const CreateOrganization = z
  .strictObject({
    type: OrganizationType,
    name: line(200),
    email: z.email().max(254),
    region: line(100).optional(),
    department: line(100).optional(),
    agencyKind: enumOf(AGENCY_KINDS).optional(),
  })
  .openapi('CreateOrganization');

export const Organization = z
  .object({
    id: uuid,
    type: OrganizationType,
    name: z.string(),
    email: z.string(),
    region: z.string().nullable(),
    department: z.string().nullable(),
    agencyKind: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('Organization');

export const CreatedOrganization = Organization.extend({
  apiKey: z.string().openapi({ description: 'Shown once; only its hash is kept.' }),
  keyId: z.string(),
}).openapi('CreatedOrganization');

export const CreateMember = z
  .strictObject({ email: z.email().max(254), name: text(200) })
  .openapi('CreateMember');

export const Member = z
  .object({ id: uuid, organizationId: uuid, email: z.string(), name: z.string(), createdAt: z.string() })
  .openapi('Member');

export const LearnerInput = z.strictObject({
  firstName: line(100),
  lastName: line(100),
  email: z.email().max(254),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9 .()-]{6,20}$/, 'a phone number')
    .optional(),
  birthDate: date,
  gender: enumOf(GENDERS),
  postalCode: z.string().regex(/^(?:\d{5}|2[AB]\d{3})$/, 'a French postal code of five digits'),
  qpvResident: z.boolean(),
  diplomaLevel: enumOf(DIPLOMA_LEVELS),
});

export const CreateJourney = z
  .strictObject({
    learner: LearnerInput,
    fabriqueId: uuid,
    referrer: z.strictObject({ name: line(200), email: z.email().max(254) }).optional(),
    trainingTitle: line(200).optional(),
    note: text(2000).optional(),
  })
  .openapi('CreateJourney');

/** Each action's body. Free-text fields are kept in PostgreSQL, never in workflow history. */
export const ACTION_BODIES = {
  'take-in-review': z.strictObject({ interviewAt: dateTime.optional(), note: text(2000).optional() }),
  waitlist: z.strictObject({ note: text(2000).optional() }),
  admit: z.strictObject({
    startDate: date,
    durationMonths: z.number().int().min(3).max(24),
    trainingTitle: line(200).optional(),
  }),
  refuse: z.strictObject({
    reason: enumOf(REFUSAL_REASONS),
    shareWithLearner: z.boolean(),
    message: text(2000).optional(),
  }),
  withdraw: z.strictObject({ reason: enumOf(WITHDRAWAL_REASONS), note: text(2000).optional() }),
  'confirm-start': z.strictObject({ startDate: date }),
  'report-no-show': z.strictObject({ note: text(2000).optional() }),
  suspend: z.strictObject({ reason: enumOf(SUSPENSION_REASONS), from: date }),
  resume: z.strictObject({ date }),
  extend: z.strictObject({ plannedEndDate: date, reason: text(500) }),
  'record-dropout': z.strictObject({ date, reason: enumOf(DROPOUT_REASONS) }),
  'record-completion': z.strictObject({ date, certified: z.boolean(), certification: line(200).optional() }),
  'record-follow-up': z.strictObject({
    milestone: z.enum(['3m', '6m']),
    outcome: enumOf(FOLLOW_UP_OUTCOMES),
    employer: line(200).optional(),
    jobTitle: line(200).optional(),
    contractStart: date.optional(),
  }),
  transfer: z.strictObject({ toFabriqueId: uuid, reason: text(500) }),
  close: z.strictObject({ reason: text(500) }),
} satisfies Record<ActionName, z.ZodType>;

export const ActionNameParam = z.enum(ACTIONS);
export const StatusParam = z.enum(STATUSES);

const boolString = z.enum(['true', 'false']).transform((v) => v === 'true');

export const ListJourneysQuery = z.strictObject({
  status: StatusParam.optional(),
  fabriqueId: uuid.optional(),
  agencyId: uuid.optional(),
  qpvResident: boolString.optional(),
  gender: enumOf(GENDERS).optional(),
  from: date.optional().openapi({ description: 'Referred on or after this date' }),
  to: date.optional().openapi({ description: 'Referred on or before this date' }),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const NotificationsQuery = z.strictObject({
  status: z
    .enum(REVIEW_REASONS)
    .optional()
    .openapi({
      description:
        'Only the emails that need a person for this reason: `resent` after a crash (same Message-ID), ' +
        '`refused` for good by the SMTP server, `skipped` (an erased learner: nobody to write to), ' +
        '`uncertain` (left by earlier versions: perhaps not sent). Without it: all of them',
    }),
  journeyId: uuid.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** An email that needs a person, as managers see it: no address, no content. */
export const NotificationToReview = z.object({
  id: z.uuid(),
  journeyId: z.uuid().nullable(),
  template: z.string().openapi({ example: 'admitted.agency' }),
  recipientKind: z.string().openapi({ example: 'agency' }),
  status: z.enum(REVIEW_REASONS),
  attempts: z.number().int(),
  resentAfterCrash: z.number().int(),
  error: z.string().nullable().openapi({ description: 'The transport failure, as codes only' }),
  createdAt: z.string(),
  updatedAt: z.string(),
  sentAt: z.string().nullable(),
});

export const FollowUpAnswer = z.strictObject({
  outcome: enumOf(FOLLOW_UP_OUTCOMES).exclude(['unknown']),
  employer: line(200)
    .optional()
    .or(z.literal('').transform(() => undefined)),
  jobTitle: line(200)
    .optional()
    .or(z.literal('').transform(() => undefined)),
  contractStart: date.optional().or(z.literal('').transform(() => undefined)),
});

/** A learner as professionals see them; names and contacts are null once erased. */
export const LearnerView = z.object({
  id: uuid,
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  birthDate: z.string().nullable(),
  postalCode: z.string().nullable(),
  gender: z.string(),
  ageBand: z.string(),
  qpvResident: z.boolean(),
  diplomaLevel: z.string(),
});

export const Journey = z
  .object({
    id: uuid,
    status: StatusParam,
    learner: LearnerView,
    fabrique: z.object({ id: uuid, name: z.string() }),
    agency: z.object({ id: uuid, name: z.string() }),
    referrer: z.object({ name: z.string(), email: z.string() }).nullable(),
    trainingTitle: z.string().nullable(),
    dates: z.record(z.string(), z.string().nullable()),
    durationMonths: z.number().nullable(),
    exit: z
      .object({
        kind: z.enum(['completed', 'dropped_out']),
        date: z.string(),
        certified: z.boolean().nullable(),
        reason: z.string().nullable(),
        certification: z.string().nullable(),
      })
      .nullable(),
    endReason: z.string().nullable(),
    followUps: z.array(z.record(z.string(), z.unknown())),
    nextDeadline: z.object({ at: z.string(), kind: z.string() }).nullable(),
    allowedActions: z.array(z.enum(ACTIONS)),
    timeline: z.array(z.record(z.string(), z.unknown())).optional(),
  })
  .openapi('Journey');

export const ProblemBody = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number(),
    detail: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');

export const StatsQuery = z.strictObject({
  from: date.optional(),
  to: date.optional(),
  fabriqueId: z.uuid().optional(),
  region: line(100).optional(),
  groupBy: z.enum(['fabrique', 'region', 'month']).optional(),
});
