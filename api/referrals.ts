// Referrals: an agency's request becomes a learner, a journey and its
// workflow. With an Idempotency-Key a replay returns the first journey; a
// referral whose workflow never started (the API stopped between the two
// steps) is started when the API starts again.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { z } from 'zod';
import { ageBand } from '../domain/codes';
import { ageAt, atMidnight } from '../domain/dates';
import { JOURNEY_REVISION, type JourneyInput } from '../domain/journey-state';
import type { TimingPolicy } from '../domain/policy';
import { JOURNEY_WORKFLOW, workflowIdFor, type LearnerJourney } from '../workflows/messages';
import { requestHash } from './idempotency';
import type { JourneyDeps } from './journey-actions';
import { knownFabrique } from './organizations';
import { engineUnavailable, unprocessable } from './problem';
import { uniqueViolation } from '../store/database-errors';
import type { CreateJourney } from './schemas';

/** Starts a journey's workflow; false when it already exists (or existed). */
async function startWorkflow(deps: JourneyDeps, input: JourneyInput): Promise<boolean> {
  try {
    await deps.temporal.workflow.start<LearnerJourney>(JOURNEY_WORKFLOW, {
      taskQueue: deps.taskQueue,
      workflowId: workflowIdFor(input.journeyId),
      // A journey runs once: replaying a referral after it ended must not start it again.
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      args: [deps.historyLimit ? { ...input, historyLimit: deps.historyLimit } : input],
    });
    return true;
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw err;
  }
}

/**
 * Creates the learner and the journey rows, then starts the workflow. With an
 * Idempotency-Key, a replay of the same body returns the first journey; the
 * same key with another body is refused.
 */
export async function referLearner(
  deps: JourneyDeps,
  agencyId: string,
  body: z.infer<typeof CreateJourney>,
  idempotencyKey?: string,
  referredBy?: JourneyInput['referredBy'],
): Promise<{ journeyId: string; replayed: boolean }> {
  const { db } = deps;
  const hash = requestHash(body);
  if (idempotencyKey) {
    const earlier = await db.journey.findUnique({
      where: { agencyId_idempotencyKey: { agencyId, idempotencyKey } },
    });
    if (earlier) {
      if (earlier.requestHash !== hash) {
        throw unprocessable('This Idempotency-Key was already used with a different body.');
      }
      await startWorkflow(deps, workflowInput(earlier, deps.policy, referredBy)).catch((err) => {
        throw engineUnavailable(err);
      });
      return { journeyId: earlier.id, replayed: true };
    }
  }
  let journey;
  try {
    journey = await writeReferral(deps, agencyId, body, idempotencyKey);
  } catch (err) {
    // Two requests with the same key at once: the loser replays the winner.
    if (uniqueViolation(err) && idempotencyKey) {
      return referLearner(deps, agencyId, body, idempotencyKey, referredBy);
    }
    throw err;
  }
  try {
    await startWorkflow(deps, workflowInput(journey, deps.policy, referredBy));
  } catch (err) {
    // Nothing half-done: without a workflow, the rows go too.
    await db.$transaction([
      db.journey.delete({ where: { id: journey.id } }),
      db.learner.delete({ where: { id: journey.learnerId } }),
    ]);
    throw engineUnavailable(err);
  }
  return { journeyId: journey.id, replayed: false };
}

/**
 * Checks a referral against the database (a known fabrique, a plausible age)
 * and writes its learner and journey rows in one transaction. The workflow is
 * started by the caller.
 */
export async function writeReferral(
  deps: Pick<JourneyDeps, 'db' | 'policy'>,
  agencyId: string,
  body: z.infer<typeof CreateJourney>,
  idempotencyKey?: string,
) {
  const { db } = deps;
  const hash = requestHash(body);
  await knownFabrique(db, body.fabriqueId, 'fabriqueId');
  const now = new Date();
  const age = ageAt(body.learner.birthDate, now);
  if (age < 14 || age > 99) {
    throw unprocessable('The birth date gives an implausible age.', [
      { field: 'learner.birthDate', message: `age ${age} is outside 14..99` },
    ]);
  }
  return db.$transaction(async (tx) => {
    const learner = await tx.learner.create({
      data: {
        firstName: body.learner.firstName,
        lastName: body.learner.lastName,
        email: body.learner.email,
        phone: body.learner.phone ?? null,
        birthDate: atMidnight(body.learner.birthDate),
        postalCode: body.learner.postalCode,
        gender: body.learner.gender,
        ageBand: ageBand(age),
        qpvResident: body.learner.qpvResident,
        diplomaLevel: body.learner.diplomaLevel,
      },
    });
    return tx.journey.create({
      data: {
        learnerId: learner.id,
        agencyId,
        fabriqueId: body.fabriqueId,
        status: 'referred',
        referrerName: body.referrer?.name ?? null,
        referrerEmail: body.referrer?.email ?? null,
        trainingTitle: body.trainingTitle ?? null,
        note: body.note ?? null,
        referredAt: now,
        policy: deps.policy as object,
        idempotencyKey: idempotencyKey ?? null,
        requestHash: idempotencyKey ? hash : null,
      },
    });
  });
}

/**
 * Starts the workflows of journeys whose rows were written but whose workflow
 * never started: the API stopped between the two steps of a referral. Run
 * when the API starts. Safe to repeat, and from several processes at once: a
 * workflow that exists, running or ended, is left alone. Only journeys at
 * least `olderThanMs` old are looked at, so that a referral in progress
 * elsewhere is not raced.
 */
export async function startMissingWorkflows(deps: JourneyDeps, olderThanMs = 60_000): Promise<number> {
  const unstarted = await deps.db.journey.findMany({
    where: {
      status: 'referred',
      version: 0,
      timeline: { none: {} },
      createdAt: { lte: new Date(Date.now() - olderThanMs) },
    },
    orderBy: { createdAt: 'asc' },
  });
  let started = 0;
  for (const journey of unstarted) {
    if (await startWorkflow(deps, workflowInput(journey, deps.policy))) started++;
  }
  return started;
}

export function workflowInput(
  j: {
    id: string;
    learnerId: string;
    agencyId: string;
    fabriqueId: string;
    referredAt: Date;
    policy: unknown;
  },
  fallback: TimingPolicy,
  referredBy?: JourneyInput['referredBy'],
): JourneyInput {
  return {
    journeyId: j.id,
    learnerId: j.learnerId,
    agencyId: j.agencyId,
    fabriqueId: j.fabriqueId,
    referredAt: j.referredAt.toISOString(),
    policy: (j.policy as TimingPolicy | null) ?? fallback,
    revision: JOURNEY_REVISION,
    ...(referredBy && (referredBy.keyId || referredBy.memberId) ? { referredBy } : {}),
  };
}
