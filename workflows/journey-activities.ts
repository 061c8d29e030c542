// The activities the journey workflow calls, each with its timeouts and retries.
import { proxyActivities } from '@temporalio/workflow';
import type { PendingEmail } from '../domain/notifications';
import type { JourneyActivities } from './activity-types';

// The journal is one short transaction: an attempt lost with its worker is
// retried after a few seconds, so the read model catches up quickly.
export const { recordEvent } = proxyActivities<JourneyActivities>({
  // A late attempt still commits, so its retry finds the work done and returns at once.
  startToCloseTimeout: '3 seconds',
  retry: { initialInterval: '500 milliseconds', maximumInterval: '1 minute' },
});
export const { erasePersonalData } = proxyActivities<JourneyActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});
// A send heartbeats while it works: a dead worker's attempt is retried after
// the heartbeat timeout, while a slow but live SMTP server has the minute.
const { sendNotification } = proxyActivities<JourneyActivities>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '2 seconds', maximumInterval: '10 minutes' },
});

/** Sends one email of the journey's outbox, under the Message-ID of its event. */
export function sendEmail(journeyId: string, email: PendingEmail) {
  return sendNotification({
    journeyId,
    seq: email.seq,
    event: email.event,
    template: email.template,
    to: email.to,
    cc: email.cc,
    details: email.details,
  });
}
