// Data capture: each journey event becomes one timeline row and an updated
// read model, in one transaction. A retried activity changes nothing twice:
// the timeline is keyed by (journeyId, seq) and the journey row only moves
// forward in `version`.
import { randomUUID } from 'node:crypto';
import { toDate } from '../domain/dates';
import type { Db } from '../prisma/client';
import { Prisma } from '../prisma/client';
import type { RecordEventInput, WebhookStream } from '../workflows/activity-types';
import type { FollowUpState, JournalView } from '../domain/journey-state';
import { MILESTONES } from '../domain/policy';
import { queueWebhookDeliveries } from '../store/webhooks';

/** What the journal needs to hand events to webhooks. */
export interface JournalWebhooks {
  /** How long after its event a delivery is given up (ISO 8601 duration). */
  giveUpAfter: string;
  /** Wakes the delivery workflows of these streams, once their deliveries are committed. */
  wake(streams: WebhookStream[]): Promise<void>;
}

/** Free-text fields that, typed with some actions, also fill read-model columns. */
const JOURNEY_TEXT_COLUMNS = ['trainingTitle', 'certification'] as const;

export async function loadTexts(
  db: Db | Prisma.TransactionClient,
  textId?: string,
): Promise<Record<string, string>> {
  if (!textId) return {};
  const row = await db.actionText.findUnique({ where: { id: textId } });
  return (row?.fields as Record<string, string> | undefined) ?? {};
}

/** The journey row's columns that the workflow's view of the journey fixes (free text aside). */
export function readModelColumns(j: JournalView) {
  return {
    status: j.status,
    fabriqueId: j.fabriqueId,
    interviewAt: toDate(j.interviewAt),
    decidedAt: toDate(j.decidedAt),
    plannedStartDate: toDate(j.plannedStartDate),
    durationMonths: j.durationMonths ?? null,
    startDate: toDate(j.startDate),
    plannedEndDate: toDate(j.plannedEndDate),
    suspendedFrom: toDate(j.suspendedFrom),
    exitKind: j.exit?.kind ?? null,
    exitDate: toDate(j.exit?.date),
    exitReason: j.exit?.reason ?? null,
    certified: j.exit?.certified ?? null,
    endReason: j.endReason ?? null,
    closedAt: toDate(j.closedAt),
    nextDeadline: toDate(j.nextDeadline?.at),
    nextDeadlineKind: j.nextDeadline?.kind ?? null,
  };
}

export function createJournal(db: Db, webhooks?: JournalWebhooks) {
  return {
    async recordEvent(input: RecordEventInput): Promise<void> {
      const j = input.journey;
      let streams: WebhookStream[] = [];
      await db.$transaction(async (tx) => {
        const texts = await loadTexts(tx, input.textId);
        // One INSERT … ON CONFLICT DO NOTHING: a retry finds the entry it wrote before.
        let eventId: string = randomUUID();
        const written = await tx.timelineEntry.createMany({
          data: {
            id: eventId,
            journeyId: input.journeyId,
            seq: input.seq,
            at: new Date(input.at),
            event: input.event,
            fromStatus: input.fromStatus,
            toStatus: input.toStatus,
            actorType: input.actor.type,
            actorId: input.actor.orgId ?? null,
            actorKeyId: input.actor.keyId ?? null,
            actorMemberId: input.actor.memberId ?? null,
            details: { ...input.details, ...texts } as Prisma.InputJsonValue,
          },
          skipDuplicates: true,
        });
        if (written.count === 0) {
          const earlier = await tx.timelineEntry.findUniqueOrThrow({
            where: { journeyId_seq: { journeyId: input.journeyId, seq: input.seq } },
            select: { id: true },
          });
          eventId = earlier.id;
        }
        if (webhooks) {
          // The event as the workflow recorded it: its details hold no free text.
          streams = await queueWebhookDeliveries(
            tx,
            { ...input, eventId, at: new Date(input.at), journey: j },
            webhooks.giveUpAfter,
          );
        }
        const textColumns: Record<string, string> = {};
        for (const key of JOURNEY_TEXT_COLUMNS) if (texts[key]) textColumns[key] = texts[key];
        const moved = await tx.journey.updateMany({
          where: { id: input.journeyId, version: { lt: input.seq } },
          data: {
            version: input.seq,
            ...readModelColumns(j),
            ...textColumns,
          },
        });
        if (moved.count === 0) return; // a later event already wrote the read model
        for (const milestone of MILESTONES) {
          const fu: FollowUpState | undefined = j.followUps[milestone];
          if (!fu) continue;
          const answer =
            input.event === 'record-follow-up' && input.details.milestone === milestone
              ? {
                  employer: texts.employer ?? null,
                  jobTitle: texts.jobTitle ?? null,
                  contractStart: toDate(input.details.contractStart as string | null),
                  answeredAt: new Date(input.at),
                }
              : {};
          const data = {
            dueDate: toDate(fu.dueAt.slice(0, 10)) as Date,
            status: fu.status,
            outcome: fu.outcome ?? null,
            answeredBy: fu.answeredBy ?? null,
            surveySentAt: toDate(fu.surveySentAt),
            ...(fu.status === 'unknown' && input.event === 'follow-up-give-up'
              ? { answeredAt: new Date(input.at) }
              : {}),
            ...answer,
          };
          await tx.followUp.upsert({
            where: { journeyId_milestone: { journeyId: input.journeyId, milestone } },
            update: data,
            create: { journeyId: input.journeyId, milestone, ...data },
          });
        }
      });
      // Committed: a retry of this activity wakes them again, so none is left asleep.
      if (streams.length > 0) await webhooks?.wake(streams);
    },
  };
}
