// Taking actions: Temporal does the deciding; this module turns HTTP input
// into workflow Updates and workflow refusals into HTTP problems. An action
// asked with an Idempotency-Key runs as an Update whose ID comes from the
// key, so Temporal runs it once and gives every retry the first outcome.
import {
  isGrpcServiceError,
  ServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
} from '@temporalio/client';
import type { ActionRequest } from '../domain/actions';
import { isFreeText, REFUSAL_TYPES } from '../domain/actions';
import type { TimingPolicy } from '../domain/policy';
import type { ActionName, Actor } from '../domain/transitions';
import type { Db } from '../prisma/client';
import { uniqueViolation } from '../store/database-errors';
import { actionUpdates, workflowIdFor } from '../workflows/messages';
import { actionUpdateId, requestHash } from './idempotency';
import { conflict, engineUnavailable, forbidden, outcomeUnknown, unprocessable, Problem } from './problem';

export interface JourneyDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  policy: TimingPolicy;
  /** Refuses (429) an action beyond what one journey may take in a while. */
  limitActions?: (journeyId: string) => Promise<void>;
  /** How long an action waits for its outcome before answering 503 (default 20 s). */
  actionTimeoutMs?: number;
  /** History events a journey's workflow run holds before it continues as new (tests set it low). */
  historyLimit?: number;
}

const DEFAULT_ACTION_TIMEOUT_MS = 20_000;

/** Splits an action body into the workflow payload (codes, dates) and free text. */
export function splitBody(action: ActionName, body: Record<string, unknown>) {
  const payload: Record<string, unknown> = {};
  const texts: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    if (value === undefined) continue;
    if (isFreeText(action, key)) texts[key] = String(value);
    else payload[key] = value;
  }
  return { payload, texts };
}

/** What one action asks, and the Update ID it runs under (Temporal picks one when there is no key). */
interface PreparedAction {
  request: ActionRequest;
  updateId?: string;
  /** Rows this request wrote, to remove if the action is refused. */
  written: { textId?: string; updateId?: string };
}

/**
 * Runs an action as a Temporal Update. Refusals become 403/409/422 and leave
 * nothing behind; an outcome not known in time becomes a 503 with
 * Retry-After, and a retry with the same Idempotency-Key learns it.
 */
export async function runAction(
  deps: JourneyDeps,
  journeyId: string,
  action: ActionName,
  actor: Actor,
  body: Record<string, unknown>,
  idempotency?: { key: string; callerOrg: string },
): Promise<void> {
  await deps.limitActions?.(journeyId);
  const prepared = idempotency
    ? await prepareKeyed(deps.db, journeyId, action, actor, body, idempotency)
    : await prepare(deps.db, journeyId, action, actor, body);
  const timeout = deps.actionTimeoutMs ?? DEFAULT_ACTION_TIMEOUT_MS;
  try {
    const handle = deps.temporal.workflow.getHandle(workflowIdFor(journeyId));
    await deps.temporal.withDeadline(Date.now() + timeout, () =>
      handle.executeUpdate(actionUpdates[action], { args: [prepared.request], updateId: prepared.updateId }),
    );
  } catch (err) {
    const problem = actionProblem(err, action);
    // Refused: nothing happened, so nothing stays. Unknown: the Update may
    // still run, and will read its text.
    if (problem.status !== 503) await forget(deps.db, prepared.written);
    throw problem;
  }
}

async function prepare(
  db: Db,
  journeyId: string,
  action: ActionName,
  actor: Actor,
  body: Record<string, unknown>,
): Promise<PreparedAction> {
  const { payload, texts } = splitBody(action, body);
  const text = Object.keys(texts).length
    ? await db.actionText.create({ data: { journeyId, fields: texts } })
    : null;
  const request: ActionRequest = { actor, payload: payload as ActionRequest['payload'], textId: text?.id };
  return { request, written: { textId: text?.id } };
}

/**
 * The first request under a key is recorded with its text; a retry reuses
 * both, so that it is the very same Update. Another request under the same
 * key is refused.
 */
async function prepareKeyed(
  db: Db,
  journeyId: string,
  action: ActionName,
  actor: Actor,
  body: Record<string, unknown>,
  { key, callerOrg }: { key: string; callerOrg: string },
): Promise<PreparedAction> {
  const updateId = actionUpdateId(journeyId, callerOrg, key);
  const hash = requestHash({ action, body });
  const earlier = await db.keyedAction.findUnique({ where: { updateId } });
  if (earlier) {
    if (earlier.requestHash !== hash) {
      throw unprocessable('This Idempotency-Key was already used with a different action or body.');
    }
    const { payload } = splitBody(action, body);
    const request: ActionRequest = {
      actor,
      payload: payload as ActionRequest['payload'],
      textId: earlier.textId ?? undefined,
    };
    return { request, updateId, written: {} };
  }
  const prepared = await prepare(db, journeyId, action, actor, body);
  try {
    await db.keyedAction.create({
      data: { updateId, journeyId, action, requestHash: hash, textId: prepared.request.textId ?? null },
    });
  } catch (err) {
    await forget(db, prepared.written);
    // Two requests with the same key at once: the loser runs as the winner's retry.
    if (uniqueViolation(err)) {
      return prepareKeyed(db, journeyId, action, actor, body, { key, callerOrg });
    }
    throw err;
  }
  return { ...prepared, updateId, written: { ...prepared.written, updateId } };
}

async function forget(db: Db, written: PreparedAction['written']): Promise<void> {
  if (written.updateId) await db.keyedAction.deleteMany({ where: { updateId: written.updateId } });
  if (written.textId) await db.actionText.deleteMany({ where: { id: written.textId } });
}

/** How an action's failure reads in HTTP, for the API and the web app alike. */
export function actionProblem(err: unknown, action: ActionName): Problem {
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
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return outcomeUnknown(action);
  const limit = engineLimit(err, action);
  if (limit) return limit;
  return engineUnavailable(err);
}

// gRPC status codes (grpc/grpc doc/statuscodes.md), as Temporal answers them.
const RESOURCE_EXHAUSTED = 8;
const FAILED_PRECONDITION = 9;

/**
 * Temporal refused the Update for a limit, not for being down: too many
 * requests for now (429, try again later), or a limit of the journey's
 * workflow run such as its number of Updates (409: more of the same will
 * not pass). Not a 503 "not reachable", which would send the caller retrying.
 */
function engineLimit(err: unknown, action: ActionName): Problem | null {
  const grpc = err instanceof ServiceError ? err.cause : err;
  if (!isGrpcServiceError(grpc)) return null;
  if (grpc.code === RESOURCE_EXHAUSTED) {
    const problem = new Problem(429, 'Too many requests', `The journey engine is busy: ${grpc.details}`);
    problem.retryAfter = 5;
    return problem;
  }
  if (grpc.code === FAILED_PRECONDITION) {
    return conflict(`${action} cannot be taken on this journey now: ${grpc.details}`, { action });
  }
  return null;
}
