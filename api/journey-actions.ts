// Taking actions: Temporal does the deciding; this module turns HTTP input
// into workflow Updates and workflow refusals into HTTP problems.
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { ActionRequest } from '../domain/actions';
import { isFreeText, REFUSAL_TYPES } from '../domain/actions';
import type { TimingPolicy } from '../domain/policy';
import type { ActionName, Actor } from '../domain/transitions';
import type { Db } from '../prisma/client';
import { actionUpdates, workflowIdFor } from '../workflows/messages';
import { conflict, engineUnavailable, forbidden, unprocessable, Problem } from './problem';

export interface JourneyDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  policy: TimingPolicy;
  /** Refuses (429) an action beyond what one journey may take in a while. */
  limitActions?: (journeyId: string) => Promise<void>;
}

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

/** Runs an action as a Temporal Update; refusals become 403/409/422 and leave nothing behind. */
export async function runAction(
  deps: JourneyDeps,
  journeyId: string,
  action: ActionName,
  actor: Actor,
  body: Record<string, unknown>,
): Promise<void> {
  await deps.limitActions?.(journeyId);
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
  return engineUnavailable(err);
}
