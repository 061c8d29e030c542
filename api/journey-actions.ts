// Starting journeys and taking actions: Temporal does the deciding; this
// module turns HTTP input into workflow messages and workflow refusals into
// HTTP problems.
import { createHash } from 'node:crypto';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import type { Db } from '../prisma/client';
import type { ActionRequest } from '../workflows/actions';
import { CODED_REASON_ACTIONS, FREE_TEXT_FIELDS, REFUSAL_TYPES } from '../workflows/actions';
import { ageBand } from '../workflows/codes';
import type { JourneyInput } from '../workflows/journey-state';
import { actionUpdates, workflowIdFor } from '../workflows/messages';
import type { TimingPolicy } from '../workflows/policy';
import type { ActionName, Actor } from '../workflows/transitions';
import { conflict, forbidden, unavailable, unprocessable, Problem } from './problem';
import type { CreateJourney } from './schemas';
import type { z } from 'zod';

export interface JourneyDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  policy: TimingPolicy;
}

function ageAt(birthDate: string, on: Date): number {
  const b = new Date(`${birthDate}T00:00:00Z`);
  let age = on.getUTCFullYear() - b.getUTCFullYear();
  const m = on.getUTCMonth() - b.getUTCMonth();
  if (m < 0 || (m === 0 && on.getUTCDate() < b.getUTCDate())) age--;
  return age;
}

/** A stable fingerprint of a request body, to recognise an Idempotency-Key replay. */
export function requestHash(body: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v as object)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v;
  return createHash('sha256')
    .update(JSON.stringify(canonical(body)))
    .digest('hex');
}

function describeTemporalError(err: unknown): Problem {
  return unavailable(`The journey engine (Temporal) is not reachable: ${(err as Error).message}`);
}

/** Starts a journey's workflow; false when it already exists (or existed). */
async function startWorkflow(deps: JourneyDeps, input: JourneyInput): Promise<boolean> {
  try {
    await deps.temporal.workflow.start('learnerJourney', {
      taskQueue: deps.taskQueue,
      workflowId: workflowIdFor(input.journeyId),
      // A journey runs once: replaying a referral after it ended must not start it again.
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      args: [input],
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
        throw describeTemporalError(err);
      });
      return { journeyId: earlier.id, replayed: true };
    }
  }
  let journey;
  try {
    journey = await writeReferral(deps, agencyId, body, idempotencyKey);
  } catch (err) {
    // Two requests with the same key at once: the loser replays the winner.
    if ((err as { code?: string }).code === 'P2002' && idempotencyKey) {
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
    throw describeTemporalError(err);
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
  const fabrique = await db.organization.findUnique({ where: { id: body.fabriqueId } });
  if (!fabrique || fabrique.type !== 'fabrique') {
    throw unprocessable('fabriqueId is not a known fabrique.', [
      { field: 'fabriqueId', message: 'unknown fabrique' },
    ]);
  }
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
        birthDate: new Date(`${body.learner.birthDate}T00:00:00Z`),
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

function workflowInput(
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
    ...(referredBy && (referredBy.keyId || referredBy.memberId) ? { referredBy } : {}),
  };
}

/** Splits an action body into the workflow payload (codes, dates) and free text. */
export function splitBody(action: ActionName, body: Record<string, unknown>) {
  const payload: Record<string, unknown> = {};
  const texts: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    if (value === undefined) continue;
    const isText =
      (FREE_TEXT_FIELDS as readonly string[]).includes(key) &&
      !(key === 'reason' && CODED_REASON_ACTIONS.includes(action));
    if (isText) texts[key] = String(value);
    else payload[key] = value;
  }
  return { payload, texts };
}

/** Runs an action as a Temporal Update; refusals become 403/409/422 and leave nothing behind. */
export async function runAction(
  deps: JourneyDeps,
  journeyId: string,
  action: ActionName,
  actor: Actor,
  body: Record<string, unknown>,
): Promise<void> {
  const { db } = deps;
  const { payload, texts } = splitBody(action, body);
  const text = Object.keys(texts).length
    ? await db.actionText.create({ data: { journeyId, fields: texts } })
    : null;
  const request: ActionRequest = { actor, payload: payload as ActionRequest['payload'], textId: text?.id };
  try {
    const handle = deps.temporal.workflow.getHandle(workflowIdFor(journeyId));
    await handle.executeUpdate(actionUpdates[action], { args: [request] });
  } catch (err) {
    if (text) await db.actionText.delete({ where: { id: text.id } }).catch(() => undefined);
    throw toProblem(err, action);
  }
}

function toProblem(err: unknown, action: ActionName): Problem {
  if (err instanceof Problem) return err;
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause as { type?: string; message?: string; details?: unknown[] } | undefined;
    const message = cause?.message ?? err.message;
    if (cause?.type === REFUSAL_TYPES.forbidden) return forbidden(message);
    if (cause?.type === REFUSAL_TYPES.status) return conflict(message, { action });
    // The workflow names the field at fault, as the zod validation does.
    const field = (cause?.details?.[0] as { field?: unknown } | undefined)?.field;
    return unprocessable(message, typeof field === 'string' ? [{ field, message }] : undefined);
  }
  // A finished workflow takes no more actions: the journey is over.
  if (err instanceof WorkflowNotFoundError || /workflow execution already completed/i.test(String(err))) {
    return conflict(`${action} is not allowed: this journey has ended.`, { action });
  }
  return describeTemporalError(err);
}
