// Webhook events: one per timeline entry, typed `journey.<action or timer>`.
// What an event says is ids, statuses, codes and dates only: the receiver
// already holds the learner's data, or reads the journey.
import { isFreeText } from './actions';
import type { Instant } from './dates';
import { TIMER_KINDS } from './deadlines';
import type { EventDetails } from './journey-state';
import type { EventName } from './notifications';
import { ACTIONS, type Status } from './transitions';

/** Every event a journey records: its referral, the actions, the timers. */
export const EVENT_NAMES: readonly EventName[] = ['refer', ...ACTIONS, ...TIMER_KINDS];

/** The webhook event types, `journey.refer`, `journey.admit`, `journey.decision-expiry`… */
export const WEBHOOK_EVENT_TYPES = EVENT_NAMES.map((e) => `journey.${e}`);

/** A subscription to every event type, present and future. */
export const ALL_EVENTS = '*';

export function webhookEventType(event: EventName): string {
  return `journey.${event}`;
}

/** Whether a subscription's list of types takes this event. */
export function subscribedTo(events: readonly string[], type: string): boolean {
  return events.includes(ALL_EVENTS) || events.includes(type);
}

export type WebhookEventData = Record<string, string | number | boolean | null>;

/** What an event carries beside its envelope, from the workflow's own record of it. */
export function webhookEventData(e: {
  event: EventName;
  fromStatus: Status | null;
  toStatus: Status;
  details: EventDetails;
  agencyId: string;
  fabriqueId: string;
}): WebhookEventData {
  const data: WebhookEventData = {
    fromStatus: e.fromStatus,
    toStatus: e.toStatus,
    agencyId: e.agencyId,
    fabriqueId: e.fabriqueId,
  };
  // The workflow's details are codes and dates already; free text never
  // reaches them, and would not pass here either.
  for (const [key, value] of Object.entries(e.details)) {
    if (!isFreeText(e.event, key) && !(key in data)) data[key] = value;
  }
  return data;
}

/** The JSON an endpoint receives, keys in this order. */
export interface WebhookEvent {
  id: string;
  type: string;
  createdAt: Instant;
  journeyId: string;
  seq: number;
  data: WebhookEventData;
}
