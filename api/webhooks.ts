// Webhook subscriptions as an organisation manages them: each sees and
// changes only its own, and every change is audited.
import type { Client } from '@temporalio/client';
import type { z } from 'zod';
import { ALL_EVENTS } from '../domain/webhook-events';
import type { Db } from '../prisma/client';
import { audit } from '../store/audit';
import { deliveryJson, subscriptionJson } from '../store/webhooks';
import { wakeWebhookDeliveries } from '../temporal/webhooks';
import { checkDestination, DestinationRefused, type DestinationRules } from '../webhooks/destination';
import { newWebhookSecret } from '../webhooks/signature';
import { auditActorOf, type Caller } from './auth';
import { conflict, engineUnavailable, forbidden, notFound, unprocessable } from './problem';
import type { CreateWebhook, DeliveriesQuery } from './webhook-schemas';

export interface WebhookDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  rules: DestinationRules;
}

/** The caller's organisation: the admin key has none, so it holds no subscription. */
function orgOf(caller: Caller): string {
  if (!caller.orgId) throw forbidden('Webhooks belong to an organisation: call with one of its API keys.');
  return caller.orgId;
}

async function ownSubscription(db: Db, caller: Caller, id: string) {
  const sub = await db.webhookSubscription.findFirst({
    where: { id, organizationId: orgOf(caller), deletedAt: null },
  });
  if (!sub) throw notFound(`No webhook ${id}.`);
  return sub;
}

export async function createWebhook(deps: WebhookDeps, caller: Caller, input: z.infer<typeof CreateWebhook>) {
  const organizationId = orgOf(caller);
  try {
    await checkDestination(input.url, deps.rules);
  } catch (err) {
    if (err instanceof DestinationRefused) {
      throw unprocessable(`The url is refused: ${err.message}.`, [{ field: 'url', message: err.message }]);
    }
    throw err;
  }
  const secret = newWebhookSecret();
  const sub = await deps.db.$transaction(async (tx) => {
    const created = await tx.webhookSubscription.create({
      data: { organizationId, url: input.url, events: input.events ?? [ALL_EVENTS], secret },
    });
    await audit(tx, auditActorOf(caller), 'webhook.create', created.id, { organizationId, url: created.url });
    return created;
  });
  return { ...subscriptionJson(sub), secret };
}

export async function listWebhooks(db: Db, caller: Caller) {
  const subs = await db.webhookSubscription.findMany({
    where: { organizationId: orgOf(caller), deletedAt: null },
    orderBy: { createdAt: 'asc' },
  });
  return subs.map(subscriptionJson);
}

/** Stops the subscription: no new delivery, and the pending ones are cancelled. */
export async function deleteWebhook(db: Db, caller: Caller, id: string): Promise<void> {
  const sub = await ownSubscription(db, caller, id);
  await db.$transaction([
    db.webhookSubscription.update({ where: { id: sub.id }, data: { deletedAt: new Date() } }),
    db.webhookDelivery.updateMany({
      where: { subscriptionId: sub.id, status: 'pending' },
      data: { status: 'cancelled', nextAttemptAt: null },
    }),
    audit(db, auditActorOf(caller), 'webhook.delete', sub.id, { organizationId: sub.organizationId }),
  ]);
}

export async function listDeliveries(db: Db, caller: Caller, id: string, q: z.infer<typeof DeliveriesQuery>) {
  const sub = await ownSubscription(db, caller, id);
  const rows = await db.webhookDelivery.findMany({
    where: {
      subscriptionId: sub.id,
      ...(q.journeyId ? { journeyId: q.journeyId } : {}),
      ...(q.status ? { status: q.status } : {}),
    },
    include: { attemptLog: true },
    orderBy: [{ eventAt: 'desc' }, { seq: 'desc' }],
    take: q.limit,
  });
  return rows.map(deliveryJson);
}

/**
 * Sends a delivery again, with the same event id, as soon as its journey's
 * stream is free; it gets as long again as it first had before it is given up.
 */
export async function replayDelivery(deps: WebhookDeps, caller: Caller, id: string, deliveryId: string) {
  const { db } = deps;
  const sub = await ownSubscription(db, caller, id);
  const delivery = await db.webhookDelivery.findFirst({ where: { id: deliveryId, subscriptionId: sub.id } });
  if (!delivery) throw notFound(`No delivery ${deliveryId} for this webhook.`);
  const now = new Date();
  const window = delivery.giveUpAt.getTime() - delivery.eventAt.getTime();
  // Only a settled delivery goes back to pending: one being sent is left alone.
  const reopened = await db.webhookDelivery.updateMany({
    where: { id: delivery.id, status: { not: 'pending' } },
    data: {
      status: 'pending',
      replays: { increment: 1 },
      giveUpAt: new Date(now.getTime() + window),
      nextAttemptAt: now,
      deliveredAt: null,
    },
  });
  if (reopened.count === 0)
    throw conflict('This delivery is still being sent: there is nothing to replay yet.');
  try {
    await wakeWebhookDeliveries(deps.temporal, deps.taskQueue, [
      { subscriptionId: sub.id, journeyId: delivery.journeyId },
    ]);
  } catch (err) {
    await db.webhookDelivery.update({
      where: { id: delivery.id },
      data: {
        status: delivery.status,
        replays: delivery.replays,
        giveUpAt: delivery.giveUpAt,
        nextAttemptAt: delivery.nextAttemptAt,
        deliveredAt: delivery.deliveredAt,
      },
    });
    throw engineUnavailable(err);
  }
  await audit(db, auditActorOf(caller), 'webhook.replay', sub.id, { deliveryId: delivery.id });
  const row = await db.webhookDelivery.findUniqueOrThrow({
    where: { id: delivery.id },
    include: { attemptLog: true },
  });
  return deliveryJson(row);
}
