// /organisations (managers): the organisations, creating one with its first
// member, each one's members (add, remove) and API keys (revoke; issue for
// one's own organisation, the key shown once). The rules and the audit are
// the API's: api/organizations.ts, api/members.ts, api/organization-keys.ts.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { assertRole, caller, type Caller } from '../../api/auth';
import { addMember, findActiveMember, listMembers, removeMember } from '../../api/members';
import type { IssuedKey } from '../../api/api-keys';
import { issueKeyFor, listKeys, mayIssueKey, revokeKey } from '../../api/organization-keys';
import { createOrganizationAudited } from '../../api/organizations';
import { notFound, Problem } from '../../api/problem';
import { CreateMember, CreateOrganization, OrganizationType } from '../../api/schemas';
import { AGENCY_KINDS } from '../../domain/codes';
import { formatDate, formatDateTime } from '../../mail/templates/dates';
import { zodErrors, type FormErrors } from '../forms/form-errors';
import { describeField, postedValues, withValues, type FormField } from '../forms/schema-fields';
import {
  AUDIT_ACTION_LABELS,
  ORGANIZATION_FIELD_HINTS,
  ORGANIZATION_FIELD_LABELS,
  ROLE_LABELS,
} from '../labels';
import { render } from '../render';
import type { WebDeps } from '../server';

const Id = z.uuid();

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

/** The form to add a member: CreateMember's inputs. */
function memberFields(): FormField[] {
  return [
    { ...describeField('name', CreateMember.shape.name), label: 'Nom et prénom', autocomplete: 'off' },
    {
      ...describeField('email', CreateMember.shape.email),
      label: 'Adresse électronique',
      hint: 'Cette personne se connectera à Parcours avec un lien reçu à cette adresse.',
      autocomplete: 'off',
    },
  ];
}

function orgId(raw: unknown): string {
  const id = Id.safeParse(raw);
  if (!id.success) throw notFound('No such organisation.');
  return id.data;
}

async function organizationOr404(deps: WebDeps, raw: unknown) {
  const org = await deps.db.organization.findUnique({ where: { id: orgId(raw) } });
  if (!org) throw notFound('No such organisation.');
  return org;
}

async function listPage(deps: WebDeps) {
  const [orgs, members, keys] = await Promise.all([
    deps.db.organization.findMany({ orderBy: [{ type: 'asc' }, { name: 'asc' }] }),
    deps.db.member.groupBy({ by: ['organizationId'], where: { removedAt: null }, _count: true }),
    deps.db.apiKey.groupBy({ by: ['organizationId'], where: { revokedAt: null }, _count: true }),
  ]);
  const count = (rows: { organizationId: string; _count: number }[], id: string) =>
    rows.find((r) => r.organizationId === id)?._count ?? 0;
  return orgs.map((o) => ({
    href: `/organisations/${o.id}`,
    name: o.name,
    type: ROLE_LABELS[o.type] ?? o.type,
    region: o.region ?? '—',
    members: count(members, o.id),
    keys: count(keys, o.id),
  }));
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

/** Who did a change of the audit log, in words. */
function actorText(entry: { actorType: string; details: unknown }, names: Map<string, string>): string {
  const d = (entry.details ?? {}) as Record<string, string>;
  if (d.byMemberId) return names.get(d.byMemberId) ?? 'Un membre retiré';
  if (entry.actorType === 'admin') return 'Clé d’administration';
  if (d.byKeyId) return `Clé d’API ${d.byKeyId}`;
  return ROLE_LABELS[entry.actorType] ?? entry.actorType;
}

async function organizationPage(
  deps: WebDeps,
  c: Caller,
  raw: unknown,
  extra: {
    memberForm?: FormField[];
    memberErrors?: FormErrors;
    newKey?: IssuedKey;
    notice?: string;
  } = {},
) {
  const org = await organizationOr404(deps, raw);
  const [members, keys, audit] = await Promise.all([
    listMembers(deps.db, org.id),
    listKeys(deps.db, org.id),
    deps.db.auditEntry.findMany({ where: { targetId: org.id }, orderBy: { at: 'desc' }, take: 50 }),
  ]);
  const memberIds = new Set<string>();
  for (const a of audit) {
    const d = (a.details ?? {}) as Record<string, string>;
    if (d.memberId) memberIds.add(d.memberId);
    if (d.byMemberId) memberIds.add(d.byMemberId);
  }
  const people = await deps.db.member.findMany({ where: { id: { in: [...memberIds] } } });
  const names = new Map(people.map((m) => [m.id, m.name]));
  const base = `/organisations/${org.id}`;
  return {
    org: {
      id: org.id,
      name: org.name,
      href: base,
      facts: [
        ['Type', ROLE_LABELS[org.type] ?? org.type],
        ['Adresse électronique', org.email],
        ['Région', org.region ?? '—'],
        ['Département', org.department ?? '—'],
        ...(org.type === 'agency'
          ? [
              [
                'Type de prescripteur',
                org.agencyKind
                  ? ((AGENCY_KINDS.labels as Record<string, string>)[org.agencyKind] ?? org.agencyKind)
                  : '—',
              ],
            ]
          : []),
        ['Créée le', formatDate(org.createdAt.toISOString())],
      ],
    },
    members: members.map((m) => ({
      name: m.name,
      email: m.email,
      since: formatDate(m.createdAt.toISOString()),
      removeHref: `${base}/membres/${m.id}/retirer`,
      isMe: m.id === c.memberId,
    })),
    keys: keys.map((k) => ({
      keyId: k.keyId,
      created: formatDate(k.createdAt),
      lastUsed: k.lastUsedAt ? formatDateTime(k.lastUsedAt) : 'Jamais',
      revoked: k.revokedAt ? formatDate(k.revokedAt) : undefined,
      revokeHref: `${base}/cles/${k.keyId}/revoquer`,
    })),
    mayIssue: mayIssueKey(c, org.id),
    audit: audit.map((a) => {
      const d = (a.details ?? {}) as Record<string, string>;
      const label = AUDIT_ACTION_LABELS[a.action] ?? a.action;
      const what = d.memberId ? names.get(d.memberId) : d.keyId;
      return {
        at: formatDateTime(a.at.toISOString()),
        action:
          a.action === 'organization.create'
            ? `${label}${d.keyId ? `, avec la clé ${d.keyId}` : ''}`
            : `${label}${what ? ` : ${what}` : ''}`,
        by: actorText(a, names),
      };
    }),
    memberFields: extra.memberForm ?? memberFields(),
    memberErrors: extra.memberErrors,
    newKey: extra.newKey,
    notice: extra.notice,
  };
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
