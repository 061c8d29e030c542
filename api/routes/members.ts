// /v1/organizations/:id/members: people who sign in to the web app.
import { Router } from 'express';
import { caller, requireRole } from '../auth';
import { addMember, listMembers, memberJson, removeMember, type MemberDeps } from '../members';
import { idParam, parseInput } from '../problem';
import { CreateMember } from '../schemas';

export function memberRoutes(deps: MemberDeps): Router {
  const router = Router({ mergeParams: true });

  router.post('/:id/members', async (req, res) => {
    const orgId = idParam(req.params.id, 'organisation');
    const input = parseInput(CreateMember, req.body, 'body');
    const member = await addMember(deps, caller(req), orgId, input);
    res.status(201).location(`/v1/organizations/${orgId}/members/${member.id}`).json(memberJson(member));
  });

  router.get('/:id/members', requireRole('manager'), async (req, res) => {
    const members = await listMembers(deps.db, idParam(req.params.id, 'organisation'));
    res.json({ items: members.map(memberJson) });
  });

  router.delete('/:id/members/:memberId', requireRole('manager'), async (req, res) => {
    const orgId = idParam(req.params.id, 'organisation');
    await removeMember(deps, caller(req), orgId, idParam(req.params.memberId, 'member'));
    res.status(204).end();
  });

  return router;
}
