// JSON shapes of read-model rows, shared by the API's journey view and the
// learner's data export, so both say the same thing the same way.
import { dayOf, instantOf } from '../domain/dates';
import type { Prisma } from '../prisma/client';

/** The key dates of a journey row. */
export function journeyDatesJson(j: Prisma.JourneyGetPayload<object>) {
  return {
    referredAt: instantOf(j.referredAt),
    interviewAt: instantOf(j.interviewAt),
    decidedAt: instantOf(j.decidedAt),
    plannedStartDate: dayOf(j.plannedStartDate),
    startDate: dayOf(j.startDate),
    plannedEndDate: dayOf(j.plannedEndDate),
    suspendedFrom: dayOf(j.suspendedFrom),
    exitDate: dayOf(j.exitDate),
    closedAt: instantOf(j.closedAt),
  };
}

export function followUpJson(f: Prisma.FollowUpGetPayload<object>) {
  return {
    milestone: f.milestone,
    dueDate: dayOf(f.dueDate),
    status: f.status,
    outcome: f.outcome,
    employer: f.employer,
    jobTitle: f.jobTitle,
    contractStart: dayOf(f.contractStart),
    answeredBy: f.answeredBy,
    answeredAt: instantOf(f.answeredAt),
    surveySentAt: instantOf(f.surveySentAt),
  };
}

export function timelineJson(t: Prisma.TimelineEntryGetPayload<object>) {
  return {
    seq: t.seq,
    at: t.at.toISOString(),
    // `action` in the API, for timers and `refer` too: the contract's name.
    action: t.event,
    fromStatus: t.fromStatus,
    toStatus: t.toStatus,
    actor: {
      type: t.actorType,
      orgId: t.actorId,
      ...(t.actorKeyId ? { keyId: t.actorKeyId } : {}),
      ...(t.actorMemberId ? { memberId: t.actorMemberId } : {}),
    },
    details: t.details,
  };
}
