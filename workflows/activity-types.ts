// The activities the journey workflow calls, as the workflow needs them.
// activities/ implements this interface; the workflow imports it as types.
import type { Instant } from '../domain/dates';
import type { EventDetails, JournalView } from '../domain/journey-state';
import type { EventName, Recipient, TemplateName } from '../domain/notifications';
import type { Actor, Status } from '../domain/transitions';

export interface RecordEventInput {
  journeyId: string;
  seq: number;
  at: Instant;
  event: EventName;
  fromStatus: Status | null;
  toStatus: Status;
  actor: Actor;
  details: EventDetails;
  /** Free text typed with the action, stored apart in PostgreSQL. */
  textId?: string;
  /** The journey as it stands after the event, as far as the read model and webhooks need it. */
  journey: JournalView;
}

export interface SendNotificationInput {
  journeyId: string;
  /** The event's sequence number: with the template and recipient, the email's identity. */
  seq: number;
  event: EventName;
  template: TemplateName;
  to: Recipient;
  cc?: Recipient[];
  details: EventDetails;
}

export interface ErasePersonalDataInput {
  learnerId: string;
  /** The journey whose retention period ended; absent for an erasure on request. */
  journeyId?: string;
  /** `retention` erases only once none of the learner's journeys is active. */
  reason: 'request' | 'retention';
}

/** What an erasure did: ids and counts only, never the values. */
export interface ErasureSummary {
  learnerId: string;
  /** `skipped`: retention found another journey of the learner still active. */
  status: 'erased' | 'skipped';
  erasedAt: Instant | null;
  journeyIds: string[];
  cleared: {
    actionTexts: number;
    timelineEntries: number;
    followUps: number;
    followUpTokens: number;
    notifications: number;
    /** Copies of the journeys' emails kept on this machine (the .eml folder) and deleted. */
    mailCopies: number;
  };
}

export interface JourneyActivities {
  /** Writes the read model and the timeline for one event; idempotent on (journeyId, seq). */
  recordEvent(input: RecordEventInput): Promise<void>;
  /** Sends one email at least once, always with the same Message-ID, logged in the notification table. */
  sendNotification(input: SendNotificationInput): Promise<void>;
  /** Erases the learner's personal data, keeping the codes; null for an unknown learner. */
  erasePersonalData(input: ErasePersonalDataInput): Promise<ErasureSummary | null>;
}

/** One subscription and one journey: what a webhook delivery workflow serves. */
export interface WebhookStream {
  subscriptionId: string;
  journeyId: string;
}

/**
 * The next delivery of a stream: `ready` to send, `waiting` while an earlier
 * event of the journey is not yet in the timeline, `idle` when nothing is due.
 */
export type NextDelivery = { kind: 'ready'; deliveryId: string } | { kind: 'waiting' } | { kind: 'idle' };

/** How a delivery ended: sent (a 2xx), given up, or its subscription deleted. */
export type DeliveryOutcome = 'delivered' | 'failed' | 'cancelled';

export interface WebhookActivities {
  nextWebhookDelivery(stream: WebhookStream): Promise<NextDelivery>;
  /**
   * One attempt to POST the delivery's event; throws to be retried, with the
   * delay it chose, until a 2xx or the delivery's give-up time.
   */
  deliverWebhook(input: { deliveryId: string }): Promise<DeliveryOutcome>;
}
