// /v1/learners/:id: the learner's rights over their personal data (RGPD),
// exercised through a manager: access (export) and erasure. Both are audited.
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { MailCopies } from '../../activities/mailer';
import { erasePersonalData, exportLearnerData, type Requester } from '../../activities/privacy';
import type { Db } from '../../prisma/client';
import { caller, requireRole } from '../auth';
import { notFound } from '../problem';

const IdParam = z.uuid();

function learnerId(raw: string): string {
  const parsed = IdParam.safeParse(raw);
  if (!parsed.success) throw notFound(`No learner ${raw}.`);
  return parsed.data;
}

function requester(req: Request): Requester {
  const c = caller(req);
  return { type: c.admin ? 'admin' : c.type, id: c.orgId };
}

/** `copies`: the .eml folder the worker writes to, when mail does not go out over SMTP. */
export function learnerRoutes(db: Db, copies?: MailCopies): Router {
  const router = Router();
  router.use(requireRole('manager'));

  router.get('/:id/export', async (req, res) => {
    const id = learnerId(req.params.id);
    const data = await exportLearnerData(db, id);
    if (!data) throw notFound(`No learner ${id}.`);
    const who = requester(req);
    await db.auditEntry.create({
      data: { actorType: who.type, actorId: who.id, action: 'learner.export', targetId: id },
    });
    res
      .set('Content-Disposition', `attachment; filename="learner-${id}.json"`)
      .set('Cache-Control', 'no-store')
      .json(data);
  });

  router.post('/:id/erase', async (req, res) => {
    const id = learnerId(req.params.id);
    const summary = await erasePersonalData(db, { learnerId: id, reason: 'request' }, requester(req), copies);
    if (!summary) throw notFound(`No learner ${id}.`);
    res.json(summary);
  });

  return router;
}
