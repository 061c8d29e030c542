// /organisations (managers): the organisations, creating one with its first
// member, each one's members (add, remove) and API keys (revoke; issue for
// one's own organisation, the key shown once). /mon-organisation (every
// member): the same page for their own organisation. The rules and the
// audit are the API's: api/organizations.ts, api/members.ts,
// api/organization-keys.ts.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { assertRole, caller } from '../../api/auth';
import { addMember, findActiveMember, removeMember } from '../../api/members';
import { issueKeyFor, listKeys, revokeKey } from '../../api/organization-keys';
import { createOrganizationAudited } from '../../api/organizations';
import { notFound, Problem } from '../../api/problem';
import { CreateMember, CreateOrganization, OrganizationType } from '../../api/schemas';
import { zodErrors, type FormErrors } from '../forms/form-errors';
import { describeField, postedValues, withValues, type FormField } from '../forms/schema-fields';
import { ORGANIZATION_FIELD_HINTS, ORGANIZATION_FIELD_LABELS, ROLE_LABELS } from '../labels';
import { render } from '../render';
import type { WebDeps } from '../server';
import {
  listPage,
  MANAGED,
  memberFields,
  organizationOr404,
  organizationPage,
  orgId,
  type OrganizationPlace,
} from '../views/organizations';

/** Only managers manage organisations: anyone else finds no page here. */
const managerOnly: RequestHandler = (req, _res, next) => {
  assertRole(caller(req), 'manager');
  next();
};

function labelled(f: FormField): FormField {
  return {
    ...f,
    label: ORGANIZATION_FIELD_LABELS[f.name] ?? f.label,
    hint: ORGANIZATION_FIELD_HINTS[f.name] ?? f.hint,
  };
}

const TYPE_CHOICES = OrganizationType.options.map((t) => ({ value: t, label: ROLE_LABELS[t] ?? t }));

/** The creation form: CreateOrganization's inputs, then the first member's (CreateMember). */
function organizationFields(): FormField[] {
  const shape = CreateOrganization.shape;
  return [
    describeField('type', shape.type, { type: TYPE_CHOICES }),
    describeField('name', shape.name),
    describeField('email', shape.email),
    describeField('region', shape.region),
    describeField('department', shape.department),
    describeField('agencyKind', shape.agencyKind),
    { ...describeField('memberName', CreateMember.shape.name), autocomplete: 'off' },
    { ...describeField('memberEmail', CreateMember.shape.email), autocomplete: 'off' },
  ].map(labelled);
}

function showList(
  res: Response,
  organizations: Awaited<ReturnType<typeof listPage>>,
  fields: FormField[],
  errors?: FormErrors,
  status = 200,
) {
  render(res, 'organizations', { organizations, fields, errors }, status);
}

const NOTICES: Record<string, string> = {
  creee: 'L’organisation est créée, avec son premier membre : il peut se connecter à Parcours.',
  membre:
    'Le membre est ajouté : il peut se connecter à Parcours. L’organisation en est informée par courriel.',
  retire: 'Le membre est retiré : ses sessions sont terminées. L’organisation en est informée par courriel.',
  revoquee: 'La clé est révoquée : elle ne fonctionne plus.',
};

function notice(req: Request): string | undefined {
  return NOTICES[String(req.query.fait ?? '')];
}

export function organizationRoutes(deps: WebDeps): Router {
  const router = Router();
  router.use(managerOnly);

  router.get('/', async (_req, res) => {
    showList(res, await listPage(deps), withValues(organizationFields(), {}));
  });

  router.post('/', async (req, res) => {
    const c = caller(req);
    const fields = organizationFields();
    const values = postedValues(req.body);
    const input: Record<string, unknown> = {};
    for (const name of ['type', 'name', 'email', 'region', 'department', 'agencyKind']) {
      const v = (values[name] ?? '').trim();
      if (v) input[name] = v;
    }
    if (input.type !== 'agency') delete input.agencyKind;
    const org = CreateOrganization.safeParse(input);
    const member = CreateMember.safeParse({
      name: (values.memberName ?? '').trim() || undefined,
      email: (values.memberEmail ?? '').trim() || undefined,
    });
    const errors: FormErrors = { fields: {}, summary: [] };
    const merge = (e: FormErrors) => {
      Object.assign(errors.fields, e.fields);
      errors.summary.push(...e.summary);
    };
    if (!org.success) merge(zodErrors(org.error, fields, values));
    if (!member.success) {
      merge(zodErrors(member.error, fields, values, (p) => (p === 'name' ? 'memberName' : 'memberEmail')));
    }
    // One person signs in to one organisation: an address already a member's is said at once.
    const memberEmail = CreateMember.shape.email.safeParse((values.memberEmail ?? '').trim());
    if (
      memberEmail.success &&
      !errors.fields.memberEmail &&
      (await findActiveMember(deps.db, memberEmail.data))
    ) {
      errors.fields.memberEmail = 'Cette adresse est déjà celle d’un membre d’une organisation.';
      errors.summary.push({
        field: 'memberEmail',
        message: `${ORGANIZATION_FIELD_LABELS.memberEmail} : ${errors.fields.memberEmail}`,
      });
    }
    if (!org.success || !member.success || errors.summary.length) {
      return showList(res, await listPage(deps), withValues(fields, values, errors.fields), errors, 422);
    }
    const { org: created } = await createOrganizationAudited(deps.db, c, org.data);
    await addMember(deps, c, created.id, member.data);
    res.redirect(303, `/organisations/${created.id}?fait=creee`);
  });

  router.use('/:id', organizationPageRoutes(deps, MANAGED));
  return router;
}

/**
 * One organisation's page and what is done from it, wherever it lives
 * (`place`): its members (add; remove after confirming) and its keys (issue,
 * shown once; revoke after confirming). Who may do each is the API's rule
 * (api/members.ts, api/organization-keys.ts), checked there.
 */
export function organizationPageRoutes(deps: WebDeps, place: OrganizationPlace): Router {
  const router = Router({ mergeParams: true });
  const page = (req: Request, extra: Parameters<typeof organizationPage>[4] = {}) =>
    organizationPage(deps, caller(req), place, place.orgIdOf(req), extra);
  /** The page asking to confirm a removal or a revocation; "Annuler" leads back to the organisation. */
  const confirm = (
    res: Response,
    org: { id: string; name: string },
    what: { title: string; message: string; action: string; button: string },
  ) =>
    render(res, 'confirm', {
      ...what,
      section: place.section,
      crumbs: place.crumbs,
      back: { href: place.href(org.id), label: place.label(org) },
    });

  router.get('/', async (req, res) => {
    render(res, 'organization', await page(req, { notice: notice(req) }));
  });

  router.post('/membres', async (req, res) => {
    const id = place.orgIdOf(req);
    const fields = memberFields();
    const values = postedValues(req.body);
    const parsed = CreateMember.safeParse({
      name: (values.name ?? '').trim() || undefined,
      email: (values.email ?? '').trim() || undefined,
    });
    let errors: FormErrors | undefined;
    if (!parsed.success) errors = zodErrors(parsed.error, fields, values);
    else {
      try {
        await addMember(deps, caller(req), id, parsed.data);
        return res.redirect(303, `${place.href(id)}?fait=membre`);
      } catch (err) {
        if (!(err instanceof Problem) || err.status !== 409) throw err;
        errors = {
          fields: { email: 'Cette adresse est déjà celle d’un membre d’une organisation.' },
          summary: [
            {
              field: 'email',
              message: 'Adresse électronique : cette adresse est déjà celle d’un membre d’une organisation.',
            },
          ],
        };
      }
    }
    const shown = await page(req, {
      memberForm: withValues(fields, values, errors.fields),
      memberErrors: errors,
    });
    render(res, 'organization', shown, 422);
  });

  router.get('/membres/:memberId/retirer', async (req, res) => {
    const org = await organizationOr404(deps, place.orgIdOf(req));
    const member = await deps.db.member.findFirst({
      where: { id: orgId(req.params.memberId), organizationId: org.id, removedAt: null },
    });
    if (!member) throw notFound('No such member.');
    confirm(res, org, {
      title: `Retirer ${member.name} de ${org.name}`,
      message:
        member.id === caller(req).memberId
          ? 'C’est vous : vous serez déconnecté·e aussitôt et ne pourrez plus vous connecter.'
          : `${member.name} (${member.email}) ne pourra plus se connecter à Parcours ; ses sessions se terminent aussitôt. L’organisation en est informée par courriel.`,
      action: `${place.href(org.id)}/membres/${member.id}/retirer`,
      button: 'Retirer ce membre',
    });
  });

  router.post('/membres/:memberId/retirer', async (req, res) => {
    const id = place.orgIdOf(req);
    await removeMember(deps, caller(req), id, orgId(req.params.memberId));
    res.redirect(303, `${place.href(id)}?fait=retire`);
  });

  router.post('/cles', async (req, res) => {
    const newKey = await issueKeyFor(deps.db, caller(req), place.orgIdOf(req));
    // The key is in this page only: no cache keeps it.
    res.set('Cache-Control', 'no-store');
    render(res, 'organization', await page(req, { newKey }));
  });

  router.get('/cles/:keyId/revoquer', async (req, res) => {
    const org = await organizationOr404(deps, place.orgIdOf(req));
    const keyId = String(req.params.keyId);
    const key = (await listKeys(deps.db, org.id)).find((k) => k.keyId === keyId && !k.revokedAt);
    if (!key) throw notFound('No such key.');
    confirm(res, org, {
      title: `Révoquer la clé ${key.keyId}`,
      message: `Les logiciels de ${org.name} qui utilisent cette clé perdront l’accès à l’API aussitôt. C’est sans retour : une autre clé devra être créée.`,
      action: `${place.href(org.id)}/cles/${key.keyId}/revoquer`,
      button: 'Révoquer cette clé',
    });
  });

  router.post('/cles/:keyId/revoquer', async (req, res) => {
    const id = place.orgIdOf(req);
    await revokeKey(deps.db, caller(req), id, String(req.params.keyId));
    res.redirect(303, `${place.href(id)}?fait=revoquee`);
  });

  return router;
}
