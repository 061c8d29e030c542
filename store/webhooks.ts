// Webhook subscriptions and deliveries in PostgreSQL: which subscriptions an
// event goes to (written with the event's timeline entry), and the shapes the
// API shows and the endpoint receives.
import { addDuration, instantOf } from '../domain/dates';
import type { EventDetails, JourneyView } from '../domain/journey-state';
import type { EventName } from '../domain/notifications';
import { OWNER_FIELD, ownsJourney } from '../domain/ownership';
import type { ActorType, Status } from '../domain/transitions';
import {
  subscribedTo,
  webhookEventData,
  webhookEventType,
  type WebhookEvent,
  type WebhookEventData,
} from '../domain/webhook-events';
import type { Prisma } from '../prisma/client';
import type { WebhookStream } from '../workflows/activity-types';

/** The organisation types that may subscribe: every one but the learner and the system. */
const SUBSCRIBER_TYPES = ['agency', 'fabrique', 'manager'] as const satisfies readonly ActorType[];

/** The subscriptions whose organisation may see the journey, as ownership.ts decides. */
function mayWatch(journey: Pick<JourneyView, 'agencyId' | 'fabriqueId'>) {
  return SUBSCRIBER_TYPES.map((type) => {
    const field = OWNER_FIELD[type];
    return field ? { organization: { type }, organizationId: journey[field] } : { organization: { type } };
  });
}

export interface RecordedEvent {
  /** The timeline entry's id: the event's id. */
  eventId: string;
  journeyId: string;
  seq: number;
  at: Date;
  event: EventName;
  fromStatus: Status | null;
  toStatus: Status;
  details: EventDetails;
  /** The journey as it stands after the event: who may see it then. */
  journey: Pick<JourneyView, 'agencyId' | 'fabriqueId'>;
}

/**
 * Writes one delivery per live subscription that may see the journey and
 * takes this event type; in the journal's transaction, so an event and its
 * deliveries exist together. A subscription made after the event takes none
 * of it, and a retried write adds nothing. Returns the streams to wake.
 */
export async function queueWebhookDeliveries(
  tx: Prisma.TransactionClient,
  e: RecordedEvent,
  giveUpAfter: string,
): Promise<WebhookStream[]> {
  const type = webhookEventType(e.event);
  const candidates = await tx.webhookSubscription.findMany({
    where: {
      createdAt: { lte: e.at },
      OR: [{ deletedAt: null }, { deletedAt: { gt: e.at } }],
      AND: [{ OR: mayWatch(e.journey) }],
    },
    include: { organization: { select: { type: true } } },
  });
  const subscriptions = candidates.filter(
    (s) =>
      ownsJourney({ type: s.organization.type, orgId: s.organizationId }, e.journey) &&
      subscribedTo(s.events, type),
  );
  if (subscriptions.length === 0) return [];
  const data = webhookEventData({ ...e, ...e.journey }) as Prisma.InputJsonValue;
  await tx.webhookDelivery.createMany({
    data: subscriptions.map((s) => ({
      subscriptionId: s.id,
      journeyId: e.journeyId,
      seq: e.seq,
      eventId: e.eventId,
      eventType: type,
      eventAt: e.at,
      data,
      giveUpAt: addDuration(e.at, giveUpAfter),
    })),
    skipDuplicates: true,
  });
  return subscriptions.map((s) => ({ subscriptionId: s.id, journeyId: e.journeyId }));
}

type DeliveryRow = Prisma.WebhookDeliveryGetPayload<object>;

/** The event as the endpoint receives it, its keys always in this order. */
export function webhookEventOf(d: DeliveryRow): WebhookEvent {
  return {
    id: d.eventId,
    type: d.eventType,
    createdAt: d.eventAt.toISOString(),
    journeyId: d.journeyId,
    seq: d.seq,
    data: d.data as WebhookEventData,
  };
}

export function subscriptionJson(s: Prisma.WebhookSubscriptionGetPayload<object>) {
  return { id: s.id, url: s.url, events: s.events, createdAt: s.createdAt.toISOString() };
}

/** A delivery in the log: its event, where it stands, and each attempt. */
export function deliveryJson(d: Prisma.WebhookDeliveryGetPayload<{ include: { attemptLog: true } }>) {
  return {
    id: d.id,
    event: {
      id: d.eventId,
      type: d.eventType,
      createdAt: d.eventAt.toISOString(),
      journeyId: d.journeyId,
      seq: d.seq,
    },
    status: d.status as 'pending' | 'delivered' | 'failed' | 'cancelled',
    attempts: d.attempts,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    lastAttemptAt: instantOf(d.lastAttemptAt),
    nextAttemptAt: instantOf(d.nextAttemptAt),
    deliveredAt: instantOf(d.deliveredAt),
    giveUpAt: d.giveUpAt.toISOString(),
    replays: d.replays,
    attemptLog: d.attemptLog
      .slice()
      .sort((a, b) => a.at.getTime() - b.at.getTime())
      .map((a) => ({
        at: a.at.toISOString(),
        durationMs: a.durationMs,
        statusCode: a.statusCode,
        error: a.error,
      })),
  };
}
