// What each action carries into the workflow: codes, dates and identifiers
// only. Free text (notes, messages, employer…) stays in PostgreSQL as an
// ActionText row; the workflow sees its id.
import type {
  DropoutReason,
  FollowUpOutcome,
  RefusalReason,
  SuspensionReason,
  WithdrawalReason,
} from './codes';
import type { DateOnly, Instant } from './dates';
import type { Milestone } from './policy';
import type { ActionName, Actor } from './transitions';

export interface ActionPayloads {
  'take-in-review': { interviewAt?: Instant };
  waitlist: Record<string, never>;
  admit: { startDate: DateOnly; durationMonths: number };
  refuse: { reason: RefusalReason; shareWithLearner: boolean };
  withdraw: { reason: WithdrawalReason };
  'confirm-start': { startDate: DateOnly };
  'report-no-show': Record<string, never>;
  suspend: { reason: SuspensionReason; from: DateOnly };
  resume: { date: DateOnly };
  extend: { plannedEndDate: DateOnly };
  'record-dropout': { date: DateOnly; reason: DropoutReason };
  'record-completion': { date: DateOnly; certified: boolean };
  'record-follow-up': { milestone: Milestone; outcome: FollowUpOutcome; contractStart?: DateOnly };
  transfer: { toFabriqueId: string };
  close: Record<string, never>;
}

export interface ActionRequest<A extends ActionName = ActionName> {
  actor: Actor;
  payload: ActionPayloads[A];
  /** The ActionText row holding this action's free text, if any. */
  textId?: string;
}

/** Kinds of refusal, mapped to HTTP statuses by the API. */
export const REFUSAL_TYPES = {
  /** The caller's role or organisation may not act on this journey (403). */
  forbidden: 'ActionForbidden',
  /** Not allowed from the current status (409). */
  status: 'ActionNotAllowed',
  /** The payload breaks a rule: dates out of order, milestone not due… (422). */
  invalid: 'ActionInvalid',
} as const;

/** Fields of action bodies that are free text, stored apart from the workflow. */
export const FREE_TEXT_FIELDS = [
  'note',
  'message',
  'trainingTitle',
  'certification',
  'reason',
  'employer',
  'jobTitle',
] as const;

/** `reason` is a code for these actions (report-no-show records `no_show`), free text for the others. */
export const CODED_REASON_ACTIONS: readonly ActionName[] = [
  'refuse',
  'withdraw',
  'report-no-show',
  'suspend',
  'record-dropout',
];

/** Whether a field of this action's body (or timeline details) is free text, kept apart from the workflow. */
export function isFreeText(action: string, field: string): boolean {
  if (!(FREE_TEXT_FIELDS as readonly string[]).includes(field)) return false;
  return !(field === 'reason' && (CODED_REASON_ACTIONS as readonly string[]).includes(action));
}
