// Organisations: how they are created (by the API and the demo seed), shown,
// and how a request names a fabrique.
import type { Db } from '../prisma/client';
import { audit } from '../store/audit';
import { issueKey } from './api-keys';
import { auditActorOf, type Caller } from './auth';
import { actingDetails } from './organization-keys';
import { forbidden, unprocessable } from './problem';
import type { CreateOrganization } from './schemas';

type OrgRow = Awaited<ReturnType<Db['organization']['findFirstOrThrow']>>;

export function organizationJson(o: OrgRow) {
  return {
    id: o.id,
    type: o.type,
    name: o.name,
    email: o.email,
    region: o.region,
    department: o.department,
    agencyKind: o.agencyKind,
    createdAt: o.createdAt.toISOString(),
  };
}

/**
 * Who may create an organisation: the admin key, or a manager signed in to
 * the web app (DESIGN: /organisations). A manager's API key may not.
 */
export function mayCreateOrganization(c: Caller): boolean {
  return c.admin || (c.type === 'manager' && c.memberId !== undefined);
}

/** A 403 unless the caller may create an organisation (checked before the body is read). */
export function assertMayCreateOrganization(c: Caller): void {
  if (!mayCreateOrganization(c)) throw forbidden('Only the ADMIN_API_KEY may create organisations.');
}

type OrganizationInput = ReturnType<(typeof CreateOrganization)['parse']>;

/**
 * Creates an organisation for a caller who may, audited. Through the API it
 * comes with its first key (shown once); a manager in the web app gets no
 * key for it, since acting as it would bypass the transition table's roles:
 * its members issue their own.
 */
export async function createOrganizationAudited(db: Db, c: Caller, input: OrganizationInput) {
  assertMayCreateOrganization(c);
  const created: { org: OrgRow; keyId?: string; apiKey?: string } = c.admin
    ? await createOrganization(db, input)
    : { org: await insertOrganization(db, input) };
  await audit(db, auditActorOf(c), 'organization.create', created.org.id, {
    ...(created.keyId ? { keyId: created.keyId } : {}),
    ...actingDetails(c),
  });
  return created;
}

function insertOrganization(db: Db, input: OrganizationInput): Promise<OrgRow> {
  return db.organization.create({
    data: {
      type: input.type,
      name: input.name,
      email: input.email,
      region: input.region ?? null,
      department: input.department ?? null,
      agencyKind: input.type === 'agency' ? (input.agencyKind ?? null) : null,
    },
  });
}

/** Creates an organisation with its first key; used by the API and the demo seed. */
export async function createOrganization(db: Db, input: OrganizationInput) {
  const org = await insertOrganization(db, input);
  const key = await issueKey(db, org.id);
  return { org, ...key };
}

/** The fabrique with this id, or a 422 naming `field`: a journey only goes to a known fabrique. */
export async function knownFabrique(db: Db, id: string, field: string) {
  const org = await db.organization.findUnique({ where: { id } });
  if (!org || org.type !== 'fabrique') {
    throw unprocessable(`${field} is not a known fabrique.`, [{ field, message: 'unknown fabrique' }]);
  }
  return org;
}
