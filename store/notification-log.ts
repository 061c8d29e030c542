// The notification log: one row per email an event calls for, keyed by the
// event (journey, sequence number, template). It is how a retried activity
// knows what an earlier attempt did, and how people see what was sent.
import { createHash } from 'node:crypto';
import type { Db } from '../prisma/client';

/**
 * Where one email stands.
 * - `sending`: claimed by an attempt that is handing it to the transport;
 * - `sent`: the transport accepted it;
 * - `retry`: the transport certainly refused it; the next attempt sends it;
 * - `uncertain`: an attempt died mid-send; it may be out, and is not resent;
 * - `skipped`: nobody to send it to (an erased learner).
 */
export type NotificationStatus = 'sending' | 'sent' | 'retry' | 'uncertain' | 'skipped';

/** Statuses after which no attempt sends the email again. */
const SETTLED: readonly NotificationStatus[] = ['sent', 'uncertain', 'skipped'];

export interface NotificationKey {
  journeyId: string;
  seq: number;
  template: string;
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
    async statusOf(eventKey: string): Promise<NotificationStatus | null> {
      const row = await db.notification.findUnique({ where: { eventKey }, select: { status: true } });
      return (row?.status as NotificationStatus | undefined) ?? null;
    },

    isSettled(status: NotificationStatus | null): boolean {
      return status !== null && SETTLED.includes(status);
    },

    /** An earlier attempt died between handing the email over and logging it. */
    async markUncertain(eventKey: string): Promise<void> {
      await db.notification.update({ where: { eventKey }, data: { status: 'uncertain' } });
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
     * Claims the email for this attempt: a new row, or one in `retry`. False
     * when another attempt holds or settled it.
     */
    async claim(
      key: NotificationKey,
      recipient: string,
      existing: NotificationStatus | null,
    ): Promise<boolean> {
      const eventKey = eventKeyFor(key);
      if (existing) {
        const claimed = await db.notification.updateMany({
          where: { eventKey, status: 'retry' },
          data: { status: 'sending', recipient },
        });
        return claimed.count > 0;
      }
      try {
        await db.notification.create({
          data: { eventKey, journeyId: key.journeyId, template: key.template, recipient, status: 'sending' },
        });
        return true;
      } catch {
        return false; // another attempt claimed it
      }
    },

    /** The transport certainly did not take the email: the next attempt sends it. */
    async release(eventKey: string, error: string): Promise<void> {
      await db.notification.update({ where: { eventKey }, data: { status: 'retry', error } });
    },

    async markSent(eventKey: string, messageId: string): Promise<void> {
      await db.notification.update({
        where: { eventKey },
        data: { status: 'sent', messageId, sentAt: new Date() },
      });
    },
  };
}
