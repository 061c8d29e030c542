// The members routes in the OpenAPI document, from the schemas that validate them.
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { AUTHENTICATED as security, json, problems, registerOperation } from './openapi-problems';
import { CreateMember, Member } from './schemas';

export function registerMemberPaths(registry: OpenAPIRegistry): void {
  const id = z.uuid();
  registerOperation(registry, {
    method: 'post',
    path: '/v1/organizations/{id}/members',
    operationId: 'addMember',
    summary:
      'Add a member, a person who signs in to the web app (admin key, a manager, or a member of that ' +
      "organisation); the organisation's email is told",
    security,
    request: {
      params: z.object({ id }),
      body: json(CreateMember, { email: 'claire.martin@ml-saint-denis.fr', name: 'Claire Martin' }),
    },
    responses: {
      201: { description: 'Added', ...json(Member) },
      ...problems(400, 413, 401, 403, 404, 409, 422, 429),
    },
  });
  registerOperation(registry, {
    method: 'get',
    path: '/v1/organizations/{id}/members',
    operationId: 'listMembers',
    summary: "An organisation's members (manager)",
    security,
    request: { params: z.object({ id }) },
    responses: {
      200: { description: 'Members', ...json(z.object({ items: z.array(Member) })) },
      ...problems(401, 403, 404, 429),
    },
  });
  registerOperation(registry, {
    method: 'delete',
    path: '/v1/organizations/{id}/members/{memberId}',
    operationId: 'removeMember',
    summary: "Remove a member (manager); the person's sessions end at once; the organisation's email is told",
    security,
    request: { params: z.object({ id, memberId: id }) },
    responses: { 204: { description: 'Removed' }, ...problems(401, 403, 404, 429) },
  });
}
