// /v1/follow-ups/:token: the learner's survey, reached from the email link.
// No account: the random token is the key. It is kept hashed, covers one
// milestone, expires, and stops working once the milestone is answered.
import express, { Router, type Request, type Response } from 'express';
import type { Db } from '../../prisma/client';
import { hashToken } from '../../store/follow-up-tokens';
import helmet from 'helmet';
import { LEARNER_PAGE_CSP } from '../../web/csp';
import { renderFollowUpForm, renderFollowUpPage } from '../../web/follow-up-pages';
import type { Milestone } from '../../domain/policy';
import { runAction, type JourneyDeps } from '../journey-actions';
import { Problem, fieldErrors, notFound, sendProblem } from '../problem';
import { FollowUpAnswer } from '../schemas';

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{20,100}$/;

async function findToken(db: Db, token: string) {
  if (!TOKEN_SHAPE.test(token)) return null;
  const row = await db.followUpToken.findUnique({
    where: { hash: hashToken(token) },
    include: { followUp: { include: { journey: { include: { learner: true, fabrique: true } } } } },
  });
  if (!row || row.usedAt || row.expiresAt.getTime() < Date.now()) return null;
  if (row.followUp.status !== 'sent' && row.followUp.status !== 'pending') return null;
  return row;
}

function formFor(
  row: NonNullable<Awaited<ReturnType<typeof findToken>>>,
  token: string,
  error?: string,
): string {
  return renderFollowUpForm({
    firstName: row.followUp.journey.learner.firstName,
    milestone: row.followUp.milestone as Milestone,
    fabriqueName: row.followUp.journey.fabrique.name,
    action: `/v1/follow-ups/${token}`,
    error,
  });
}

function wantsHtml(req: Request): boolean {
  return req.is('application/x-www-form-urlencoded') === 'application/x-www-form-urlencoded';
}

/** A browser (Accept: text/html, or anything) gets a page; software asking for JSON a problem. */
function acceptsHtml(req: Request): boolean {
  return req.accepts(['html', 'application/problem+json', 'application/json']) === 'html';
}

function gone(req: Request, res: Response, html: boolean): void {
  const detail = 'This link has expired or was already used.';
  if (html) {
    res
      .status(404)
      .type('html')
      .send(
        renderFollowUpPage({
          title: 'Lien expiré',
          message: 'Ce lien a expiré ou a déjà été utilisé. Merci de contacter votre organisme de formation.',
          status: 'error',
        }),
      );
    return;
  }
  sendProblem(res, notFound(detail));
}

export function followUpRoutes(deps: JourneyDeps): Router {
  const router = Router();
  const { db } = deps;
  router.use(helmet.contentSecurityPolicy({ useDefaults: false, directives: LEARNER_PAGE_CSP }));
  router.use(express.urlencoded({ extended: false, limit: '16kb' }));

  router.get('/:token', async (req, res) => {
    const row = await findToken(db, req.params.token);
    if (!row) return gone(req, res, acceptsHtml(req));
    res.type('html').set('Cache-Control', 'no-store').send(formFor(row, req.params.token));
  });

  router.post('/:token', async (req, res) => {
    const html = wantsHtml(req);
    const row = await findToken(db, req.params.token);
    if (!row) return gone(req, res, html);
    const parsed = FollowUpAnswer.safeParse(req.body ?? {});
    if (!parsed.success) {
      if (html) {
        res
          .status(422)
          .type('html')
          .send(formFor(row, req.params.token, 'Merci de choisir votre situation actuelle.'));
        return;
      }
      throw new Problem(422, 'Unprocessable content', 'The answer is not valid.', {
        errors: fieldErrors(parsed.error),
      });
    }
    await runAction(
      deps,
      row.followUp.journeyId,
      'record-follow-up',
      { type: 'learner' },
      { milestone: row.followUp.milestone, ...parsed.data },
    );
    await db.followUpToken.updateMany({
      where: { followUpId: row.followUpId, usedAt: null },
      data: { usedAt: new Date() },
    });
    if (html) {
      res.type('html').send(
        renderFollowUpPage({
          title: 'Merci !',
          message: 'Votre réponse est enregistrée. Bonne continuation !',
          status: 'ok',
        }),
      );
      return;
    }
    res.json({ status: 'recorded', milestone: row.followUp.milestone });
  });

  return router;
}
