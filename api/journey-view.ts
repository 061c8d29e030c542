// A journey as the API shows it, read from the PostgreSQL read model.
import { dayOf } from '../domain/dates';
import { followUpJson, journeyDatesJson, timelineJson } from '../store/read-model';
import type { Db, Prisma } from '../prisma/client';
import { OWNER_FIELD, ownsJourney } from '../domain/ownership';
import { allowedActions, type Status } from '../domain/transitions';
import type { Caller } from './auth';
import { notFound } from './problem';

export const journeyInclude = {
  learner: true,
  agency: { select: { id: true, name: true } },
  fabrique: { select: { id: true, name: true } },
  followUps: { orderBy: { milestone: 'asc' } },
} satisfies Prisma.JourneyInclude;

export type VisibleJourney = Prisma.JourneyGetPayload<{ include: typeof journeyInclude }>;

/** Which journeys a caller sees: agency its referrals, fabrique those at it, manager all. */
export function scopeOf(caller: Caller): Prisma.JourneyWhereInput {
  const field = OWNER_FIELD[caller.type];
  return field ? { [field]: caller.orgId ?? '' } : {};
}

/**
 * The journey if the caller may see it. Another organisation's journey is
 * answered as an unknown one (404): its existence is not the caller's to know.
 */
export async function findVisibleJourney(
  db: Db | Prisma.TransactionClient,
  caller: Caller,
  id: string,
): Promise<VisibleJourney> {
  return visible(caller, id, await db.journey.findUnique({ where: { id }, include: journeyInclude }));
}

/** The journey read, unless it does not exist or is not the caller's to see (404 both). */
function visible<J extends { agencyId: string; fabriqueId: string }>(
  caller: Caller,
  id: string,
  journey: J | null,
): J {
  if (!journey || !ownsJourney(caller, journey)) throw notFound(`No journey ${id}.`);
  return journey;
}

/**
 * The journey's status and owners if the caller may see it, 404 otherwise:
 * all an action's checks need, from the journey's row alone (the whole
 * journey joins its learner, organisations and follow-ups).
 */
export async function findVisibleJourneyStatus(
  db: Db,
  caller: Caller,
  id: string,
): Promise<{ id: string; status: string; agencyId: string; fabriqueId: string }> {
  const journey = await db.journey.findUnique({
    where: { id },
    select: { id: true, status: true, agencyId: true, fabriqueId: true },
  });
  return visible(caller, id, journey);
}

export function toJourneyJson(
  j: VisibleJourney,
  caller: Caller,
  timeline?: Prisma.TimelineEntryGetPayload<object>[],
) {
  const exit = j.exitKind
    ? {
        kind: j.exitKind as 'completed' | 'dropped_out',
        date: dayOf(j.exitDate) ?? '',
        certified: j.certified,
        reason: j.exitReason,
        certification: j.certification,
      }
    : null;
  return {
    id: j.id,
    status: j.status as Status,
    learner: {
      id: j.learner.id,
      firstName: j.learner.firstName,
      lastName: j.learner.lastName,
      email: j.learner.email,
      phone: j.learner.phone,
      birthDate: dayOf(j.learner.birthDate),
      postalCode: j.learner.postalCode,
      gender: j.learner.gender,
      ageBand: j.learner.ageBand,
      qpvResident: j.learner.qpvResident,
      diplomaLevel: j.learner.diplomaLevel,
    },
    fabrique: j.fabrique,
    agency: j.agency,
    referrer: j.referrerName && j.referrerEmail ? { name: j.referrerName, email: j.referrerEmail } : null,
    trainingTitle: j.trainingTitle,
    note: j.note,
    dates: journeyDatesJson(j),
    durationMonths: j.durationMonths,
    exit,
    endReason: j.endReason,
    followUps: j.followUps.map(followUpJson),
    nextDeadline: j.nextDeadline
      ? { at: j.nextDeadline.toISOString(), kind: j.nextDeadlineKind ?? '' }
      : null,
    allowedActions: allowedActionsFor(caller, j),
    ...(timeline
      ? {
          timeline: timeline.map(timelineJson),
        }
      : {}),
  };
}

export function allowedActionsFor(
  caller: Caller,
  j: { status: string; agencyId: string; fabriqueId: string },
) {
  if (!ownsJourney(caller, j)) return [];
  return allowedActions(j.status as Status, caller.type);
}

export async function loadJourneyJson(db: Db, caller: Caller, id: string) {
  // One statement (relations joined in PostgreSQL), so the row and its
  // timeline show the same events: the journal writes both in one
  // transaction, and an event between two reads would otherwise show a
  // timeline ahead of the row.
  const journey = await db.journey.findUnique({
    where: { id },
    include: { ...journeyInclude, timeline: { orderBy: { seq: 'asc' } } },
  });
  const { timeline, ...rest } = visible(caller, id, journey);
  return toJourneyJson(rest, caller, timeline);
}
