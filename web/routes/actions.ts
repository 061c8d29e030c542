// /parcours/:id/actions/:action: the action's form, built from the API's
// schema for its body. "Enregistrer" takes the action through the same
// checks and workflow Update as the API; a refusal is shown on the form,
// with what was typed, and changes nothing.
import { Router, type Request, type Response } from 'express';
import { actOnJourney, parseActionName, parseJourneyId } from '../../api/act-on-journey';
import { caller } from '../../api/auth';
import { allowedActionsFor, findVisibleJourney } from '../../api/journey-view';
import { Problem } from '../../api/problem';
import { ACTION_BODIES } from '../../api/schemas';
import type { ActionName, Status } from '../../domain/transitions';
import { problemErrors, zodErrors, type FormErrors } from '../forms/form-errors';
import { bodyOf, describeFields, postedValues, withValues, type Choice } from '../forms/schema-fields';
import { ACTION_LABELS, STATUS_LABELS } from '../labels';
import { render } from '../render';
import type { WebDeps } from '../server';
import { learnerName, statusBadge } from '../views/journey-page';

type Journey = Awaited<ReturnType<typeof findVisibleJourney>>;

async function fieldsFor(deps: WebDeps, action: ActionName, journey: Journey) {
  const choices: Record<string, Choice[]> = {};
  if (action === 'transfer') {
    const fabriques = await deps.db.organization.findMany({
      where: { type: 'fabrique', id: { not: journey.fabriqueId } },
      orderBy: { name: 'asc' },
    });
    choices.toFabriqueId = fabriques.map((f) => ({ value: f.id, label: f.name }));
  }
  return describeFields(ACTION_BODIES[action].shape, choices);
}

function showForm(
  req: Request,
  res: Response,
  journey: Journey,
  action: ActionName,
  fields: ReturnType<typeof withValues>,
  errors?: FormErrors,
  status = 200,
) {
  const allowed = allowedActionsFor(caller(req), journey).includes(action);
  render(
    res,
    'action',
    {
      journey: { id: journey.id, name: learnerName(journey.learner), status: statusBadge(journey.status) },
      action: {
        name: action,
        label: ACTION_LABELS[action],
        href: `/parcours/${journey.id}/actions/${action}`,
      },
      notAllowed: allowed
        ? undefined
        : `« ${ACTION_LABELS[action]} » n’est pas possible pour ce parcours tant qu’il est « ${STATUS_LABELS[journey.status as Status]} ».`,
      fields,
      errors,
    },
    status,
  );
}

/** A refusal in the reader's words: the status conflict in French, else the engine's reason. */
function refusal(problem: Problem, action: ActionName, status: string): Problem {
  if (problem.status !== 409) return problem;
  const detail = `« ${ACTION_LABELS[action]} » n’est pas possible pour un parcours « ${STATUS_LABELS[status as Status] ?? status} ».`;
  return new Problem(409, problem.title, detail);
}

export function actionRoutes(deps: WebDeps): Router {
  const router = Router();

  router.get('/:id/actions/:action', async (req, res) => {
    const c = caller(req);
    const journey = await findVisibleJourney(deps.db, c, parseJourneyId(req.params.id));
    const action = parseActionName(req.params.action);
    showForm(req, res, journey, action, withValues(await fieldsFor(deps, action, journey), {}));
  });

  router.post('/:id/actions/:action', async (req, res) => {
    const c = caller(req);
    const id = parseJourneyId(req.params.id);
    const journey = await findVisibleJourney(deps.db, c, id);
    const action = parseActionName(req.params.action);
    const fields = await fieldsFor(deps, action, journey);
    const values = postedValues(req.body);
    const body = bodyOf(fields, values);
    const parsed = ACTION_BODIES[action].safeParse(body);
    if (!parsed.success) {
      const errors = zodErrors(parsed.error, fields, values);
      return showForm(req, res, journey, action, withValues(fields, values, errors.fields), errors, 422);
    }
    try {
      await actOnJourney(deps, c, id, action, body);
    } catch (err) {
      if (!(err instanceof Problem) || err.status >= 500) throw err;
      const now = await findVisibleJourney(deps.db, c, id);
      const errors = problemErrors(refusal(err, action, now.status), fields, 'Rien n’a été enregistré :');
      return showForm(req, res, now, action, withValues(fields, values, errors.fields), errors, err.status);
    }
    res.redirect(303, `/parcours/${id}?fait=${action}`);
  });

  return router;
}
