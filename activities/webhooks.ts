// Webhook deliveries: which one a stream sends next, and one attempt to send
// it. Each attempt is logged (time, duration, status code or error code);
// a failed one is retried by Temporal after a delay it chooses, growing from
// `retry.initialMs` to `retry.maxMs`, until the delivery's give-up time: the
// last attempt falls on it. Only ids cross Temporal; the event is read here.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { whileBeating } from './heartbeat';
import type { Db } from '../prisma/client';
import { webhookEventOf } from '../store/webhooks';
import type { DestinationRules } from '../webhooks/destination';
import { postEvent } from '../webhooks/post';
import { retryDelayMs, type WebhookRetry } from '../webhooks/retry';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signatureHeader } from '../webhooks/signature';
import type {
  DeliveryOutcome,
  NextDelivery,
  WebhookActivities,
  WebhookStream,
} from '../workflows/activity-types';

export interface WebhookDeps {
  db: Db;
  rules: DestinationRules;
  retry: WebhookRetry;
  /** How long an endpoint has to answer (10 s). */
  timeoutMs?: number;
}

export function createWebhookActivities(deps: WebhookDeps): WebhookActivities {
  const { db } = deps;

  async function nextWebhookDelivery(stream: WebhookStream): Promise<NextDelivery> {
    const subscription = await db.webhookSubscription.findUnique({ where: { id: stream.subscriptionId } });
    if (!subscription || subscription.deletedAt) {
      await db.webhookDelivery.updateMany({
        where: { ...stream, status: 'pending' },
        data: { status: 'cancelled', nextAttemptAt: null },
      });
      return { kind: 'idle' };
    }
    const next = await db.webhookDelivery.findFirst({
      where: { ...stream, status: 'pending' },
      orderBy: { seq: 'asc' },
      select: { id: true, seq: true },
    });
    if (!next) return { kind: 'idle' };
    // Every earlier event of the journey is in the timeline, hence its
    // deliveries too (written in the same transaction): none can come later
    // and be owed first.
    const earlier = await db.timelineEntry.count({
      where: { journeyId: stream.journeyId, seq: { lt: next.seq } },
    });
    return earlier === next.seq - 1 ? { kind: 'ready', deliveryId: next.id } : { kind: 'waiting' };
  }

  async function attempt(deliveryId: string): Promise<DeliveryOutcome> {
    const delivery = await db.webhookDelivery.findUnique({
      where: { id: deliveryId },
      include: { subscription: true },
    });
    // Already settled: this is a retry of an attempt whose answer was recorded.
    if (!delivery || delivery.status !== 'pending')
      return (delivery?.status as DeliveryOutcome) ?? 'cancelled';
    if (delivery.subscription.deletedAt) {
      await db.webhookDelivery.update({
        where: { id: deliveryId },
        data: { status: 'cancelled', nextAttemptAt: null },
      });
      return 'cancelled';
    }
    const body = JSON.stringify(webhookEventOf(delivery));
    const at = new Date();
    // Logged before the POST: an attempt whose worker dies shows as interrupted.
    const [logged] = await db.$transaction([
      db.webhookAttempt.create({ data: { deliveryId, at, durationMs: 0, error: 'interrupted' } }),
      db.webhookDelivery.update({
        where: { id: deliveryId },
        data: {
          attempts: { increment: 1 },
          lastAttemptAt: at,
          lastStatusCode: null,
          lastError: 'interrupted',
        },
      }),
    ]);
    const outcome = await postEvent({
      url: delivery.subscription.url,
      body,
      headers: {
        [EVENT_ID_HEADER]: delivery.eventId,
        [SIGNATURE_HEADER]: signatureHeader(delivery.subscription.secret, body, at),
      },
      rules: deps.rules,
      timeoutMs: deps.timeoutMs,
    });
    const ok = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;
    const now = new Date();
    const givingUp = !ok && now.getTime() >= delivery.giveUpAt.getTime();
    const delayMs =
      ok || givingUp
        ? 0
        : Math.min(
            retryDelayMs(deps.retry, Context.current().info.attempt),
            Math.max(1, delivery.giveUpAt.getTime() - now.getTime()),
          );
    const status: DeliveryOutcome | 'pending' = ok ? 'delivered' : givingUp ? 'failed' : 'pending';
    await db.$transaction([
      db.webhookAttempt.update({
        where: { id: logged.id },
        data: { durationMs: outcome.durationMs, statusCode: outcome.statusCode, error: outcome.error },
      }),
      db.webhookDelivery.update({
        where: { id: deliveryId },
        data: {
          status,
          lastStatusCode: outcome.statusCode,
          lastError: outcome.error,
          deliveredAt: ok ? now : null,
          nextAttemptAt: status === 'pending' ? new Date(now.getTime() + delayMs) : null,
        },
      }),
    ]);
    if (status !== 'pending') return status;
    throw ApplicationFailure.create({
      type: 'WebhookNotDelivered',
      message: `the endpoint answered ${outcome.statusCode ?? outcome.error}`,
      nextRetryDelay: delayMs,
    });
  }

  return {
    nextWebhookDelivery,
    deliverWebhook: ({ deliveryId }) => whileBeating(() => attempt(deliveryId)),
  };
}
