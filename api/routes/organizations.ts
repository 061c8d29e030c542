// /v1/organizations: created with the admin key, listed by managers.
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../prisma/client';
import { caller, requireRole } from '../auth';
import { issueKeyFor, listKeys, revokeKey } from '../organization-keys';
import { assertMayCreateOrganization, createOrganizationAudited, organizationJson } from '../organizations';
import { notFound, parseInput } from '../problem';
import { CreateOrganization } from '../schemas';

const OrgId = z.uuid();

export function organizationRoutes(db: Db): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const c = caller(req);
    assertMayCreateOrganization(c);
    const input = parseInput(CreateOrganization, req.body, 'body');
    const { org, keyId, apiKey } = await createOrganizationAudited(db, c, input);
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

/**
 * /v1/organizations/:id/api-keys: managers list and revoke any organisation's
 * keys (incident response). Only the admin key issues one: a key acts as its
 * organisation, and a manager acting as a fabrique would bypass the roles of
 * the transition table. Every change is audited (api/organization-keys.ts).
 */
export function apiKeyRoutes(db: Db): Router {
  const router = Router({ mergeParams: true });
  router.use(requireRole('manager'));

  const organization = async (raw: string) => {
    const id = OrgId.safeParse(raw);
    const org = id.success ? await db.organization.findUnique({ where: { id: id.data } }) : null;
    if (!org) throw notFound(`No organisation ${raw}.`);
    return org;
  };

  router.post('/:id/api-keys', async (req, res) => {
    res.status(201).json(await issueKeyFor(db, caller(req), String(req.params.id)));
  });

  router.get('/:id/api-keys', async (req, res) => {
    const org = await organization(String(req.params.id));
    res.json({ items: await listKeys(db, org.id) });
  });

  router.delete('/:id/api-keys/:keyId', async (req, res) => {
    const org = await organization(String(req.params.id));
    await revokeKey(db, caller(req), org.id, String(req.params.keyId));
    res.status(204).end();
  });
  return router;
}
