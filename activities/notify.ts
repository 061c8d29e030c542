// Notifications: one email per event and recipient, sent at most once.
//
// The notification log row (store/notification-log.ts) is claimed before
// sending and marked sent after. A retry finds `sent` and stops. A retry that
// finds `sending` means an earlier attempt died between handing the message
// to the transport and recording it: the message may be out, so it is not
// sent again but marked `uncertain` for a person to check. Failures that
// certainly kept the message from leaving (connection refused, SMTP
// rejection) release the claim so that Temporal's retry sends it.
import { ApplicationFailure } from '@temporalio/activity';
import type { Db } from '../prisma/client';
import { eventKeyFor, messageIdFor, notificationLog } from '../store/notification-log';
import type { SendNotificationInput } from '../workflows/activity-types';
import { addressesOf, loadEmailSubject, surveyLink, templateContext } from './email-context';
import type { Mailer } from '../mail/mailer';
import { renderEmail } from '../mail/templates/render';

export interface NotifyDeps {
  db: Db;
  mailer: Mailer;
  mailFrom: string;
  publicBaseUrl: string;
  log?: (message: string) => void;
  /** Test hook: runs after the transport accepted a message, before it is logged as sent. */
  afterHandOff?: (eventKey: string) => void | Promise<void>;
}

/** Errors after which the message certainly did not leave. */
function certainlyNotSent(err: unknown): boolean {
  const e = err as { code?: string; responseCode?: number };
  if (typeof e.responseCode === 'number' && e.responseCode >= 400) return true;
  return ['ECONNECTION', 'ECONNREFUSED', 'ETIMEDOUT', 'EDNS', 'EAUTH', 'ETLS', 'EENVELOPE'].includes(
    e.code ?? '',
  );
}

/**
 * SMTP replies often quote the recipient: keep only codes, so that no address
 * reaches the log table, the worker's log or Temporal history.
 */
function transportFailure(err: unknown): string {
  const e = err as { code?: string; responseCode?: number };
  return `mail transport failed (${e.code ?? 'error'}${e.responseCode ? ` ${e.responseCode}` : ''})`;
}

export function createNotifier(deps: NotifyDeps) {
  const { db } = deps;
  const log = notificationLog(db);

  return {
    async sendNotification(input: SendNotificationInput): Promise<void> {
      const eventKey = eventKeyFor(input);
      const existing = await log.statusOf(eventKey);
      if (log.isSettled(existing)) return;
      if (existing === 'sending') {
        await log.markUncertain(eventKey);
        deps.log?.(
          `notification ${eventKey} (${input.template}) may have been sent before a crash; not resent`,
        );
        return;
      }
      const subject = await loadEmailSubject(db, input);
      const to = await addressesOf(db, input.to, subject);
      const cc = (await Promise.all((input.cc ?? []).map((r) => addressesOf(db, r, subject)))).flat();
      if (to.length === 0) return log.markSkipped(input);
      if (!(await log.claim(input, [...to, ...cc].join(', '), existing))) return;

      const followUp = await surveyLink(db, subject, input, deps.publicBaseUrl);
      const context = await templateContext(db, subject, input, {
        followUp,
        publicBaseUrl: deps.publicBaseUrl,
      });
      const rendered = renderEmail(input.template, context);
      const messageId = messageIdFor(eventKey);
      try {
        await deps.mailer.send({
          from: deps.mailFrom,
          to,
          cc: cc.length ? cc : undefined,
          subject: rendered.subject,
          text: rendered.text,
          html: rendered.html,
          messageId,
          headers: { 'X-Parcours-Template': input.template, 'X-Parcours-Journey': input.journeyId },
        });
      } catch (err) {
        const summary = transportFailure(err);
        if (certainlyNotSent(err)) await log.release(eventKey, summary);
        throw ApplicationFailure.retryable(summary, 'MailSendFailed');
      }
      await deps.afterHandOff?.(eventKey);
      await log.markSent(eventKey, messageId);
    },
  };
}
