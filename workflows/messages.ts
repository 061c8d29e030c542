// Temporal message definitions, shared by the workflow and its clients.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ActionRequest } from '../domain/actions';
import type { ActionOutcome, JourneyView } from '../domain/journey-state';
import type { learnerJourney } from './journey';
import type { webhookDelivery } from './webhooks';
import { ACTIONS, type ActionName } from '../domain/transitions';

/** The one task queue journeys run on. */
export const TASK_QUEUE = 'learner-journeys';

/** The journey workflow's type name, as the worker registers it. */
export const JOURNEY_WORKFLOW = 'learnerJourney';
/** Its signature, so that clients start it with typed arguments. */
export type LearnerJourney = typeof learnerJourney;

/** The workflow ID of a journey. */
export function workflowIdFor(journeyId: string): string {
  return `journey-${journeyId}`;
}

/** One Update per action of the transition table, named after the action; it answers the status and event number it led to. */
export const actionUpdates = Object.fromEntries(
  ACTIONS.map((a) => [a, defineUpdate<ActionOutcome, [ActionRequest]>(a)]),
) as { [A in ActionName]: ReturnType<typeof defineUpdate<ActionOutcome, [ActionRequest<A>]>> };

/** Where the journey stands now: status, dates, follow-ups and the next deadline. */
export const stateQuery = defineQuery<JourneyView>('state');

/** The webhook delivery workflow's type name: one per subscription and journey. */
export const WEBHOOK_WORKFLOW = 'webhookDelivery';
export type WebhookDelivery = typeof webhookDelivery;

/** The workflow ID that sends one journey's events to one subscription. */
export function webhookWorkflowIdFor(subscriptionId: string, journeyId: string): string {
  return `webhook-${subscriptionId}-${journeyId}`;
}

/** Deliveries are waiting in PostgreSQL: look again. Carries nothing. */
export const deliveriesWaiting = defineSignal('deliveriesWaiting');
