// /v1/organizations: created with the admin key, listed by managers.
import { Router } from 'express';
import type { Db } from '../../prisma/client';
import { issueKey } from '../api-keys';
import { caller, requireAdmin, requireRole } from '../auth';
import { parseInput } from '../problem';
import { CreateOrganization } from '../schemas';

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
export async function createOrganization(db: Db, input: ReturnType<typeof CreateOrganization.parse>) {
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

export function organizationRoutes(db: Db): Router {
  const router = Router();

  router.post('/', requireAdmin(), async (req, res) => {
    const input = parseInput(CreateOrganization, req.body, 'body');
    const { org, keyId, apiKey } = await createOrganization(db, input);
    await db.auditEntry.create({
      data: { actorType: 'admin', action: 'organization.create', targetId: org.id, details: { keyId } },
    });
    res
      .status(201)
      .location(`/v1/organizations/${org.id}`)
      .json({ ...organizationJson(org), keyId, apiKey });
  });

  router.get('/', requireRole('manager'), async (req, res) => {
    caller(req);
    const orgs = await db.organization.findMany({ orderBy: [{ type: 'asc' }, { name: 'asc' }] });
    res.json({ items: orgs.map(organizationJson) });
  });

  return router;
}
