// Organisations: how they are created (by the API and the demo seed), shown,
// and how a request names a fabrique.
import type { Db } from '../prisma/client';
import { issueKey } from './api-keys';
import { unprocessable } from './problem';
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

/** Creates an organisation with its first key; used by the API and the demo seed. */
export async function createOrganization(db: Db, input: ReturnType<(typeof CreateOrganization)['parse']>) {
  const org = await db.organization.create({
    data: {
      type: input.type,
      name: input.name,
      email: input.email,
      region: input.region ?? null,
      department: input.department ?? null,
      agencyKind: input.type === 'agency' ? (input.agencyKind ?? null) : null,
    },
  });
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
