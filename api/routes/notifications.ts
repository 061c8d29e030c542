// /v1/notifications: for managers, the emails that need a person (resent
// after a crash, refused for good, skipped for an erased learner). What the
// notification log shows, without addresses or content.
import { Router } from 'express';
import type { Db } from '../../prisma/client';
import { needingReview, recipientKindOf, reviewReasonOf } from '../../store/notifications-to-review';
import { requireRole } from '../auth';
import { parseInput } from '../problem';
import { NotificationsQuery } from '../schemas';

export function notificationRoutes(db: Db): Router {
  const router = Router();
  router.use(requireRole('manager'));

  router.get('/', async (req, res) => {
    const q = parseInput(NotificationsQuery, req.query, 'query');
    const rows = await db.notification.findMany({
      where: { AND: [needingReview(q.status), q.journeyId ? { journeyId: q.journeyId } : {}] },
      orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
      take: q.limit,
    });
    res.json({
      items: rows.map((n) => ({
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
      })),
    });
  });

  return router;
}
