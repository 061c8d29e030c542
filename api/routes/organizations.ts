// /v1/organizations: created with the admin key, listed by managers.
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { Db } from '../../prisma/client';
import { audit } from '../../store/audit';
import { KEY_ID, issueKey } from '../api-keys';
import { auditActorOf, caller, requireAdmin, requireRole } from '../auth';
import { createOrganization, organizationJson } from '../organizations';
import { notFound, parseInput } from '../problem';
import { CreateOrganization } from '../schemas';

const OrgId = z.uuid();

export function organizationRoutes(db: Db): Router {
  const router = Router();

  router.post('/', requireAdmin('create organisations'), async (req, res) => {
    const input = parseInput(CreateOrganization, req.body, 'body');
    const { org, keyId, apiKey } = await createOrganization(db, input);
    await audit(db, auditActorOf(caller(req)), 'organization.create', org.id, { keyId });
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
 * the transition table. Every change is audited.
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
  const auditBy = (req: Request, action: string, targetId: string, details: Record<string, string>) =>
    audit(db, auditActorOf(caller(req)), action, targetId, details);

  router.post('/:id/api-keys', requireAdmin("issue another organisation's keys"), async (req, res) => {
    const org = await organization(String(req.params.id));
    const { keyId, apiKey } = await issueKey(db, org.id);
    await auditBy(req, 'api-key.issue', org.id, { keyId });
    res.status(201).json({ keyId, apiKey });
  });

  router.get('/:id/api-keys', async (req, res) => {
    const org = await organization(String(req.params.id));
    const keys = await db.apiKey.findMany({
      where: { organizationId: org.id },
      orderBy: { createdAt: 'asc' },
    });
    res.json({
      items: keys.map((k) => ({
        keyId: k.id,
        createdAt: k.createdAt.toISOString(),
        lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
        revokedAt: k.revokedAt?.toISOString() ?? null,
      })),
    });
  });

  router.delete('/:id/api-keys/:keyId', async (req, res) => {
    const org = await organization(String(req.params.id));
    const keyId = String(req.params.keyId);
    // Only a well-formed id reaches the database: a NUL byte there is a server error.
    const key = KEY_ID.test(keyId)
      ? await db.apiKey.findFirst({ where: { id: keyId, organizationId: org.id } })
      : null;
    if (!key) throw notFound(`No key ${keyId} for this organisation.`);
    if (!key.revokedAt) {
      await db.apiKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } });
      await auditBy(req, 'api-key.revoke', org.id, { keyId });
    }
    res.status(204).end();
  });
  return router;
}
