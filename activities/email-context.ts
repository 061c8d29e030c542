// What one notification email is about, read from PostgreSQL at send time
// (personal data never travels through Temporal): the journey with its
// people, the addresses of each recipient, and what the template may say.
import { addDuration, dayOf } from '../domain/dates';
import type { Recipient } from '../domain/notifications';
import type { Milestone, TimingPolicy } from '../domain/policy';
import type { Db, Prisma } from '../prisma/client';
import { issueFollowUpToken } from '../store/follow-up-tokens';
import type { SendNotificationInput } from '../workflows/activity-types';
import type { TemplateContext } from '../mail/templates/context';

type NotifiedJourney = Prisma.JourneyGetPayload<{ include: { learner: true; agency: true; fabrique: true } }>;
type Organization = NotifiedJourney['fabrique'];

/** The journey an email is about, and for a transfer the fabrique it left. */
export interface EmailSubject {
  journey: NotifiedJourney;
  previousFabrique: Organization | null;
}

export async function loadEmailSubject(db: Db, input: SendNotificationInput): Promise<EmailSubject> {
  const journey = await db.journey.findUniqueOrThrow({
    where: { id: input.journeyId },
    include: { learner: true, agency: true, fabrique: true },
  });
  const fromId = input.details.fromFabriqueId;
  const previousFabrique =
    typeof fromId === 'string' ? await db.organization.findUnique({ where: { id: fromId } }) : null;
  return { journey, previousFabrique };
}

/** The addresses of one recipient; none for an erased learner. */
export async function addressesOf(db: Db, who: Recipient, { journey, previousFabrique }: EmailSubject) {
  switch (who) {
    case 'learner':
      return journey.learner.email ? [journey.learner.email] : [];
    case 'agency':
      return [journey.referrerEmail ?? journey.agency.email];
    case 'fabrique':
      return [journey.fabrique.email];
    case 'previous-fabrique':
      return previousFabrique ? [previousFabrique.email] : [];
    case 'managers': {
      const managers = await db.organization.findMany({
        where: { type: 'manager' },
        orderBy: { createdAt: 'asc' },
      });
      return [...new Set(managers.map((m) => m.email))];
    }
  }
}

const SURVEY_TEMPLATES: readonly string[] = ['follow-up-survey.learner', 'follow-up-reminder.learner'];

/**
 * For the survey email and its reminder, a new personal link to the form:
 * it issues a token, so call it once the email is claimed for sending.
 */
export async function surveyLink(
  db: Db,
  { journey }: EmailSubject,
  input: SendNotificationInput,
  publicBaseUrl: string,
): Promise<TemplateContext['followUp']> {
  const milestone = input.details.milestone as Milestone | undefined;
  if (!milestone || !SURVEY_TEMPLATES.includes(input.template)) return undefined;
  const policy = journey.policy as unknown as TimingPolicy;
  const fu = await db.followUp.findUnique({
    where: { journeyId_milestone: { journeyId: journey.id, milestone } },
  });
  const expiresAt = addDuration(fu?.surveySentAt ?? new Date(), policy.followUpGiveUp);
  const token = await issueFollowUpToken(db, journey.id, milestone, expiresAt);
  if (!token) return undefined;
  return { milestone, link: `${publicBaseUrl}/v1/follow-ups/${token}`, expiresAt: expiresAt.toISOString() };
}

/** What the template may say: names, dates, the event's codes and the free text typed with it. */
export async function templateContext(
  db: Db,
  { journey, previousFabrique }: EmailSubject,
  input: SendNotificationInput,
  extra: { followUp: TemplateContext['followUp']; publicBaseUrl: string },
): Promise<TemplateContext> {
  const timeline = await db.timelineEntry.findUnique({
    where: { journeyId_seq: { journeyId: journey.id, seq: input.seq } },
  });
  const texts: Record<string, string> = {};
  for (const [k, v] of Object.entries((timeline?.details as Record<string, unknown> | null) ?? {})) {
    if (typeof v === 'string' && !(k in input.details)) texts[k] = v;
  }
  return {
    learner: { firstName: journey.learner.firstName, lastName: journey.learner.lastName },
    agency: { name: journey.agency.name },
    referrer: { name: journey.referrerName },
    fabrique: { name: journey.fabrique.name, email: journey.fabrique.email },
    previousFabrique: previousFabrique ? { name: previousFabrique.name } : undefined,
    journey: {
      id: journey.id,
      status: journey.status,
      trainingTitle: journey.trainingTitle,
      referredAt: journey.referredAt.toISOString(),
      interviewAt: journey.interviewAt?.toISOString() ?? null,
      plannedStartDate: dayOf(journey.plannedStartDate),
      durationMonths: journey.durationMonths,
      startDate: dayOf(journey.startDate),
      plannedEndDate: dayOf(journey.plannedEndDate),
      exitDate: dayOf(journey.exitDate),
    },
    details: input.details,
    texts,
    followUp: extra.followUp,
    journeyUrl: `${extra.publicBaseUrl}/parcours/${journey.id}`,
  };
}
