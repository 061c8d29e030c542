// What one notification email is about, read from PostgreSQL at send time
// (personal data never travels through Temporal): the journey with its
// people, the addresses of each recipient, and what the template may say.
//
// One statement reads all of it, with the email's notification log entry:
// an email is sent for most events, so this is the worker's busiest read
// (it was six to eight statements, one per relation; see `npm run bench`).
import { addDuration, dayOf } from '../domain/dates';
import type { Recipient } from '../domain/notifications';
import type { Milestone, TimingPolicy } from '../domain/policy';
import type { Db } from '../prisma/client';
import { issueFollowUpToken } from '../store/follow-up-tokens';
import type { LogEntry, NotificationStatus } from '../store/notification-log';
import type { SendNotificationInput } from '../workflows/activity-types';
import type { TemplateContext } from '../mail/templates/context';

/** An organisation as an email names it and writes to it. */
interface Addressee {
  name: string;
  email: string;
}

/** The journey an email is about, its people, and what the log holds for the email. */
export interface EmailSubject {
  journey: {
    id: string;
    status: string;
    trainingTitle: string | null;
    referrerName: string | null;
    referrerEmail: string | null;
    referredAt: Date;
    interviewAt: Date | null;
    plannedStartDate: Date | null;
    durationMonths: number | null;
    startDate: Date | null;
    plannedEndDate: Date | null;
    exitDate: Date | null;
    policy: TimingPolicy;
  };
  /** Names and address are null once the learner's personal data was erased. */
  learner: { firstName: string | null; lastName: string | null; email: string | null };
  agency: Addressee;
  fabrique: Addressee;
  /** For a transfer: the fabrique the referral left. */
  previousFabrique: Addressee | null;
  /** The details the event's timeline entry holds, free text included. */
  eventDetails: Record<string, unknown> | null;
  /** For the survey email and its reminder: the follow-up it asks about. */
  followUp: { id: string; surveySentAt: Date | null } | null;
  /** The email's notification log entry, if an attempt wrote one. */
  logged: LogEntry | null;
}

const SURVEY_TEMPLATES: readonly string[] = ['follow-up-survey.learner', 'follow-up-reminder.learner'];

/** The milestone a survey email or its reminder is about; none for other emails. */
function surveyMilestone(input: SendNotificationInput): Milestone | null {
  const milestone = input.details.milestone as Milestone | undefined;
  return milestone && SURVEY_TEMPLATES.includes(input.template) ? milestone : null;
}

/**
 * Reads, in one statement (relations joined in PostgreSQL), the journey an
 * email is about with its learner, agency and fabrique, the event's timeline
 * details, the follow-up a survey asks about, and the email's log entry; a
 * transfer's email reads the fabrique it left too. Throws when the journey
 * does not exist.
 */
export async function loadEmailSubject(
  db: Db,
  input: SendNotificationInput,
  eventKey: string,
): Promise<EmailSubject> {
  const fromId = input.details.fromFabriqueId;
  const milestone = surveyMilestone(input);
  const addressee = { select: { name: true, email: true } } as const;
  const [journey, previousFabrique] = await Promise.all([
    db.journey.findUniqueOrThrow({
      where: { id: input.journeyId },
      include: {
        learner: { select: { firstName: true, lastName: true, email: true } },
        agency: addressee,
        fabrique: addressee,
        timeline: { where: { seq: input.seq }, select: { details: true } },
        followUps: milestone
          ? { where: { milestone }, select: { id: true, surveySentAt: true } }
          : { take: 0, select: { id: true, surveySentAt: true } },
        notifications: { where: { eventKey }, select: { status: true, attempts: true } },
      },
    }),
    typeof fromId === 'string' ? db.organization.findUnique({ where: { id: fromId }, ...addressee }) : null,
  ]);
  const { learner, agency, fabrique, timeline, followUps, notifications, ...row } = journey;
  const logged = notifications[0];
  return {
    journey: { ...row, policy: row.policy as unknown as TimingPolicy },
    learner,
    agency,
    fabrique,
    previousFabrique,
    eventDetails: (timeline[0]?.details as Record<string, unknown> | null | undefined) ?? null,
    followUp: followUps[0] ?? null,
    logged: logged ? { status: logged.status as NotificationStatus, attempts: logged.attempts } : null,
  };
}

/** The addresses of one recipient; none for an erased learner. */
export async function addressesOf(db: Db, who: Recipient, subject: EmailSubject) {
  switch (who) {
    case 'learner':
      return subject.learner.email ? [subject.learner.email] : [];
    case 'agency':
      return [subject.journey.referrerEmail ?? subject.agency.email];
    case 'fabrique':
      return [subject.fabrique.email];
    case 'previous-fabrique':
      return subject.previousFabrique ? [subject.previousFabrique.email] : [];
    case 'managers': {
      const managers = await db.organization.findMany({
        where: { type: 'manager' },
        orderBy: { createdAt: 'asc' },
      });
      return [...new Set(managers.map((m) => m.email))];
    }
  }
}

/**
 * For the survey email and its reminder, a new personal link to the form:
 * it issues a token, so call it once the email is claimed for sending.
 */
export async function surveyLink(
  db: Db,
  { journey, followUp }: EmailSubject,
  input: SendNotificationInput,
  publicBaseUrl: string,
): Promise<TemplateContext['followUp']> {
  const milestone = surveyMilestone(input);
  if (!milestone || !followUp) return undefined;
  const expiresAt = addDuration(followUp.surveySentAt ?? new Date(), journey.policy.followUpGiveUp);
  const token = await issueFollowUpToken(db, followUp.id, expiresAt);
  return { milestone, link: `${publicBaseUrl}/v1/follow-ups/${token}`, expiresAt: expiresAt.toISOString() };
}

/** What the template may say: names, dates, the event's codes and the free text typed with it. */
export function templateContext(
  { journey, learner, agency, fabrique, previousFabrique, eventDetails }: EmailSubject,
  input: SendNotificationInput,
  extra: { followUp: TemplateContext['followUp']; publicBaseUrl: string },
): TemplateContext {
  const texts: Record<string, string> = {};
  for (const [k, v] of Object.entries(eventDetails ?? {})) {
    if (typeof v === 'string' && !(k in input.details)) texts[k] = v;
  }
  return {
    learner: { firstName: learner.firstName, lastName: learner.lastName },
    agency: { name: agency.name },
    referrer: { name: journey.referrerName },
    fabrique: { name: fabrique.name, email: fabrique.email },
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
