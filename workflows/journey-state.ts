// The journey as data, and the pure functions that check and apply an action.
// Kept apart from the workflow so they can be read, and tested, on their own.
import type { ActionPayloads, ActionRequest, DateOnly, Instant } from './actions';
import { REFUSAL_TYPES } from './actions';
import type { FollowUpOutcome } from './codes';
import {
  DROPOUT_REASONS,
  FOLLOW_UP_OUTCOMES,
  REFUSAL_REASONS,
  SUSPENSION_REASONS,
  WITHDRAWAL_REASONS,
} from './codes';
import { addDuration, DATE_RANGE, MILESTONES, type Milestone, type TimingPolicy } from './policy';
import type { ActionName, Actor, Status } from './transitions';
import { checkTransition } from './transitions';

export type FollowUpStatus = 'pending' | 'sent' | 'answered' | 'unknown';

export interface FollowUpState {
  /** The date the milestone falls due: exit date plus the offset, in calendar months. */
  dueAt: Instant;
  status: FollowUpStatus;
  surveySentAt?: Instant;
  outcome?: FollowUpOutcome;
  answeredBy?: Actor['type'];
}

export interface Exit {
  kind: 'completed' | 'dropped_out';
  date: DateOnly;
  certified?: boolean;
  reason?: string;
  recordedAt: Instant;
}

export interface JourneyInput {
  journeyId: string;
  learnerId: string;
  agencyId: string;
  fabriqueId: string;
  referredAt: Instant;
  policy: TimingPolicy;
  /** The agency's API key or member who referred, recorded on the `refer` entry. */
  referredBy?: Pick<Actor, 'keyId' | 'memberId'>;
}

export interface JourneyState {
  journeyId: string;
  learnerId: string;
  agencyId: string;
  fabriqueId: string;
  status: Status;
  /** Sequence number of the last event (action or timer). */
  seq: number;
  referredAt: Instant;
  /** When the decision clock started: the referral, or the last transfer. */
  decisionClockFrom: Instant;
  interviewAt?: Instant;
  waitlistedAt?: Instant;
  decidedAt?: Instant;
  admittedAt?: Instant;
  plannedStartDate?: DateOnly;
  durationMonths?: number;
  startDate?: DateOnly;
  plannedEndDate?: DateOnly;
  plannedEndSetAt?: Instant;
  suspendedFrom?: DateOnly;
  suspendedDays: number;
  exit?: Exit;
  followUps: Partial<Record<Milestone, FollowUpState>>;
  closedAt?: Instant;
  /** Why the journey ended: refusal, withdrawal or closing reason code. */
  endReason?: string;
  /** Timer keys already fired, so each reminder goes once. */
  fired: string[];
}

export function initialState(input: JourneyInput): JourneyState {
  return {
    journeyId: input.journeyId,
    learnerId: input.learnerId,
    agencyId: input.agencyId,
    fabriqueId: input.fabriqueId,
    status: 'referred',
    seq: 0,
    referredAt: input.referredAt,
    decisionClockFrom: input.referredAt,
    suspendedDays: 0,
    followUps: {},
    fired: [],
  };
}

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

const DAY_MS = 86_400_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

export function dateOnly(d: Date): DateOnly {
  return d.toISOString().slice(0, 10);
}

/** Midnight UTC of a calendar date. */
export function atMidnight(date: DateOnly): Date {
  return new Date(`${date}T00:00:00.000Z`);
}

export function daysBetween(from: DateOnly, to: DateOnly): number {
  return Math.round((atMidnight(to).getTime() - atMidnight(from).getTime()) / DAY_MS);
}

function addDays(date: DateOnly, days: number): DateOnly {
  return dateOnly(new Date(atMidnight(date).getTime() + days * DAY_MS));
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

/** Planned end of a training of `months` calendar months starting on `start`. */
export function plannedEnd(start: DateOnly, months: number, suspendedDays = 0): DateOnly {
  return addDays(dateOnly(addDuration(atMidnight(start), `P${months}M`)), suspendedDays);
}

/** The date a follow-up milestone falls due: exit date plus its offset. */
export function milestoneDue(exitDate: DateOnly, milestone: Milestone, policy: TimingPolicy): Instant {
  return addDuration(atMidnight(exitDate), policy.followUpOffsets[milestone]).toISOString();
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
  if (actor.type === 'agency' && actor.orgId !== state.agencyId) {
    throw new ActionRefused(REFUSAL_TYPES.forbidden, 'this journey was referred by another agency');
  }
  if (actor.type === 'fabrique' && actor.orgId !== state.fabriqueId) {
    throw new ActionRefused(REFUSAL_TYPES.forbidden, 'this journey is at another fabrique');
  }
  if (table?.kind === 'status') throw new ActionRefused(REFUSAL_TYPES.status, table.message);
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
      const from = pastDate('from', p.from, now, policy);
      notBefore('from', from, 'the start date', state.startDate);
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
      const date = pastDate('date', p.date, now, policy);
      notBefore('date', date, 'the start date', state.startDate);
      return;
    }
    case 'record-completion': {
      const date = pastDate('date', p.date, now, policy);
      notBefore('date', date, 'the start date', state.startDate);
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

/** What an event changed, as codes and dates for the timeline. */
export type EventDetails = Record<string, string | number | boolean | null>;

/**
 * Applies an allowed action to the state (in place) and returns the status
 * it leads to and the details worth keeping on the timeline.
 */
export function applyAction(
  state: JourneyState,
  action: ActionName,
  request: ActionRequest,
  now: Date,
  policy: TimingPolicy,
): EventDetails {
  const at = now.toISOString();
  const today = dateOnly(now);
  switch (action) {
    case 'take-in-review': {
      const p = request.payload as ActionPayloads['take-in-review'];
      state.status = 'in_review';
      if (p.interviewAt) state.interviewAt = new Date(p.interviewAt).toISOString();
      return { interviewAt: state.interviewAt ?? null };
    }
    case 'waitlist':
      state.status = 'waitlisted';
      state.waitlistedAt = at;
      state.decidedAt = at;
      return {};
    case 'admit': {
      const p = request.payload as ActionPayloads['admit'];
      state.status = 'admitted';
      state.decidedAt = at;
      state.admittedAt = at;
      state.plannedStartDate = p.startDate;
      state.durationMonths = p.durationMonths;
      state.plannedEndDate = plannedEnd(p.startDate, p.durationMonths);
      state.plannedEndSetAt = at;
      return {
        startDate: p.startDate,
        durationMonths: p.durationMonths,
        plannedEndDate: state.plannedEndDate,
      };
    }
    case 'refuse': {
      const p = request.payload as ActionPayloads['refuse'];
      state.status = 'refused';
      state.decidedAt = at;
      state.endReason = p.reason;
      return { reason: p.reason, shareWithLearner: p.shareWithLearner };
    }
    case 'withdraw': {
      const p = request.payload as ActionPayloads['withdraw'];
      state.status = 'withdrawn';
      state.endReason = p.reason;
      return { reason: p.reason };
    }
    case 'report-no-show':
      state.status = 'withdrawn';
      state.endReason = 'no_show';
      return { reason: 'no_show' };
    case 'confirm-start': {
      const p = request.payload as ActionPayloads['confirm-start'];
      state.status = 'in_training';
      state.startDate = p.startDate;
      state.plannedEndDate = plannedEnd(p.startDate, state.durationMonths ?? 3);
      state.plannedEndSetAt = at;
      return { startDate: p.startDate, plannedEndDate: state.plannedEndDate };
    }
    case 'suspend': {
      const p = request.payload as ActionPayloads['suspend'];
      state.status = 'suspended';
      state.suspendedFrom = p.from;
      return { reason: p.reason, from: p.from };
    }
    case 'resume': {
      const p = request.payload as ActionPayloads['resume'];
      const days = daysBetween(state.suspendedFrom ?? p.date, p.date);
      state.status = 'in_training';
      state.suspendedDays += days;
      state.suspendedFrom = undefined;
      if (state.plannedEndDate) state.plannedEndDate = addDays(state.plannedEndDate, days);
      state.plannedEndSetAt = at;
      return { date: p.date, daysSuspended: days, plannedEndDate: state.plannedEndDate ?? null };
    }
    case 'extend': {
      const p = request.payload as ActionPayloads['extend'];
      const previous = state.plannedEndDate ?? null;
      state.plannedEndDate = p.plannedEndDate;
      state.plannedEndSetAt = at;
      return { previousPlannedEndDate: previous, plannedEndDate: p.plannedEndDate };
    }
    case 'record-dropout': {
      const p = request.payload as ActionPayloads['record-dropout'];
      leave(state, { kind: 'dropped_out', date: p.date, reason: p.reason, recordedAt: at }, policy);
      return { exitKind: 'dropped_out', date: p.date, reason: p.reason };
    }
    case 'record-completion': {
      const p = request.payload as ActionPayloads['record-completion'];
      leave(state, { kind: 'completed', date: p.date, certified: p.certified, recordedAt: at }, policy);
      return { exitKind: 'completed', date: p.date, certified: p.certified };
    }
    case 'record-follow-up': {
      const p = request.payload as ActionPayloads['record-follow-up'];
      resolveMilestone(state, p.milestone, 'answered', p.outcome, request.actor.type, now);
      return { milestone: p.milestone, outcome: p.outcome, contractStart: p.contractStart ?? null };
    }
    case 'transfer': {
      const p = request.payload as ActionPayloads['transfer'];
      const from = state.fabriqueId;
      state.status = 'referred';
      state.fabriqueId = p.toFabriqueId;
      state.decisionClockFrom = at;
      state.interviewAt = undefined;
      state.waitlistedAt = undefined;
      return { fromFabriqueId: from, toFabriqueId: p.toFabriqueId };
    }
    case 'close':
      state.status = 'closed';
      state.closedAt = at;
      state.endReason = 'closed_by_manager';
      return { closedOn: today };
  }
}

function leave(state: JourneyState, exit: Exit, policy: TimingPolicy): void {
  if (state.status === 'suspended' && state.suspendedFrom) {
    state.suspendedDays += Math.max(0, daysBetween(state.suspendedFrom, exit.date));
    state.suspendedFrom = undefined;
  }
  state.status = 'follow_up';
  state.exit = exit;
  for (const m of MILESTONES) {
    state.followUps[m] = { dueAt: milestoneDue(exit.date, m, policy), status: 'pending' };
  }
}

/** Resolves a milestone; the journey closes once every milestone is resolved. */
export function resolveMilestone(
  state: JourneyState,
  milestone: Milestone,
  status: 'answered' | 'unknown',
  outcome: FollowUpOutcome,
  by: Actor['type'],
  now: Date,
): void {
  const fu = state.followUps[milestone];
  if (!fu) return;
  fu.status = status;
  fu.outcome = outcome;
  fu.answeredBy = by;
  const allResolved = MILESTONES.every((m) => {
    const s = state.followUps[m]?.status;
    return s === 'answered' || s === 'unknown';
  });
  if (allResolved) {
    state.status = 'closed';
    state.closedAt = now.toISOString();
    state.endReason = 'follow_up_complete';
  }
}
