// The journey's activities, built from their dependencies so that tests pass
// real ones (a test database, an in-process SMTP server) without module mocks.
import { Context } from '@temporalio/activity';
import type { Db } from '../prisma/client';
import type { JourneyActivities, WebhookActivities } from '../workflows/activity-types';
import { createJournal } from './journal';
import type { Mailer } from '../mail/mailer';
import { createNotifier, type NotifyDeps } from './notify';
import { createPrivacy } from '../store/privacy';
import { wakeWebhookDeliveries } from '../temporal/webhooks';
import { destinationRulesFor } from '../config/env';
import type { DestinationRules } from '../webhooks/destination';
import { DEFAULT_WEBHOOK_RETRY, type WebhookRetry } from '../webhooks/retry';
import { createWebhookActivities } from './webhooks';

export interface ActivityDeps {
  db: Db;
  mailer: Mailer;
  mailFrom: string;
  publicBaseUrl: string;
  log?: (message: string) => void;
  afterHandOff?: NotifyDeps['afterHandOff'];
  /** Webhook retries: delays and when to give up (WEBHOOK_RETRY_*). */
  webhookRetry?: WebhookRetry;
  /** Where webhooks may go; public https only under NODE_ENV=production. */
  webhookRules?: DestinationRules;
}

export function createActivities(deps: ActivityDeps): JourneyActivities & WebhookActivities {
  const retry = deps.webhookRetry ?? DEFAULT_WEBHOOK_RETRY;
  return {
    ...createJournal(deps.db, {
      giveUpAfter: retry.giveUpAfter,
      // The worker's own client, on the task queue this journal write runs on.
      wake: (streams) => {
        const context = Context.current();
        return wakeWebhookDeliveries(context.client, context.info.taskQueue, streams);
      },
    }),
    ...createNotifier(deps),
    ...createPrivacy(deps.db, deps.mailer.copies),
    ...createWebhookActivities({
      db: deps.db,
      retry,
      rules: deps.webhookRules ?? destinationRulesFor(),
    }),
  };
}
