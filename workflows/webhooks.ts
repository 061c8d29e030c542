// Webhook delivery: one workflow per subscription and journey, woken when the
// journal writes a delivery. It sends that journey's events one at a time,
// lowest `seq` first, each retried by Temporal until it is delivered or given
// up, so a later event never overtakes an earlier one. The deliveries and
// their events live in PostgreSQL; this history holds ids only.
import { condition, continueAsNew, proxyActivities, setHandler } from '@temporalio/workflow';
import type { WebhookActivities, WebhookStream } from './activity-types';
import { deliveriesWaiting } from './messages';

const { nextWebhookDelivery } = proxyActivities<WebhookActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});
// Each attempt chooses its own next delay and when to give up (see
// activities/webhooks.ts); this policy applies only to an attempt that died
// without answering, its worker killed say, noticed by the heartbeat.
const { deliverWebhook } = proxyActivities<WebhookActivities>({
  startToCloseTimeout: '30 seconds',
  heartbeatTimeout: '5 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '6 hours' },
});

/** Nothing to send for this long: the workflow ends; the next delivery starts another. */
const IDLE_MS = 60_000;
/** Turns of the loop before the history starts afresh. */
const TURNS_PER_RUN = 200;

export async function webhookDelivery(stream: WebhookStream): Promise<void> {
  let woken = false;
  setHandler(deliveriesWaiting, () => {
    woken = true;
  });
  let gapWait = 500;
  for (let turn = 0; turn < TURNS_PER_RUN; turn++) {
    woken = false;
    const next = await nextWebhookDelivery(stream);
    if (next.kind === 'ready') {
      gapWait = 500;
      await deliverWebhook({ deliveryId: next.deliveryId });
    } else if (next.kind === 'waiting') {
      // An earlier event is being written: its journal wakes us, or we look again.
      await condition(() => woken, gapWait);
      gapWait = Math.min(gapWait * 2, 60_000);
    } else if (!(await condition(() => woken, IDLE_MS))) {
      return;
    }
  }
  await continueAsNew<typeof webhookDelivery>(stream);
}
