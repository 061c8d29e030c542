// One action on one journey, as a caller asks for it: the checks the API and
// the web app share (the journey is theirs, their role may act, the body
// fits the action's schema, a transfer names a fabrique), then the workflow.
import { checkTransition, type ActionName, type Status } from '../domain/transitions';
import { actorOf, type Caller } from './auth';
import { runAction, type JourneyDeps } from './journey-actions';
import { findVisibleJourneyStatus } from './journey-view';
import { knownFabrique } from './organizations';
import { forbidden, idParam, notFound, parseInput } from './problem';
import { ACTION_BODIES, ActionNameParam } from './schemas';

/** A journey id from a path, or a 404: a malformed id names no journey. */
export function parseJourneyId(raw: string): string {
  return idParam(raw, 'journey');
}

/** An action name from a path, or a 404. */
export function parseActionName(raw: string): ActionName {
  const parsed = ActionNameParam.safeParse(raw);
  if (!parsed.success) throw notFound(`No action ${raw}.`);
  return parsed.data;
}

/**
 * 403 unless the transition table lets this caller's role take the action at
 * all; the status is the workflow's to check, against its own state.
 */
export function assertMayTake(caller: Caller, action: ActionName, status: Status): void {
  const refusal = checkTransition(action, status, caller.type);
  if (refusal?.kind === 'role') throw forbidden(refusal.message);
}

/**
 * Takes `action` on the journey for `caller` with an unparsed body. Refusals
 * are Problems (403, 404, 409, 422) and change nothing.
 */
export async function actOnJourney(
  deps: JourneyDeps,
  caller: Caller,
  journeyId: string,
  action: ActionName,
  rawBody: unknown,
  idempotencyKey?: string,
): Promise<void> {
  const journey = await findVisibleJourneyStatus(deps.db, caller, journeyId);
  assertMayTake(caller, action, journey.status as Status);
  const body = parseInput(ACTION_BODIES[action], rawBody ?? {}, 'body') as Record<string, unknown>;
  if (action === 'transfer') await knownFabrique(deps.db, String(body.toFabriqueId), 'toFabriqueId');
  // The admin key has no organisation: its keys live apart from every organisation's.
  const idempotency = idempotencyKey
    ? { key: idempotencyKey, callerOrg: caller.orgId ?? 'admin' }
    : undefined;
  await runAction(deps, journey.id, action, actorOf(caller), body, idempotency);
}
