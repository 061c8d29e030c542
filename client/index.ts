// A typed client of the Parcours API: openapi-fetch calls, typed by the
// schema that openapi-typescript generates from the OpenAPI document
// (client/schema.d.ts, `npm run client`). Paths, parameters, bodies and
// responses are checked by TypeScript against the contract.
import createClient, { type ClientOptions } from 'openapi-fetch';
import type { paths } from './schema';

export type { components, operations, paths } from './schema';

/** A client for one organisation's API key (none for the public routes). */
export function createParcoursClient(
  baseUrl: string,
  apiKey?: string,
  options: Omit<ClientOptions, 'baseUrl' | 'headers'> & { headers?: Record<string, string> } = {},
) {
  return createClient<paths>({
    ...options,
    baseUrl,
    headers: { ...(apiKey ? { Authorization: `Bearer ${apiKey}` } : {}), ...(options.headers ?? {}) },
  });
}

export type ParcoursClient = ReturnType<typeof createParcoursClient>;
