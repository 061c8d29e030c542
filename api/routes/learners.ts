// /v1/learners/:id: the learner's rights over their personal data (RGPD),
// exercised through a manager: access (export) and erasure. Both are audited.
import { Router } from 'express';
import type { MailCopies } from '../../store/mail-copies';
import { audit } from '../../store/audit';
import { erasePersonalData, exportLearnerData } from '../../store/privacy';
import type { Db } from '../../prisma/client';
import { auditActorOf, caller, requireRole } from '../auth';
import { idParam, notFound } from '../problem';

/** `copies`: the .eml folder the worker writes to, when mail does not go out over SMTP. */
export function learnerRoutes(db: Db, copies?: MailCopies): Router {
  const router = Router();
  router.use(requireRole('manager'));

  router.get('/:id/export', async (req, res) => {
    const id = idParam(req.params.id, 'learner');
    const data = await exportLearnerData(db, id);
    if (!data) throw notFound(`No learner ${id}.`);
    await audit(db, auditActorOf(caller(req)), 'learner.export', id);
    res
      .set('Content-Disposition', `attachment; filename="learner-${id}.json"`)
      .set('Cache-Control', 'no-store')
      .json(data);
  });

  router.post('/:id/erase', async (req, res) => {
    const id = idParam(req.params.id, 'learner');
    const summary = await erasePersonalData(
      db,
      { learnerId: id, reason: 'request' },
      auditActorOf(caller(req)),
      copies,
    );
    if (!summary) throw notFound(`No learner ${id}.`);
    res.json(summary);
  });

  return router;
}
