// The notification log: one row per email an event calls for, keyed by the
// event (journey, sequence number, template). It is how a retried activity
// knows what an earlier attempt did, and how people see what was sent.
import { createHash } from 'node:crypto';
import type { Db } from '../prisma/client';
import { uniqueViolation } from './database-errors';

/**
 * Where one email stands.
 * - `sending`: an attempt took it and is handing it to the transport; found
 *   so by a later attempt, that attempt died holding it, and it is sent again;
 * - `sent`: the transport accepted it;
 * - `retry`: the transport certainly did not take it; the next attempt sends it;
 * - `refused`: the SMTP server refused it for good (5xx): a person must look;
 * - `skipped`: nobody to send it to (an erased learner);
 * - `uncertain`: written before emails were resent after a crash (an attempt
 *   died mid-send and the email was left as it was); no longer written.
 */
export type NotificationStatus = 'sending' | 'sent' | 'retry' | 'refused' | 'skipped' | 'uncertain';

/** Statuses after which no attempt sends the email again. */
const SETTLED: readonly NotificationStatus[] = ['sent', 'refused', 'skipped', 'uncertain'];

export interface NotificationKey {
  journeyId: string;
  seq: number;
  template: string;
}

/** What an attempt finds in the log before sending. */
export interface LogEntry {
  status: NotificationStatus;
  attempts: number;
}

/** An attempt's hold on an email, and whether the email is a resend after a crash. */
export interface Claim {
  attempt: number;
  resend: boolean;
}

/** An email's identity: the same for every attempt at one event's email to one recipient. */
export function eventKeyFor(k: NotificationKey): string {
  return `${k.journeyId}:${k.seq}:${k.template}`;
}

/** The Message-ID of a notification: the same for every attempt at one event. */
export function messageIdFor(eventKey: string): string {
  return `<${createHash('sha256').update(eventKey).digest('hex').slice(0, 32)}@parcours>`;
}

export function notificationLog(db: Db) {
  return {
    isSettled(entry: LogEntry | null): boolean {
      return entry !== null && SETTLED.includes(entry.status);
    },

    /** Nobody to write to: logged so that the log says nothing went out. */
    async markSkipped(key: NotificationKey): Promise<void> {
      const eventKey = eventKeyFor(key);
      await db.notification.upsert({
        where: { eventKey },
        update: { status: 'skipped' },
        create: {
          eventKey,
          journeyId: key.journeyId,
          template: key.template,
          recipient: '',
          status: 'skipped',
        },
      });
    },

    /**
     * Takes the email for this attempt: a new row, one in `retry`, or one an
     * earlier attempt left `sending` when it died (then the send is a resend,
     * counted). Null when another attempt took it first.
     */
    async claim(key: NotificationKey, recipient: string, found: LogEntry | null): Promise<Claim | null> {
      const eventKey = eventKeyFor(key);
      if (found) {
        const resend = found.status === 'sending';
        const attempt = found.attempts + 1;
        // Conditional on what this attempt saw: of two racing attempts, one wins.
        const claimed = await db.notification.updateMany({
          where: { eventKey, status: found.status, attempts: found.attempts },
          data: {
            status: 'sending',
            recipient,
            attempts: attempt,
            ...(resend ? { resentAfterCrash: { increment: 1 } } : {}),
          },
        });
        return claimed.count > 0 ? { attempt, resend } : null;
      }
      try {
        await db.notification.create({
          data: {
            eventKey,
            journeyId: key.journeyId,
            template: key.template,
            recipient,
            status: 'sending',
            attempts: 1,
          },
        });
        return { attempt: 1, resend: false };
      } catch (err) {
        // Only a row written meanwhile means another attempt has it. Any other
        // error (PostgreSQL gone mid-insert, say) leaves it unknown whether
        // the row exists: the attempt fails and its retry reads the log again.
        if (uniqueViolation(err)) return null;
        throw err;
      }
    },

    /** The transport certainly did not take the email: the next attempt sends it. */
    async release(eventKey: string, claim: Claim, error: string): Promise<void> {
      await db.notification.updateMany({
        where: { eventKey, status: 'sending', attempts: claim.attempt },
        data: { status: 'retry', error },
      });
    },

    /** The SMTP server refused the email for good: no retry sends it; a person must look. */
    async markRefused(eventKey: string, error: string): Promise<void> {
      await db.notification.update({ where: { eventKey }, data: { status: 'refused', error } });
    },

    async markSent(eventKey: string, messageId: string): Promise<void> {
      await db.notification.update({
        where: { eventKey },
        data: { status: 'sent', messageId, sentAt: new Date(), error: null },
      });
    },
  };
}
