// /orienter: an agency's member refers one learner. The flat inputs of the
// form become the API's referral body, checked by the same schema and
// written by the same service; a hidden Idempotency-Key makes a double
// click or a reload refer the learner once.
import { randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { assertRole, caller } from '../../api/auth';
import { referLearner } from '../../api/referrals';
import { Problem } from '../../api/problem';
import { CreateJourney, LearnerInput } from '../../api/schemas';
import { problemErrors, zodErrors, type FormErrors } from '../forms/form-errors';
import { fabriquesOf, referralBody, referralFieldOf, referralFields } from '../forms/referral-fields';
import { postedValues, withValues, type FormField } from '../forms/schema-fields';
import { render } from '../render';
import type { WebDeps } from '../server';

const IdempotencyKey = z.uuid();

async function fieldsFor(deps: WebDeps): Promise<FormField[]> {
  return referralFields(await fabriquesOf(deps.db));
}

function showForm(
  res: Response,
  fields: FormField[],
  idempotencyKey: string,
  errors?: FormErrors,
  status = 200,
): void {
  const section = (names: string[]) => fields.filter((f) => names.includes(f.name));
  render(
    res,
    'referral',
    {
      learnerFields: section(Object.keys(LearnerInput.shape)),
      trainingFields: section(['fabriqueId', 'trainingTitle', 'note']),
      referrerFields: section(['referrerName', 'referrerEmail']),
      idempotencyKey,
      errors,
    },
    status,
  );
}

function agency(req: Request) {
  const c = caller(req);
  assertRole(c, 'agency');
  return c;
}

export function referralRoutes(deps: WebDeps): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    agency(req);
    showForm(res, withValues(await fieldsFor(deps), {}), randomUUID());
  });

  router.post('/', async (req, res) => {
    const c = agency(req);
    const fields = await fieldsFor(deps);
    const values = postedValues(req.body);
    const key = IdempotencyKey.safeParse(values.idempotencyKey);
    const idempotencyKey = key.success ? key.data : randomUUID();
    const parsed = CreateJourney.safeParse(referralBody(fields, values));
    if (!parsed.success) {
      const errors = zodErrors(parsed.error, fields, values, referralFieldOf);
      return showForm(res, withValues(fields, values, errors.fields), idempotencyKey, errors, 422);
    }
    let journeyId: string;
    try {
      ({ journeyId } = await referLearner(deps, c.orgId ?? '', parsed.data, idempotencyKey, {
        memberId: c.memberId,
      }));
    } catch (err) {
      if (!(err instanceof Problem) || err.status >= 500) throw err;
      const errors = problemErrors(err, fields, 'Rien n’a été enregistré :', referralFieldOf);
      return showForm(res, withValues(fields, values, errors.fields), idempotencyKey, errors, err.status);
    }
    res.redirect(303, `/parcours/${journeyId}?oriente=1`);
  });

  return router;
}
