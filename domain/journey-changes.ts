// Every change of a journey's state, by an action or by a timer, in one
// place. Each function changes the state in place and returns the details
// worth keeping on the timeline. The workflow calls them; checks come first.
import type { ActionPayloads, ActionRequest } from './actions';
import type { FollowUpOutcome } from './codes';
import {
  addDays,
  addDuration,
  atMidnight,
  dateOnly,
  daysBetween,
  type DateOnly,
  type Instant,
} from './dates';
import type { Timer } from './deadlines';
import type { EventDetails, Exit, JourneyState } from './journey-state';
import { MILESTONES, type Milestone, type TimingPolicy } from './policy';
import type { ActionName, Actor } from './transitions';

/** Planned end of a training of `months` calendar months starting on `start`. */
export function plannedEnd(start: DateOnly, months: number, suspendedDays = 0): DateOnly {
  return addDays(dateOnly(addDuration(atMidnight(start), `P${months}M`)), suspendedDays);
}

/** The date a follow-up milestone falls due: exit date plus its offset. */
export function milestoneDue(exitDate: DateOnly, milestone: Milestone, policy: TimingPolicy): Instant {
  return addDuration(atMidnight(exitDate), policy.followUpOffsets[milestone]).toISOString();
}

/** Applies an allowed action to the state, in place; returns the timeline's details. */
export function applyAction(
  state: JourneyState,
  action: ActionName,
  request: ActionRequest,
  now: Date,
  policy: TimingPolicy,
): EventDetails {
  const at = now.toISOString();
  const today = dateOnly(now);
  state.actionCounts = { ...state.actionCounts, [action]: (state.actionCounts?.[action] ?? 0) + 1 };
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
      state.resumedOn = p.date;
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

/** Applies a timer that fell due to the state, in place; returns the timeline's details. */
export function applyTimer(state: JourneyState, timer: Timer, now: Date): EventDetails {
  state.fired.push(timer.key);
  const details: EventDetails = timer.milestone ? { milestone: timer.milestone } : {};
  switch (timer.kind) {
    case 'decision-expiry':
    case 'waitlist-expiry':
      state.status = 'expired';
      state.endReason = timer.kind === 'decision-expiry' ? 'no_decision' : 'waitlist_timeout';
      state.closedAt = now.toISOString();
      break;
    case 'follow-up-survey': {
      const fu = timer.milestone && state.followUps[timer.milestone];
      if (fu) {
        fu.status = 'sent';
        fu.surveySentAt = now.toISOString();
      }
      break;
    }
    case 'follow-up-give-up':
      if (timer.milestone) resolveMilestone(state, timer.milestone, 'unknown', 'unknown', 'system', now);
      break;
    default:
      break;
  }
  return details;
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
