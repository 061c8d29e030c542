// Notifications: one email per event and recipient, sent at least once,
// always under the same Message-ID.
//
// The notification log row (store/notification-log.ts) is claimed before
// sending and marked sent after. A retry finds `sent` and stops. A retry that
// finds `sending` means an earlier attempt died holding the email, perhaps
// after handing it to the transport: it sends it again with the same
// Message-ID (mail clients show one message) and the log counts the resend.
// Failures that certainly kept the message from leaving (connection refused,
// a temporary SMTP refusal) release the claim so that Temporal's retry sends
// it; a permanent SMTP refusal (5xx) is logged `refused` for a person to see.
import { ApplicationFailure } from '@temporalio/activity';
import { whileBeating } from './heartbeat';
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

/** A permanent SMTP refusal: no retry would get the message through. */
function refusedForGood(err: unknown): boolean {
  const { responseCode } = err as { responseCode?: number };
  return typeof responseCode === 'number' && responseCode >= 500;
}

const NEVER_CONNECTED = ['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN'];

/** Errors after which the message certainly did not leave. */
function certainlyNotSent(err: unknown): boolean {
  // nodemailer reports a refused connection as ESOCKET and keeps the system's code apart.
  const e = err as { code?: string; originalCode?: string; syscall?: string; responseCode?: number };
  if (typeof e.responseCode === 'number' && e.responseCode >= 400) return true;
  if (e.syscall === 'connect' || NEVER_CONNECTED.includes(e.originalCode ?? '')) return true;
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

  async function send(input: SendNotificationInput): Promise<void> {
    const eventKey = eventKeyFor(input);
    const subject = await loadEmailSubject(db, input, eventKey);
    const found = subject.logged;
    if (log.isSettled(found)) return;
    const to = await addressesOf(db, input.to, subject);
    const cc = (await Promise.all((input.cc ?? []).map((r) => addressesOf(db, r, subject)))).flat();
    if (to.length === 0) return log.markSkipped(input);
    const claim = await log.claim(input, [...to, ...cc].join(', '), found);
    // Another attempt changed the row since it was read (an attempt Temporal
    // had given up on, still alive): this one is not done until the log says
    // `sent`, so it fails and its retry reads the log again.
    if (!claim) throw ApplicationFailure.retryable('held by another attempt', 'NotificationHeld');
    if (claim.resend) {
      deps.log?.(`notification ${eventKey} (${input.template}) resent: an attempt died holding it`);
    }

    const followUp = await surveyLink(db, subject, input, deps.publicBaseUrl);
    const context = templateContext(subject, input, {
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
      if (refusedForGood(err)) return log.markRefused(eventKey, summary);
      if (certainlyNotSent(err)) await log.release(eventKey, claim, summary);
      throw ApplicationFailure.retryable(summary, 'MailSendFailed');
    }
    await deps.afterHandOff?.(eventKey);
    await log.markSent(eventKey, messageId);
  }

  return {
    sendNotification: (input: SendNotificationInput) => whileBeating(() => send(input)),
  };
}
