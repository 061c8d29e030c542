// JSON shapes of read-model rows, shared by the API's journey view and the
// learner's data export, so both say the same thing the same way.
import type { Prisma } from '../prisma/client';

export const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : null);
export const instant = (d: Date | null) => (d ? d.toISOString() : null);

/** The key dates of a journey row. */
export function journeyDatesJson(j: Prisma.JourneyGetPayload<object>) {
  return {
    referredAt: instant(j.referredAt),
    interviewAt: instant(j.interviewAt),
    decidedAt: instant(j.decidedAt),
    plannedStartDate: day(j.plannedStartDate),
    startDate: day(j.startDate),
    plannedEndDate: day(j.plannedEndDate),
    suspendedFrom: day(j.suspendedFrom),
    exitDate: day(j.exitDate),
    closedAt: instant(j.closedAt),
  };
}

export function followUpJson(f: Prisma.FollowUpGetPayload<object>) {
  return {
    milestone: f.milestone,
    dueDate: day(f.dueDate),
    status: f.status,
    outcome: f.outcome,
    employer: f.employer,
    jobTitle: f.jobTitle,
    contractStart: day(f.contractStart),
    answeredBy: f.answeredBy,
    answeredAt: instant(f.answeredAt),
    surveySentAt: instant(f.surveySentAt),
  };
}

export function timelineJson(t: Prisma.TimelineEntryGetPayload<object>) {
  return {
    seq: t.seq,
    at: t.at.toISOString(),
    action: t.action,
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
