// /v1/journeys: refer, list, read, act.
import { Router } from 'express';
import { z } from 'zod';
import type { Prisma } from '../../prisma/client';
import { atMidnight, DATE_RANGE, endOfDay } from '../../domain/dates';
import { checkTransition, type Actor, type Status } from '../../domain/transitions';
import { caller, requireRole } from '../auth';
import { idempotencyKeyOf } from '../idempotency';
import { runAction, type JourneyDeps } from '../journey-actions';
import { referLearner } from '../referrals';
import { knownFabrique } from '../organizations';
import { findVisibleJourney, journeyInclude, loadJourneyJson, scopeOf, toJourneyJson } from '../journey-view';
import { forbidden, notFound, parseInput, unprocessable } from '../problem';
import { ACTION_BODIES, ActionNameParam, CreateJourney, ListJourneysQuery } from '../schemas';

const IdParam = z.uuid();

function journeyId(raw: string): string {
  const parsed = IdParam.safeParse(raw);
  if (!parsed.success) throw notFound(`No journey ${raw}.`);
  return parsed.data;
}

interface Cursor {
  referredAt: string;
  id: string;
}

function decodeCursor(raw: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Cursor;
    if (typeof c.referredAt === 'string' && typeof c.id === 'string' && IdParam.safeParse(c.id).success) {
      // A real instant of the years PostgreSQL and Parcours hold, as this API writes them.
      const at = new Date(c.referredAt);
      const day = Number.isNaN(at.getTime()) ? '' : at.toISOString().slice(0, 10);
      if (day >= DATE_RANGE.earliest && day <= DATE_RANGE.latest) return c;
    }
  } catch {
    // fall through
  }
  throw unprocessable('cursor is not one this API gave.', [{ field: 'cursor', message: 'invalid cursor' }]);
}

export function journeyRoutes(deps: JourneyDeps): Router {
  const router = Router();
  const { db } = deps;

  router.post('/', requireRole('agency'), async (req, res) => {
    const c = caller(req);
    const body = parseInput(CreateJourney, req.body, 'body');
    const key = idempotencyKeyOf(req);
    const { journeyId: id, replayed } = await referLearner(deps, c.orgId ?? '', body, key);
    res
      .status(replayed ? 200 : 201)
      .location(`/v1/journeys/${id}`)
      .json(await loadJourneyJson(db, c, id));
  });

  router.get('/', async (req, res) => {
    const c = caller(req);
    const q = parseInput(ListJourneysQuery, req.query, 'query');
    const where: Prisma.JourneyWhereInput = { AND: [scopeOf(c)] };
    const and = where.AND as Prisma.JourneyWhereInput[];
    if (q.status) and.push({ status: q.status });
    if (q.fabriqueId) and.push({ fabriqueId: q.fabriqueId });
    if (q.agencyId) and.push({ agencyId: q.agencyId });
    if (q.qpvResident !== undefined) and.push({ learner: { qpvResident: q.qpvResident } });
    if (q.gender) and.push({ learner: { gender: q.gender } });
    if (q.from) and.push({ referredAt: { gte: atMidnight(q.from) } });
    if (q.to) and.push({ referredAt: { lt: endOfDay(q.to) } });
    if (q.cursor) {
      const cur = decodeCursor(q.cursor);
      const at = new Date(cur.referredAt);
      and.push({ OR: [{ referredAt: { lt: at } }, { referredAt: at, id: { lt: cur.id } }] });
    }
    const rows = await db.journey.findMany({
      where,
      include: journeyInclude,
      orderBy: [{ referredAt: 'desc' }, { id: 'desc' }],
      take: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    const nextCursor =
      rows.length > q.limit && last
        ? Buffer.from(JSON.stringify({ referredAt: last.referredAt.toISOString(), id: last.id })).toString(
            'base64url',
          )
        : null;
    res.json({ items: page.map((j) => toJourneyJson(j, c)), nextCursor });
  });

  router.get('/:id', async (req, res) => {
    res.json(await loadJourneyJson(db, caller(req), journeyId(req.params.id)));
  });

  router.post('/:id/actions/:action', async (req, res) => {
    const c = caller(req);
    const id = journeyId(req.params.id);
    const action = ActionNameParam.safeParse(req.params.action);
    if (!action.success) throw notFound(`No action ${req.params.action}.`);
    const journey = await findVisibleJourney(db, c, id);
    // The role first: the status is the workflow's to check, against its own state.
    const refusal = checkTransition(action.data, journey.status as Status, c.type);
    if (refusal?.kind === 'role') throw forbidden(refusal.message);
    const body = parseInput(ACTION_BODIES[action.data], req.body ?? {}, 'body') as Record<string, unknown>;
    if (action.data === 'transfer') await knownFabrique(db, String(body.toFabriqueId), 'toFabriqueId');
    const key = idempotencyKeyOf(req);
    const actor: Actor = { type: c.type, orgId: c.orgId ?? undefined };
    // The admin key has no organisation: its keys live apart from every organisation's.
    const idempotency = key ? { key, callerOrg: c.orgId ?? 'admin' } : undefined;
    await runAction(deps, journey.id, action.data, actor, body, idempotency);
    res.json(await loadJourneyJson(db, c, id));
  });

  return router;
}
