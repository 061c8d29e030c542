// /organisations (managers): the organisations, creating one with its first
// member, each one's members (add, remove) and API keys (revoke; issue for
// one's own organisation, the key shown once). The rules and the audit are
// the API's: api/organizations.ts, api/members.ts, api/organization-keys.ts.
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
import { listPage, memberFields, organizationOr404, organizationPage, orgId } from '../views/organizations';

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

  router.get('/:id', async (req, res) => {
    render(
      res,
      'organization',
      await organizationPage(deps, caller(req), req.params.id, { notice: notice(req) }),
    );
  });

  router.post('/:id/membres', async (req, res) => {
    const c = caller(req);
    const id = orgId(req.params.id);
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
        await addMember(deps, c, id, parsed.data);
        return res.redirect(303, `/organisations/${id}?fait=membre`);
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
    const page = await organizationPage(deps, c, id, {
      memberForm: withValues(fields, values, errors.fields),
      memberErrors: errors,
    });
    render(res, 'organization', page, 422);
  });

  router.get('/:id/membres/:memberId/retirer', async (req, res) => {
    const org = await organizationOr404(deps, req.params.id);
    const member = await deps.db.member.findFirst({
      where: { id: orgId(req.params.memberId), organizationId: org.id, removedAt: null },
    });
    if (!member) throw notFound('No such member.');
    render(res, 'confirm', {
      title: `Retirer ${member.name} de ${org.name}`,
      section: 'organisations',
      back: { href: `/organisations/${org.id}`, label: org.name },
      message:
        member.id === caller(req).memberId
          ? 'C’est vous : vous serez déconnecté·e aussitôt et ne pourrez plus vous connecter.'
          : `${member.name} (${member.email}) ne pourra plus se connecter à Parcours ; ses sessions se terminent aussitôt. L’organisation en est informée par courriel.`,
      action: `/organisations/${org.id}/membres/${member.id}/retirer`,
      button: 'Retirer ce membre',
    });
  });

  router.post('/:id/membres/:memberId/retirer', async (req, res) => {
    const id = orgId(req.params.id);
    await removeMember(deps, caller(req), id, orgId(req.params.memberId));
    res.redirect(303, `/organisations/${id}?fait=retire`);
  });

  router.post('/:id/cles', async (req, res) => {
    const c = caller(req);
    const id = orgId(req.params.id);
    const newKey = await issueKeyFor(deps.db, c, id);
    // The key is in this page only: no cache keeps it.
    res.set('Cache-Control', 'no-store');
    render(res, 'organization', await organizationPage(deps, c, id, { newKey }));
  });

  router.get('/:id/cles/:keyId/revoquer', async (req, res) => {
    const org = await organizationOr404(deps, req.params.id);
    const keyId = String(req.params.keyId);
    const key = (await listKeys(deps.db, org.id)).find((k) => k.keyId === keyId && !k.revokedAt);
    if (!key) throw notFound('No such key.');
    render(res, 'confirm', {
      title: `Révoquer la clé ${key.keyId}`,
      section: 'organisations',
      back: { href: `/organisations/${org.id}`, label: org.name },
      message: `Les logiciels de ${org.name} qui utilisent cette clé perdront l’accès à l’API aussitôt. C’est sans retour : une autre clé devra être créée.`,
      action: `/organisations/${org.id}/cles/${key.keyId}/revoquer`,
      button: 'Révoquer cette clé',
    });
  });

  router.post('/:id/cles/:keyId/revoquer', async (req, res) => {
    const id = orgId(req.params.id);
    await revokeKey(deps.db, caller(req), id, String(req.params.keyId));
    res.redirect(303, `/organisations/${id}?fait=revoquee`);
  });

  return router;
}
