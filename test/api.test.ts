// The HTTP contract: keys, scopes, lists, errors as problem+json, the
// OpenAPI document and the learner's follow-up page. Calls go through the
// typed client of client/, whose every answer is checked against the document.
import { readFile } from 'node:fs/promises';
import { ACTIONS } from '../domain/transitions';
import { referAndRead } from '../client/example';
import { contractMismatch } from './support/contract';
import { startStack, today, type TestStack } from './support/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

test('without a key, or with a wrong or malformed one, the API answers 401 problem+json', async () => {
  for (const key of [undefined, 'nope', 'pk_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']) {
    const { error, response } = await stack.api(key).GET('/v1/journeys');
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(error).toMatchObject({ status: 401, title: 'Unauthorized' });
  }
});

test('only the admin key creates organisations, and the new key works at once', async () => {
  const body = {
    type: 'fabrique' as const,
    name: 'Fabrique de Lens',
    email: 'lens@orgs.test',
    region: 'Hauts-de-France',
  };
  const asManager = await stack.api(stack.orgs.manager.key).POST('/v1/organizations', { body });
  expect(asManager.response.status).toBe(403);
  const created = await stack.api(stack.adminKey).POST('/v1/organizations', { body });
  expect(created.response.status).toBe(201);
  const organization = created.data!;
  expect(organization.apiKey).toMatch(/^pk_/);
  const stored = await stack.db.apiKey.findFirst({ where: { organizationId: organization.id } });
  expect(stored?.hash).not.toContain(organization.apiKey);
  expect((await stack.api(organization.apiKey).GET('/v1/journeys')).response.status).toBe(200);
  // A body the contract refuses, sent as is (the typed client would not compile it).
  const bad = await stack.api(stack.adminKey).POST('/v1/organizations', {
    body: { type: 'school', name: '' } as never,
  });
  expect(bad.response.status).toBe(422);
  expect(bad.error?.errors?.map((e) => e.field)).toEqual(expect.arrayContaining(['type', 'name', 'email']));
});

test('managers list organisations; agencies and fabriques may not', async () => {
  const list = await stack.api(stack.orgs.manager.key).GET('/v1/organizations');
  expect(list.response.status).toBe(200);
  expect(list.data?.items.map((o) => o.id)).toContain(stack.orgs.fabrique2.id);
  expect((await stack.api(stack.orgs.agency.key).GET('/v1/organizations')).response.status).toBe(403);
  expect((await stack.api(stack.orgs.fabrique.key).GET('/v1/organizations')).response.status).toBe(403);
});

test('each caller lists only its own journeys, with filters and cursor pagination', async () => {
  const mine = await Promise.all([stack.refer(), stack.refer(), stack.refer()]);
  const other = await stack.refer({ fabriqueId: stack.orgs.fabrique2.id }, stack.orgs.agency2);
  const list = async (key: string, query: Record<string, string | number | boolean> = {}) => {
    const res = await stack.api(key).GET('/v1/journeys', { params: { query: query as never } });
    return { status: res.response.status, ids: res.data?.items.map((j) => j.id), page: res.data };
  };

  expect((await list(stack.orgs.agency2.key)).ids).toEqual([other.id]);
  expect((await list(stack.orgs.fabrique2.key)).ids).toEqual([other.id]);
  const fabrique = await list(stack.orgs.fabrique.key, { limit: 200 });
  expect(fabrique.ids).toEqual(expect.arrayContaining(mine.map((j) => j.id)));
  expect(fabrique.ids).not.toContain(other.id);

  // Pages of two, newest first, until the cursor runs out.
  const seen: string[] = [];
  let cursor: string | null | undefined = null;
  do {
    const page = await list(stack.orgs.manager.key, {
      agencyId: stack.orgs.agency.id,
      limit: 2,
      ...(cursor ? { cursor } : {}),
    });
    expect(page.status).toBe(200);
    expect(page.page?.items.length).toBeLessThanOrEqual(2);
    seen.push(...(page.ids ?? []));
    cursor = page.page?.nextCursor;
  } while (cursor);
  expect(new Set(seen).size).toBe(seen.length);
  expect(seen).toEqual(expect.arrayContaining(mine.map((j) => j.id)));

  const filtered = await list(stack.orgs.agency2.key, {
    status: 'referred',
    qpvResident: 'true',
    gender: 'female',
    from: today(),
    to: today(),
  });
  expect(filtered.ids).toEqual([other.id]);
  expect((await list(stack.orgs.agency2.key, { gender: 'male' })).ids).toEqual([]);
  expect((await list(stack.orgs.agency.key, { status: 'lost', limit: 0 })).status).toBe(422);
  expect((await list(stack.orgs.agency.key, { cursor: 'zzz' })).status).toBe(422);
});

test('a journey of another organisation is a 404, as an unknown one is', async () => {
  const j = await stack.refer();
  const get = async (key: string, id: string) =>
    (await stack.api(key).GET('/v1/journeys/{id}', { params: { path: { id } } })).response.status;
  expect(await get(stack.orgs.agency2.key, j.id)).toBe(404);
  expect(await get(stack.orgs.fabrique2.key, j.id)).toBe(404);
  expect(await get(stack.orgs.manager.key, j.id)).toBe(200);
  expect(await get(stack.orgs.manager.key, '00000000-0000-4000-8000-000000000000')).toBe(404);
  expect(await get(stack.orgs.manager.key, 'not-a-uuid')).toBe(404);
  expect((await stack.act(j.id, 'teleport', stack.orgs.fabrique.key)).status).toBe(404);
});

test('a referral with bad fields is refused with the failing fields and writes nothing', async () => {
  const count = () => stack.db.journey.count({ where: { agencyId: stack.orgs.agency.id } });
  const before = await count();
  const agency = stack.api(stack.orgs.agency.key);
  const res = await agency.POST('/v1/journeys', {
    body: {
      // Values the contract refuses, sent as is.
      learner: {
        ...stack.learner(),
        email: 'not-an-email',
        gender: 'robot' as never,
        birthDate: '2004-02-30',
      },
      fabriqueId: stack.orgs.fabrique.id,
    },
  });
  expect(res.response.status).toBe(422);
  expect(res.error?.errors?.map((e) => e.field).sort()).toEqual([
    'learner.birthDate',
    'learner.email',
    'learner.gender',
  ]);
  const toAgency = await agency.POST('/v1/journeys', {
    body: { learner: stack.learner(), fabriqueId: stack.orgs.agency2.id },
  });
  expect(toAgency.response.status).toBe(422);
  const notJson = await stack.request('POST', '/v1/journeys', stack.orgs.agency.key, '{"learner":', {
    'content-type': 'application/json',
  });
  expect(notJson.status).toBe(400);
  const asFabrique = await stack.api(stack.orgs.fabrique.key).POST('/v1/journeys', { body: {} as never });
  expect(asFabrique.response.status).toBe(403);
  expect(await count()).toBe(before);
});

test('the OpenAPI 3.1 document describes every route and every action, and /docs serves it', async () => {
  const doc = await stack.request('GET', '/openapi.json');
  expect(doc.status).toBe(200);
  expect(doc.body.openapi).toBe('3.1.0');
  const operations = Object.entries(doc.body.paths as Record<string, Record<string, unknown>>).flatMap(
    ([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
  );
  // The routes the API serves, written out, and one route per action of the transition table.
  expect(operations.sort()).toEqual(
    [
      'GET /v1/organizations',
      'POST /v1/organizations',
      'GET /v1/organizations/{id}/api-keys',
      'POST /v1/organizations/{id}/api-keys',
      'DELETE /v1/organizations/{id}/api-keys/{keyId}',
      'GET /v1/organizations/{id}/members',
      'POST /v1/organizations/{id}/members',
      'DELETE /v1/organizations/{id}/members/{memberId}',
      'GET /v1/journeys',
      'POST /v1/journeys',
      'GET /v1/journeys/{id}',
      ...ACTIONS.map((action) => `POST /v1/journeys/{id}/actions/${action}`),
      'GET /v1/notifications',
      'GET /v1/webhooks',
      'POST /v1/webhooks',
      'DELETE /v1/webhooks/{id}',
      'GET /v1/webhooks/{id}/deliveries',
      'POST /v1/webhooks/{id}/deliveries/{deliveryId}/replay',
      'GET /v1/learners/{id}/export',
      'POST /v1/learners/{id}/erase',
      'GET /v1/follow-ups/{token}',
      'POST /v1/follow-ups/{token}',
      'GET /v1/stats',
      'GET /healthz',
      'GET /readyz',
    ].sort(),
  );
  // Every action says what body it takes.
  for (const action of ACTIONS) {
    const post = doc.body.paths[`/v1/journeys/{id}/actions/${action}`].post;
    expect([action, post.requestBody.content['application/json'].schema.type]).toEqual([action, 'object']);
  }
  const admit = doc.body.paths['/v1/journeys/{id}/actions/admit'].post;
  const schema = admit.requestBody.content['application/json'].schema;
  expect(schema.properties.durationMonths).toMatchObject({ minimum: 3, maximum: 24 });
  expect(schema.required).toEqual(expect.arrayContaining(['startDate', 'durationMonths']));
  const docs = await fetch(`${stack.baseUrl}/docs/`);
  expect(docs.status).toBe(200);
  expect(await docs.text()).toContain('swagger-ui');
});

test('unknown routes and an unknown follow-up link answer 404', async () => {
  const res = await stack.request('GET', '/v2/anything', stack.orgs.manager.key);
  expect(res.status).toBe(404);
  expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
  const learner = stack.api();
  const token = { params: { path: { token: 'abcdefghijklmnopqrstuvwxyz0123456789' } } };
  // A browser gets a page; software asking for JSON, a problem.
  const page = await learner.GET('/v1/follow-ups/{token}', { ...token, headers: { accept: 'text/html' } });
  expect(page.response.status).toBe(404);
  expect(page.error).toContain('expiré');
  const problem = await learner.GET('/v1/follow-ups/{token}', {
    ...token,
    headers: { accept: 'application/json' },
  });
  expect(problem.response.status).toBe(404);
  expect(problem.response.headers.get('content-type')).toMatch(/application\/problem\+json/);
  expect(problem.error).toMatchObject({ status: 404 });
  const answer = await learner.POST('/v1/follow-ups/{token}', { ...token, body: { outcome: 'cdi' } });
  expect(answer.response.status).toBe(404);
});

test('the API does not announce its framework', async () => {
  const { response } = await stack.api().GET('/healthz');
  expect(response.headers.get('x-powered-by')).toBeNull();
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
});

// That client/schema.d.ts is what openapi-typescript makes of it is npm test's static check (scripts/client.ts).
test('the document served is the one the client is generated from (client/openapi.json)', async () => {
  const served = (await stack.request('GET', '/openapi.json')).body;
  const kept = JSON.parse(await readFile('client/openapi.json', 'utf8')) as Record<string, unknown>;
  expect(served.servers).toEqual([{ url: 'http://parcours.test' }]);
  expect({ ...served, servers: kept.servers }).toEqual(kept);
});

test('limited routes send the standard rate-limit headers; the probes answer without a key', async () => {
  const ready = await stack.api().GET('/readyz');
  expect(ready.response.status).toBe(200);
  expect(ready.data).toMatchObject({ status: 'ready', checks: { database: { status: 'up' } } });
  const limit = Number(ready.response.headers.get('ratelimit-limit'));
  expect(limit).toBeGreaterThan(0);
  expect(Number(ready.response.headers.get('ratelimit-remaining'))).toBeLessThan(limit);
  expect(Number(ready.response.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
  const journeys = await stack.api(stack.orgs.agency.key).GET('/v1/journeys');
  for (const header of ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset']) {
    expect([header, journeys.response.headers.get(header)]).toEqual([header, expect.stringMatching(/^\d+$/)]);
  }
});

test("the README's integration refers a learner and reads the journey, and the README shows its very lines", async () => {
  const journey = await referAndRead(
    stack.baseUrl,
    stack.orgs.agency.key,
    stack.orgs.fabrique.id,
    stack.learner(),
    `file-${Date.now()}`,
  );
  expect(journey).toMatchObject({ status: 'referred', fabrique: { id: stack.orgs.fabrique.id } });
  expect(journey?.allowedActions).toEqual(['withdraw']);
  const example = await readFile('client/example.ts', 'utf8');
  const lines = /\/\/ README begin\n([\s\S]*?)\n\s*\/\/ README end/.exec(example)?.[1];
  const readme = await readFile('README.md', 'utf8');
  expect(lines).toBeDefined();
  for (const line of (lines ?? '').split('\n')) expect(readme).toContain(line.replace(/^ {2}/, ''));
});

test('an answer the document does not give is caught: a status, a media type, a body', () => {
  const journey = '/v1/journeys/{id}';
  expect(contractMismatch('GET', journey, 200, 'application/json', '{"id":"x"}')).toMatch(/schema refuses/);
  expect(contractMismatch('GET', journey, 418, 'application/problem+json', '{}')).toMatch(/answered 418/);
  expect(contractMismatch('GET', journey, 404, 'text/html', '<p>')).toMatch(/as text\/html/);
  expect(contractMismatch('GET', '/v1/nowhere', 200, 'application/json', '{}')).toMatch(/not in the/);
  const problem = '{"type":"about:blank","title":"Not found","status":404}';
  expect(
    contractMismatch('GET', journey, 404, 'application/problem+json; charset=utf-8', problem),
  ).toBeNull();
});
