// The contract, checked on every call the tests make through the typed
// client: the server's answer must be one that client/openapi.json gives for
// that operation (its status, its media type, a body its schema accepts).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import type { Middleware } from 'openapi-fetch';

interface Operation {
  responses: Record<string, { content?: Record<string, unknown> }>;
}
const document = JSON.parse(readFileSync(path.resolve(__dirname, '../../client/openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
};
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
ajv.addSchema(document, 'openapi');
const pointer = (...parts: string[]) =>
  parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/** Why the answer is not one the document gives, or null when it is. */
export function contractMismatch(
  method: string,
  schemaPath: string,
  status: number,
  contentType: string | null,
  body: string,
): string | null {
  const verb = method.toLowerCase();
  const where = `${method} ${schemaPath}`;
  const operation = document.paths[schemaPath]?.[verb];
  if (!operation) return `${where} is not in the OpenAPI document`;
  const response = operation.responses[String(status)];
  if (!response) {
    return `${where} answered ${status}; the document gives ${Object.keys(operation.responses).join(', ')}`;
  }
  if (!response.content)
    return body ? `${where} answered ${status} with a body the document does not give` : null;
  const type = (contentType ?? '').split(';')[0]?.trim() ?? '';
  if (!response.content[type]) {
    return `${where} answered ${status} as ${type || 'nothing'}; the document gives ${Object.keys(response.content).join(', ')}`;
  }
  if (!type.endsWith('json')) return null;
  const validate = ajv.getSchema(
    `openapi#/${pointer('paths', schemaPath, verb, 'responses', String(status), 'content', type, 'schema')}`,
  );
  if (!validate) return `${where}: no schema for ${status} ${type}`;
  if (validate(JSON.parse(body))) return null;
  return `${where} answered ${status} with a body its schema refuses: ${ajv.errorsText(validate.errors)}`;
}

/** An openapi-fetch middleware that fails the call when the answer is not in the contract. */
export const contractCheck: Middleware = {
  async onResponse({ request, response, schemaPath }) {
    const mismatch = contractMismatch(
      request.method,
      schemaPath,
      response.status,
      response.headers.get('content-type'),
      await response.clone().text(),
    );
    if (mismatch) throw new Error(`Not in the contract: ${mismatch}`);
    return undefined;
  },
};
