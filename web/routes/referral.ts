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
import {
  describeField,
  describeFields,
  fromInput,
  postedValues,
  withValues,
  type FormField,
} from '../forms/schema-fields';
import { render } from '../render';
import type { WebDeps } from '../server';

const REFERRER = (CreateJourney.shape.referrer.unwrap() as z.ZodObject).shape as Record<string, z.ZodType>;
const IdempotencyKey = z.uuid();

/** A field name of the form for a path of the API body (`learner.firstName` → `firstName`). */
function fieldOf(path: string): string {
  if (path === 'referrer.name') return 'referrerName';
  if (path === 'referrer.email') return 'referrerEmail';
  return path.replace(/^learner\./, '');
}

async function referralFields(deps: WebDeps): Promise<FormField[]> {
  const fabriques = await deps.db.organization.findMany({
    where: { type: 'fabrique' },
    orderBy: { name: 'asc' },
  });
  const choices = { fabriqueId: fabriques.map((f) => ({ value: f.id, label: f.name })) };
  return [
    ...describeFields(LearnerInput.shape),
    describeField('fabriqueId', CreateJourney.shape.fabriqueId, choices),
    { ...describeField('referrerName', REFERRER.name as z.ZodType), required: false, autocomplete: 'name' },
    { ...describeField('referrerEmail', REFERRER.email as z.ZodType), required: false },
    describeField('trainingTitle', CreateJourney.shape.trainingTitle),
    describeField('note', CreateJourney.shape.note),
  ];
}

function referralBody(fields: FormField[], values: Record<string, string>) {
  const value = (name: string) => {
    const field = fields.find((f) => f.name === name);
    return field ? fromInput(field, values[name]) : undefined;
  };
  const learner = Object.fromEntries(
    Object.keys(LearnerInput.shape)
      .map((k) => [k, value(k)])
      .filter(([, v]) => v !== undefined),
  );
  const referrerName = value('referrerName');
  const referrerEmail = value('referrerEmail');
  const body: Record<string, unknown> = { learner, fabriqueId: value('fabriqueId') };
  if (referrerName !== undefined || referrerEmail !== undefined)
    body.referrer = { name: referrerName, email: referrerEmail };
  for (const k of ['trainingTitle', 'note']) if (value(k) !== undefined) body[k] = value(k);
  return body;
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
    showForm(res, withValues(await referralFields(deps), {}), randomUUID());
  });

  router.post('/', async (req, res) => {
    const c = agency(req);
    const fields = await referralFields(deps);
    const values = postedValues(req.body);
    const key = IdempotencyKey.safeParse(values.idempotencyKey);
    const idempotencyKey = key.success ? key.data : randomUUID();
    const parsed = CreateJourney.safeParse(referralBody(fields, values));
    if (!parsed.success) {
      const errors = zodErrors(parsed.error, fields, values, fieldOf);
      return showForm(res, withValues(fields, values, errors.fields), idempotencyKey, errors, 422);
    }
    let journeyId: string;
    try {
      ({ journeyId } = await referLearner(deps, c.orgId ?? '', parsed.data, idempotencyKey, {
        memberId: c.memberId,
      }));
    } catch (err) {
      if (!(err instanceof Problem) || err.status >= 500) throw err;
      const errors = problemErrors(err, fields, 'Rien n’a été enregistré :', fieldOf);
      return showForm(res, withValues(fields, values, errors.fields), idempotencyKey, errors, err.status);
    }
    res.redirect(303, `/parcours/${journeyId}?oriente=1`);
  });

  return router;
}
