// /courriels (managers): the emails that need a person, as GET
// /v1/notifications lists them (store/notifications-to-review.ts), with the
// journey each belongs to and what to do about it.
import { Router } from 'express';
import { assertRole, caller } from '../../api/auth';
import { NotificationsQuery } from '../../api/schemas';
import { formatDateTime } from '../../mail/templates/dates';
import { notificationsToReview, REVIEW_REASONS, reviewCounts } from '../../store/notifications-to-review';
import { emailLabel, REVIEW_REASON_LABELS } from '../labels';
import { render } from '../render';
import type { WebDeps } from '../server';
import { learnerName } from '../views/journey-page';

/** Emails listed on one page: the newest. */
const LIMIT = 100;

export function emailsToReviewRoutes(deps: WebDeps): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    assertRole(caller(req), 'manager');
    const asked = typeof req.query.status === 'string' ? req.query.status : '';
    const query = NotificationsQuery.safeParse({ ...(asked ? { status: asked } : {}), limit: LIMIT });
    const q = query.success ? query.data : { limit: LIMIT };
    const [items, counts] = await Promise.all([notificationsToReview(deps.db, q), reviewCounts(deps.db)]);
    const journeyIds = [...new Set(items.map((n) => n.journeyId).filter((id): id is string => id !== null))];
    const journeys = await deps.db.journey.findMany({
      where: { id: { in: journeyIds } },
      include: { learner: true, fabrique: true },
    });
    const byId = new Map(journeys.map((j) => [j.id, j]));
    const reasonOf = (r: string | null) => (r ? REVIEW_REASON_LABELS[r] : undefined);
    render(res, 'emails-to-review', {
      status: q.status ?? '',
      statusError:
        asked && !query.success ? 'Ce filtre n’existe pas : tous les courriels sont affichés.' : undefined,
      reasons: REVIEW_REASONS.map((r) => ({
        value: r,
        label: REVIEW_REASON_LABELS[r]?.label ?? r,
        help: REVIEW_REASON_LABELS[r]?.help ?? '',
        count: counts[r],
        href: `/courriels?status=${r}`,
        current: q.status === r,
      })),
      total: Object.values(counts).reduce((a, b) => a + b, 0),
      limit: LIMIT,
      items: items.map((n) => {
        const journey = n.journeyId ? byId.get(n.journeyId) : undefined;
        return {
          at: formatDateTime(n.updatedAt),
          email: emailLabel(n.template),
          reason: reasonOf(n.status)?.label ?? n.status ?? '—',
          severity: n.status === 'refused' ? 'error' : n.status === 'skipped' ? 'info' : 'warning',
          journey: journey
            ? {
                href: `/parcours/${journey.id}`,
                name: learnerName(journey.learner),
                fabrique: journey.fabrique.name,
              }
            : undefined,
          attempts: n.attempts,
          error: n.error ?? '—',
        };
      }),
    });
  });

  return router;
}
