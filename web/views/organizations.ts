// The /organisations and /mon-organisation pages' data, prepared before
// rendering: the list with each organisation's members and keys counted, and
// one organisation with its members, its keys and its audit log in words.
import type { Request } from 'express';
import { z } from 'zod';
import { caller, type Caller } from '../../api/auth';
import type { IssuedKey } from '../../api/api-keys';
import { listMembers } from '../../api/members';
import { listKeys, mayIssueKey } from '../../api/organization-keys';
import { notFound } from '../../api/problem';
import { CreateMember } from '../../api/schemas';
import { AGENCY_KINDS } from '../../domain/codes';
import { formatDate, formatDateTime } from '../../mail/templates/dates';
import type { FormErrors } from '../forms/form-errors';
import { describeField, type FormField } from '../forms/schema-fields';
import { AUDIT_ACTION_LABELS, ROLE_LABELS } from '../labels';
import type { WebDeps } from '../server';

const Id = z.uuid();

/** The form to add a member: CreateMember's inputs. */
export function memberFields(): FormField[] {
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

/**
 * Where an organisation's page lives: `/organisations/:id` for managers, who
 * look after every organisation; `/mon-organisation` for each member's own.
 */
export interface OrganizationPlace {
  /** The organisation a request is about. */
  orgIdOf(req: Request): string;
  /** Its page. */
  href(orgId: string): string;
  /** The menu entry it sits under. */
  section: 'organisations' | 'mon-organisation';
  /** The breadcrumb above the organisation's page (none: it is a page of the menu). */
  crumbs: { href: string; label: string }[];
  /** How the pages under it (confirmations) name it in their breadcrumb. */
  label(org: { name: string }): string;
}

export const MANAGED: OrganizationPlace = {
  orgIdOf: (req) => orgId(req.params.id),
  href: (id) => `/organisations/${id}`,
  section: 'organisations',
  crumbs: [{ href: '/organisations', label: 'Organisations' }],
  label: (org) => org.name,
};

export const MINE: OrganizationPlace = {
  // A page of a signed-in member: their session names their organisation.
  orgIdOf: (req) => orgId(caller(req).orgId),
  href: () => '/mon-organisation',
  section: 'mon-organisation',
  crumbs: [],
  label: () => 'Mon organisation',
};

export function orgId(raw: unknown): string {
  const id = Id.safeParse(raw);
  if (!id.success) throw notFound('No such organisation.');
  return id.data;
}

export async function organizationOr404(deps: WebDeps, raw: unknown) {
  const org = await deps.db.organization.findUnique({ where: { id: orgId(raw) } });
  if (!org) throw notFound('No such organisation.');
  return org;
}

export async function listPage(deps: WebDeps) {
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

/** Who did a change of the audit log, in words. */
function actorText(entry: { actorType: string; details: unknown }, names: Map<string, string>): string {
  const d = (entry.details ?? {}) as Record<string, string>;
  if (d.byMemberId) return names.get(d.byMemberId) ?? 'Un membre retiré';
  if (entry.actorType === 'admin') return 'Clé d’administration';
  if (d.byKeyId) return `Clé d’API ${d.byKeyId}`;
  return ROLE_LABELS[entry.actorType] ?? entry.actorType;
}

export async function organizationPage(
  deps: WebDeps,
  c: Caller,
  place: OrganizationPlace,
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
  const base = place.href(org.id);
  return {
    place: { section: place.section, crumbs: place.crumbs },
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
