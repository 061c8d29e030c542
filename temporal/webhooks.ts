// Wakes the delivery workflow of each subscription and journey given, or
// starts it: the journal calls this once its deliveries are committed, the
// API once a replay is asked for.
import type { Client } from '@temporalio/client';
import type { WebhookStream } from '../workflows/activity-types';
import {
  deliveriesWaiting,
  WEBHOOK_WORKFLOW,
  webhookWorkflowIdFor,
  type WebhookDelivery,
} from '../workflows/messages';

export async function wakeWebhookDeliveries(
  client: Client,
  taskQueue: string,
  streams: WebhookStream[],
): Promise<void> {
  await Promise.all(
    streams.map((stream) =>
      client.workflow.signalWithStart<WebhookDelivery, []>(WEBHOOK_WORKFLOW, {
        workflowId: webhookWorkflowIdFor(stream.subscriptionId, stream.journeyId),
        taskQueue,
        args: [stream],
        signal: deliveriesWaiting,
        signalArgs: [],
      }),
    ),
  );
}
