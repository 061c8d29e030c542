// The members routes in the OpenAPI document, from the schemas that validate them.
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { problems } from './openapi-problems';
import { CreateMember, Member } from './schemas';

export function registerMemberPaths(registry: OpenAPIRegistry, security: Record<string, string[]>[]): void {
  const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
  const id = z.uuid();
  registry.registerPath({
    method: 'post',
    path: '/v1/organizations/{id}/members',
    summary:
      'Add a member, a person who signs in to the web app (admin key, a manager, or a member of that ' +
      "organisation); the organisation's email is told",
    security,
    request: { params: z.object({ id }), body: json(CreateMember) },
    responses: {
      201: { description: 'Added', ...json(Member) },
      ...problems(401, 403, 404, 409, 422),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/organizations/{id}/members',
    summary: "An organisation's members (manager)",
    security,
    request: { params: z.object({ id }) },
    responses: {
      200: { description: 'Members', ...json(z.object({ items: z.array(Member) })) },
      ...problems(401, 403, 404),
    },
  });
  registry.registerPath({
    method: 'delete',
    path: '/v1/organizations/{id}/members/{memberId}',
    summary: "Remove a member (manager); the person's sessions end at once; the organisation's email is told",
    security,
    request: { params: z.object({ id, memberId: id }) },
    responses: { 204: { description: 'Removed' }, ...problems(401, 403, 404) },
  });
}
