// The page a learner opens from the follow-up email, in the web app's DSFR
// look: phones first, no account, no script, only the app's own stylesheet.
// The link carries a token, so the page keeps it out of referrers and search
// engines.
import { FOLLOW_UP_OUTCOMES, type FollowUpOutcome } from '../domain/codes';
import { renderToString } from './render';

/** What the learner may answer: every outcome but "unknown", which only the system records. */
export const LEARNER_OUTCOMES: readonly FollowUpOutcome[] = FOLLOW_UP_OUTCOMES.codes.filter(
  (c) => c !== 'unknown',
);

export interface FollowUpFormInput {
  /** Null once the learner's personal data was erased. */
  firstName: string | null;
  milestone: '3m' | '6m';
  fabriqueName: string;
  /** The URL the form posts to. */
  action: string;
  /** A message to show above the form, for instance when the answer was refused. */
  error?: string;
}

/** The follow-up survey form, posted as application/x-www-form-urlencoded. */
export function renderFollowUpForm(input: FollowUpFormInput): string {
  const months = input.milestone === '6m' ? 6 : 3;
  return renderToString('follow-up-form', {
    title: `Où en êtes-vous ${months} mois après votre formation ?`,
    firstName: input.firstName?.trim(),
    fabriqueName: input.fabriqueName,
    action: input.action,
    error: input.error,
    outcomes: LEARNER_OUTCOMES.map((value) => ({ value, label: FOLLOW_UP_OUTCOMES.labels[value] })),
  });
}

export interface FollowUpPageInput {
  title: string;
  message: string;
  status?: 'ok' | 'error';
}

/** A message page with the form's look: thanks, an expired link, an error. */
export function renderFollowUpPage(input: FollowUpPageInput): string {
  return renderToString('follow-up-message', { ...input });
}
