// /v1/notifications: for managers, the emails that need a person (resent
// after a crash, refused for good, skipped for an erased learner). What the
// notification log shows, without addresses or content.
import { Router } from 'express';
import type { Db } from '../../prisma/client';
import { notificationsToReview } from '../../store/notifications-to-review';
import { requireRole } from '../auth';
import { parseInput } from '../problem';
import { NotificationsQuery } from '../schemas';

export function notificationRoutes(db: Db): Router {
  const router = Router();
  router.use(requireRole('manager'));

  router.get('/', async (req, res) => {
    const q = parseInput(NotificationsQuery, req.query, 'query');
    res.json({ items: await notificationsToReview(db, q) });
  });

  return router;
}
