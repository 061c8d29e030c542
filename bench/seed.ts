// The read model of a network in its third year, written straight into
// PostgreSQL for the benchmark: journeys in every status, each with the
// fields its status implies, and the follow-ups of those that left.
import type { Db } from '../prisma/client';
import { AGE_BANDS, DIPLOMA_LEVELS, FOLLOW_UP_OUTCOMES, GENDERS } from '../domain/codes';
import { DAY_MS } from '../domain/dates';
import { STATUSES, type Status } from '../domain/transitions';

export const pick = <T>(list: readonly T[], i: number): T => list[i % list.length] as T;

/**
 * The read-model fields a journey in `status` holds, as the workflow would
 * have left them: decided once past review, started once past admission,
 * exited (completed or dropped out) once in follow-up or closed after it.
 */
function lifeOf(status: Status, i: number, referredAt: Date) {
  const at = (days: number) => new Date(referredAt.getTime() + days * DAY_MS);
  const decided = !['referred', 'in_review', 'expired'].includes(status);
  const started = ['in_training', 'suspended', 'follow_up', 'closed'].includes(status);
  const exited = status === 'follow_up' || status === 'closed';
  const exitKind = i % 4 === 0 ? 'dropped_out' : 'completed';
  return {
    decidedAt: decided ? at(10) : null,
    plannedStartDate: started || status === 'admitted' ? at(30) : null,
    startDate: started ? at(30) : null,
    exitKind: exited ? exitKind : null,
    exitDate: exited ? at(200) : null,
    certified: exited && exitKind === 'completed' ? i % 2 === 0 : null,
    closedAt: ['refused', 'withdrawn', 'expired', 'closed'].includes(status)
      ? at(status === 'closed' ? 400 : 20)
      : null,
  };
}

/** `count` journeys of the agency at the fabriques, referred over two years. */
export async function seedReadModel(
  db: Db,
  orgs: { agencyId: string; fabriqueIds: string[] },
  count: number,
): Promise<void> {
  const since = Date.UTC(2024, 0, 1);
  for (let start = 0; start < count; start += 1000) {
    const n = Math.min(1000, count - start);
    const learners = Array.from({ length: n }, (_, k) => ({
      id: crypto.randomUUID(),
      gender: pick(GENDERS.codes, start + k),
      ageBand: pick(AGE_BANDS.codes, start + k),
      qpvResident: (start + k) % 3 !== 0,
      diplomaLevel: pick(DIPLOMA_LEVELS.codes, start + k),
    }));
    await db.learner.createMany({ data: learners });
    const journeys = learners.map((l, k) => {
      const i = start + k;
      const referredAt = new Date(since + (i % 700) * DAY_MS);
      const status = pick(STATUSES, i);
      return {
        id: crypto.randomUUID(),
        learnerId: l.id,
        agencyId: orgs.agencyId,
        fabriqueId: pick(orgs.fabriqueIds, i),
        status,
        referredAt,
        ...lifeOf(status, i, referredAt),
        policy: {},
      };
    });
    await db.journey.createMany({ data: journeys });
    await db.followUp.createMany({
      data: journeys
        .filter((j) => j.exitDate)
        .flatMap((j, k) =>
          (['3m', '6m'] as const).map((milestone) => ({
            journeyId: j.id,
            milestone,
            dueDate: j.exitDate as Date,
            status: 'answered',
            outcome: pick(FOLLOW_UP_OUTCOMES.codes, k),
          })),
        ),
    });
  }
}
