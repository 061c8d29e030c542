// The organisation and API-key routes in the OpenAPI document, from the schemas that validate them.
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { AUTHENTICATED as security, json, problems, registerOperation } from './openapi-problems';
import { CreatedOrganization, CreateOrganization, Organization } from './schemas';

export function registerOrganizationPaths(registry: OpenAPIRegistry): void {
  const id = z.uuid();
  registerOperation(registry, {
    method: 'post',
    path: '/v1/organizations',
    operationId: 'createOrganization',
    summary: 'Create an organisation (admin key); returns its first API key once',
    security,
    request: {
      body: json(CreateOrganization, {
        type: 'agency',
        name: 'Mission Locale de Saint-Denis',
        email: 'contact@ml-saint-denis.fr',
        region: 'Île-de-France',
        department: '93',
        agencyKind: 'mission_locale',
      }),
    },
    responses: {
      201: { description: 'Created', ...json(CreatedOrganization) },
      ...problems(400, 413, 401, 403, 422, 429),
    },
  });
  registerOperation(registry, {
    method: 'get',
    path: '/v1/organizations',
    operationId: 'listOrganizations',
    summary: 'List organisations (manager)',
    security,
    responses: {
      200: { description: 'Organisations', ...json(z.object({ items: z.array(Organization) })) },
      ...problems(401, 403, 429),
    },
  });
  registerOperation(registry, {
    method: 'post',
    path: '/v1/organizations/{id}/api-keys',
    operationId: 'issueApiKey',
    summary: 'Issue another API key for an organisation (admin key); the key is shown once',
    security,
    request: { params: z.object({ id }) },
    responses: {
      201: { description: 'Issued', ...json(z.object({ keyId: z.string(), apiKey: z.string() })) },
      ...problems(401, 403, 404, 429),
    },
  });
  registerOperation(registry, {
    method: 'get',
    path: '/v1/organizations/{id}/api-keys',
    operationId: 'listApiKeys',
    summary:
      "An organisation's key ids with creation, last-use and revocation dates, never the keys (manager)",
    security,
    request: { params: z.object({ id }) },
    responses: {
      200: {
        description: 'Keys',
        ...json(
          z.object({
            items: z.array(
              z.object({
                keyId: z.string(),
                createdAt: z.string(),
                lastUsedAt: z.string().nullable(),
                revokedAt: z.string().nullable(),
              }),
            ),
          }),
        ),
      },
      ...problems(401, 403, 404, 429),
    },
  });
  registerOperation(registry, {
    method: 'delete',
    path: '/v1/organizations/{id}/api-keys/{keyId}',
    operationId: 'revokeApiKey',
    summary: 'Revoke a key (manager); it stops working at once',
    security,
    request: { params: z.object({ id, keyId: z.string() }) },
    responses: { 204: { description: 'Revoked' }, ...problems(401, 403, 404, 429) },
  });
}
