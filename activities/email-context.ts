// What one notification email is about, read from PostgreSQL at send time
// (personal data never travels through Temporal): the journey with its
// people, the addresses of each recipient, and what the template may say.
//
// One statement reads all of it, with the email's notification log entry:
// an email is sent for most events, so this is the worker's busiest read
// (it was six to eight statements through nested Prisma reads; see
// `npm run bench`).
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

interface SubjectRow {
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
  learnerFirstName: string | null;
  learnerLastName: string | null;
  learnerEmail: string | null;
  agencyName: string;
  agencyEmail: string;
  fabriqueName: string;
  fabriqueEmail: string;
  previousName: string | null;
  previousEmail: string | null;
  eventDetails: Record<string, unknown> | null;
  followUpId: string | null;
  surveySentAt: Date | null;
  logStatus: NotificationStatus | null;
  logAttempts: number | null;
}

const SURVEY_TEMPLATES: readonly string[] = ['follow-up-survey.learner', 'follow-up-reminder.learner'];

/** The milestone a survey email or its reminder is about; none for other emails. */
function surveyMilestone(input: SendNotificationInput): Milestone | null {
  const milestone = input.details.milestone as Milestone | undefined;
  return milestone && SURVEY_TEMPLATES.includes(input.template) ? milestone : null;
}

/**
 * Reads, in one statement, the journey an email is about with its learner,
 * agency, fabrique (and for a transfer the fabrique it left), the event's
 * timeline details, the follow-up a survey asks about, and the email's log
 * entry. Throws when the journey does not exist.
 */
export async function loadEmailSubject(
  db: Db,
  input: SendNotificationInput,
  eventKey: string,
): Promise<EmailSubject> {
  const fromId = input.details.fromFabriqueId;
  const previousId = typeof fromId === 'string' ? fromId : null;
  const milestone = surveyMilestone(input);
  const rows = await db.$queryRaw<SubjectRow[]>`
    SELECT j.id, j.status, j."trainingTitle", j."referrerName", j."referrerEmail",
           j."referredAt", j."interviewAt", j."plannedStartDate", j."durationMonths",
           j."startDate", j."plannedEndDate", j."exitDate", j.policy,
           l."firstName" AS "learnerFirstName", l."lastName" AS "learnerLastName",
           l.email AS "learnerEmail",
           a.name AS "agencyName", a.email AS "agencyEmail",
           f.name AS "fabriqueName", f.email AS "fabriqueEmail",
           p.name AS "previousName", p.email AS "previousEmail",
           t.details AS "eventDetails",
           fu.id AS "followUpId", fu."surveySentAt",
           n.status AS "logStatus", n.attempts AS "logAttempts"
    FROM "Journey" j
    JOIN "Learner" l ON l.id = j."learnerId"
    JOIN "Organization" a ON a.id = j."agencyId"
    JOIN "Organization" f ON f.id = j."fabriqueId"
    LEFT JOIN "Organization" p ON p.id = ${previousId}::uuid
    LEFT JOIN "TimelineEntry" t ON t."journeyId" = j.id AND t.seq = ${input.seq}
    LEFT JOIN "FollowUp" fu ON fu."journeyId" = j.id AND fu.milestone = ${milestone}
    LEFT JOIN "Notification" n ON n."eventKey" = ${eventKey}
    WHERE j.id = ${input.journeyId}::uuid`;
  const row = rows[0];
  // Retried like any failed read: the journey's row is written before its workflow starts.
  if (!row) throw new Error(`journey ${input.journeyId} not found`);
  return {
    journey: {
      id: row.id,
      status: row.status,
      trainingTitle: row.trainingTitle,
      referrerName: row.referrerName,
      referrerEmail: row.referrerEmail,
      referredAt: row.referredAt,
      interviewAt: row.interviewAt,
      plannedStartDate: row.plannedStartDate,
      durationMonths: row.durationMonths,
      startDate: row.startDate,
      plannedEndDate: row.plannedEndDate,
      exitDate: row.exitDate,
      policy: row.policy,
    },
    learner: { firstName: row.learnerFirstName, lastName: row.learnerLastName, email: row.learnerEmail },
    agency: { name: row.agencyName, email: row.agencyEmail },
    fabrique: { name: row.fabriqueName, email: row.fabriqueEmail },
    previousFabrique:
      row.previousName !== null && row.previousEmail !== null
        ? { name: row.previousName, email: row.previousEmail }
        : null,
    eventDetails: row.eventDetails,
    followUp: row.followUpId ? { id: row.followUpId, surveySentAt: row.surveySentAt } : null,
    logged: row.logStatus ? { status: row.logStatus, attempts: row.logAttempts ?? 0 } : null,
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
