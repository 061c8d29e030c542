// Emails that need a person (DESIGN: /courriels): sent again after a crash
// (the recipient may hold two copies under one Message-ID), refused for good
// by the SMTP server, skipped because nobody was left to write to (an erased
// learner), or left uncertain by versions before emails were resent.
import type { Db, Prisma } from '../prisma/client';
import type { NotificationStatus } from './notification-log';

/** Why an email needs a person. */
export const REVIEW_REASONS = ['resent', 'refused', 'skipped', 'uncertain'] as const;
export type ReviewReason = (typeof REVIEW_REASONS)[number];

const BY_STATUS: Partial<Record<NotificationStatus, ReviewReason>> = {
  refused: 'refused',
  skipped: 'skipped',
  uncertain: 'uncertain',
};

/** The log rows that need a person, for one reason or for any. */
export function needingReview(reason?: ReviewReason): Prisma.NotificationWhereInput {
  const of = (r: ReviewReason): Prisma.NotificationWhereInput =>
    r === 'resent' ? { resentAfterCrash: { gt: 0 } } : { status: r };
  return reason ? of(reason) : { OR: REVIEW_REASONS.map(of) };
}

/** Why this row needs a person: its status, or its resends; null when it does not. */
export function reviewReasonOf(row: { status: string; resentAfterCrash: number }): ReviewReason | null {
  return BY_STATUS[row.status as NotificationStatus] ?? (row.resentAfterCrash > 0 ? 'resent' : null);
}

/** Who an email was for, read from its template (`admitted.agency` → `agency`); never an address. */
export function recipientKindOf(template: string): string {
  return template.slice(template.lastIndexOf('.') + 1);
}

/** What the list asks for: one reason or all, one journey or all, the newest `limit`. */
export interface ReviewQuery {
  status?: ReviewReason;
  journeyId?: string;
  limit: number;
}

/** The emails that need a person, newest first, as GET /v1/notifications and /courriels list them. */
export async function notificationsToReview(db: Db, q: ReviewQuery) {
  const rows = await db.notification.findMany({
    where: { AND: [needingReview(q.status), q.journeyId ? { journeyId: q.journeyId } : {}] },
    orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
    take: q.limit,
  });
  return rows.map((n) => ({
    id: n.id,
    journeyId: n.journeyId,
    template: n.template,
    recipientKind: recipientKindOf(n.template),
    status: reviewReasonOf(n),
    attempts: n.attempts,
    resentAfterCrash: n.resentAfterCrash,
    error: n.error,
    createdAt: n.createdAt.toISOString(),
    updatedAt: n.updatedAt.toISOString(),
    sentAt: n.sentAt?.toISOString() ?? null,
  }));
}

/** How many emails need a person for each reason. */
export async function reviewCounts(db: Db): Promise<Record<ReviewReason, number>> {
  const counts = await Promise.all(
    REVIEW_REASONS.map((r) => db.notification.count({ where: needingReview(r) })),
  );
  return Object.fromEntries(REVIEW_REASONS.map((r, i) => [r, counts[i] ?? 0])) as Record<
    ReviewReason,
    number
  >;
}
