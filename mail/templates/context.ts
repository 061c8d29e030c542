// What a template may say: gathered by the notification activity from
// PostgreSQL at send time (personal data never travels through Temporal).
import type { EventDetails } from '../../domain/journey-state';
import type { Milestone } from '../../domain/policy';

export interface TemplateContext {
  learner: {
    /** Null once the learner's personal data was erased. */
    firstName: string | null;
    lastName: string | null;
  };
  agency: { name: string };
  /** The counsellor who follows the learner at the agency, if one was named. */
  referrer: { name: string | null };
  fabrique: { name: string; email: string };
  /** For a transfer: the fabrique the referral left. */
  previousFabrique?: { name: string };
  journey: {
    id: string;
    status: string;
    trainingTitle: string | null;
    /** ISO instants and YYYY-MM-DD dates, as stored. */
    referredAt: string;
    interviewAt: string | null;
    plannedStartDate: string | null;
    durationMonths: number | null;
    startDate: string | null;
    plannedEndDate: string | null;
    exitDate: string | null;
  };
  /** Codes and dates of the event: reason, shareWithLearner, milestone, dates… */
  details: EventDetails;
  /** Free text typed with the action: note, message, reason, certification… */
  texts: Record<string, string>;
  /** For the follow-up survey and its reminder: the learner's personal link. */
  followUp?: { milestone: Milestone; link: string; expiresAt: string };
  /** Where a professional can look the journey up (API URL). */
  journeyUrl: string;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}
