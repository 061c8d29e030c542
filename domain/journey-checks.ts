// Whether an action may be taken: by this actor, from this status, with this
// payload, now. Never changes the state: a refused action leaves no trace.
import type { ActionRequest } from './actions';
import { REFUSAL_TYPES } from './actions';
import type { FollowUpOutcome } from './codes';
import {
  DROPOUT_REASONS,
  FOLLOW_UP_OUTCOMES,
  REFUSAL_REASONS,
  SUSPENSION_REASONS,
  WITHDRAWAL_REASONS,
} from './codes';
import { addDuration, atMidnight, DATE_RANGE, dateOnly, daysBetween, type DateOnly } from './dates';
import { plannedEnd } from './journey-changes';
import type { JourneyState } from './journey-state';
import { ownsJourney, notOwnedMessage } from './ownership';
import { MILESTONES, type Milestone, type TimingPolicy } from './policy';
import type { ActionName } from './transitions';
import { checkTransition, MAX_TIMES_PER_ACTION } from './transitions';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** An action refused by the rules; `type` is one of REFUSAL_TYPES. */
export class ActionRefused extends Error {
  constructor(
    readonly type: (typeof REFUSAL_TYPES)[keyof typeof REFUSAL_TYPES],
    message: string,
    /** The payload field at fault, for a refusal of type `invalid`. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ActionRefused';
  }
}

function invalid(message: string, field?: string): never {
  throw new ActionRefused(REFUSAL_TYPES.invalid, message, field);
}

function parseDate(field: string, value: unknown): Date {
  if (typeof value !== 'string' || !DATE_ONLY.test(value) || Number.isNaN(atMidnight(value).getTime())) {
    invalid(`${field} must be a date (YYYY-MM-DD)`, field);
  }
  const d = atMidnight(value);
  if (dateOnly(d) !== value) invalid(`${field} is not a real date`, field);
  if (value < DATE_RANGE.earliest || value > DATE_RANGE.latest) {
    invalid(`${field} must be from ${DATE_RANGE.earliest} to ${DATE_RANGE.latest}`, field);
  }
  return d;
}

/** A date of something that happened: not in the future, not older than the backdate limit. */
function pastDate(field: string, value: unknown, now: Date, policy: TimingPolicy): DateOnly {
  const d = parseDate(field, value);
  if (d.getTime() > now.getTime()) invalid(`${field} cannot be in the future`, field);
  const oldest = addDuration(now, policy.backdateLimit, -1);
  if (d.getTime() < atMidnight(dateOnly(oldest)).getTime()) {
    invalid(`${field} is older than the late-entry limit (${policy.backdateLimit})`, field);
  }
  return value as DateOnly;
}

/** A planned date: from the backdate limit to two years ahead. */
function plannedDate(field: string, value: unknown, now: Date, policy: TimingPolicy): DateOnly {
  const d = parseDate(field, value);
  const oldest = addDuration(now, policy.backdateLimit, -1);
  if (d.getTime() < atMidnight(dateOnly(oldest)).getTime()) {
    invalid(`${field} is older than the late-entry limit (${policy.backdateLimit})`, field);
  }
  if (d.getTime() > addDuration(now, 'P2Y').getTime())
    invalid(`${field} is more than two years ahead`, field);
  return value as DateOnly;
}

function notBefore(field: string, value: DateOnly, otherField: string, other: DateOnly | undefined): void {
  if (other !== undefined && value < other)
    invalid(`${field} (${value}) is before ${otherField} (${other})`, field);
}

/** Throws ActionRefused unless `actor` may take `action` with `payload` now. Never mutates. */
export function checkAction(
  state: JourneyState,
  action: ActionName,
  request: ActionRequest,
  now: Date,
  policy: TimingPolicy,
): void {
  const { actor } = request;
  const table = checkTransition(action, state.status, actor.type);
  if (table?.kind === 'role') throw new ActionRefused(REFUSAL_TYPES.forbidden, table.message);
  if (!ownsJourney(actor, state)) throw new ActionRefused(REFUSAL_TYPES.forbidden, notOwnedMessage(actor));
  if (table?.kind === 'status') throw new ActionRefused(REFUSAL_TYPES.status, table.message);
  if ((state.actionCounts?.[action] ?? 0) >= MAX_TIMES_PER_ACTION) {
    throw new ActionRefused(
      REFUSAL_TYPES.status,
      `${action} was already taken ${MAX_TIMES_PER_ACTION} times on this journey, the most allowed`,
    );
  }
  checkPayload(state, action, request.payload, now, policy);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A code of its list, as the API's schemas require: the workflow checks again. */
function code(field: string, value: unknown, codes: readonly string[]): void {
  if (typeof value !== 'string' || !codes.includes(value)) invalid(`unknown ${field} code`, field);
}

function checkPayload(
  state: JourneyState,
  action: ActionName,
  payload: ActionRequest['payload'],
  now: Date,
  policy: TimingPolicy,
): void {
  const p = payload as Record<string, unknown>;
  const referralDay = state.referredAt.slice(0, 10);
  /** A date of something that happened during the training: not before its start. */
  const duringTraining = (field: string, value: unknown): DateOnly => {
    const date = pastDate(field, value, now, policy);
    notBefore(field, date, 'the start date', state.startDate);
    return date;
  };
  switch (action) {
    case 'take-in-review': {
      if (p.interviewAt !== undefined) {
        const t = new Date(String(p.interviewAt));
        if (Number.isNaN(t.getTime())) invalid('interviewAt must be a date-time', 'interviewAt');
        plannedDate('interviewAt', dateOnly(t), now, policy);
      }
      return;
    }
    case 'admit': {
      // A start before the referral is a late entry; the backdate limit bounds it.
      plannedDate('startDate', p.startDate, now, policy);
      const months = p.durationMonths;
      if (typeof months !== 'number' || !Number.isInteger(months) || months < 3 || months > 24) {
        invalid('durationMonths must be a whole number from 3 to 24', 'durationMonths');
      }
      return;
    }
    case 'refuse': {
      code('reason', p.reason, REFUSAL_REASONS.codes);
      if (typeof p.shareWithLearner !== 'boolean') {
        invalid('shareWithLearner must be true or false', 'shareWithLearner');
      }
      return;
    }
    case 'withdraw': {
      code('reason', p.reason, WITHDRAWAL_REASONS.codes);
      return;
    }
    case 'confirm-start': {
      pastDate('startDate', p.startDate, now, policy);
      return;
    }
    case 'suspend': {
      code('reason', p.reason, SUSPENSION_REASONS.codes);
      notBefore('from', duringTraining('from', p.from), 'the last resume', state.resumedOn);
      return;
    }
    case 'resume': {
      const date = pastDate('date', p.date, now, policy);
      notBefore('date', date, 'the suspension date', state.suspendedFrom);
      return;
    }
    case 'extend': {
      const end = plannedDate('plannedEndDate', p.plannedEndDate, now, policy);
      if (state.plannedEndDate && end <= state.plannedEndDate) {
        invalid(
          `plannedEndDate must be after the current planned end (${state.plannedEndDate})`,
          'plannedEndDate',
        );
      }
      const ongoing = state.suspendedFrom ? Math.max(0, daysBetween(state.suspendedFrom, dateOnly(now))) : 0;
      const limit = plannedEnd(state.startDate ?? referralDay, 24, state.suspendedDays + ongoing);
      if (end > limit)
        invalid(
          `training time, suspensions excluded, would exceed 24 months (latest end ${limit})`,
          'plannedEndDate',
        );
      return;
    }
    case 'record-dropout': {
      code('reason', p.reason, DROPOUT_REASONS.codes);
      duringTraining('date', p.date);
      return;
    }
    case 'record-completion': {
      duringTraining('date', p.date);
      if (typeof p.certified !== 'boolean') invalid('certified must be true or false', 'certified');
      return;
    }
    case 'record-follow-up': {
      const milestone = p.milestone as Milestone;
      if (!MILESTONES.includes(milestone)) invalid('milestone must be 3m or 6m', 'milestone');
      if (!FOLLOW_UP_OUTCOMES.codes.includes(p.outcome as FollowUpOutcome))
        invalid('unknown outcome code', 'outcome');
      const fu = state.followUps[milestone];
      if (!fu) invalid(`the ${milestone} follow-up does not exist for this journey`, 'milestone');
      if (fu.status === 'answered' || fu.status === 'unknown') {
        throw new ActionRefused(REFUSAL_TYPES.status, `the ${milestone} follow-up is already resolved`);
      }
      if (new Date(fu.dueAt).getTime() > now.getTime()) {
        invalid(`the ${milestone} follow-up is not due before ${fu.dueAt.slice(0, 10)}`, 'milestone');
      }
      if (p.contractStart !== undefined) parseDate('contractStart', p.contractStart);
      return;
    }
    case 'transfer': {
      // An organisation id, as the database keeps them; the API checks it is a fabrique.
      if (typeof p.toFabriqueId !== 'string' || !UUID.test(p.toFabriqueId))
        invalid('toFabriqueId must be a fabrique id', 'toFabriqueId');
      if (p.toFabriqueId === state.fabriqueId)
        invalid('the journey is already at this fabrique', 'toFabriqueId');
      return;
    }
    default:
      return;
  }
}
