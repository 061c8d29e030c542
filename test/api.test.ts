// The HTTP contract: keys, scopes, lists, errors as problem+json, the
// OpenAPI document and the learner's follow-up page.
import { ACTIONS } from '../domain/transitions';
import { startStack, today, type HttpResult, type TestStack } from './support/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

test('without a key, or with a wrong or malformed one, the API answers 401 problem+json', async () => {
  for (const key of [undefined, 'nope', 'pk_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']) {
    const res = await stack.request('GET', '/v1/journeys', key);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 401, title: 'Unauthorized' });
  }
});

test('only the admin key creates organisations, and the new key works at once', async () => {
  const body = {
    type: 'fabrique',
    name: 'Fabrique de Lens',
    email: 'lens@orgs.test',
    region: 'Hauts-de-France',
  };
  expect((await stack.request('POST', '/v1/organizations', stack.orgs.manager.key, body)).status).toBe(403);
  const created = await stack.request('POST', '/v1/organizations', stack.adminKey, body);
  expect(created.status).toBe(201);
  expect(created.body.apiKey).toMatch(/^pk_/);
  const stored = await stack.db.apiKey.findFirst({ where: { organizationId: created.body.id } });
  expect(stored?.hash).not.toContain(created.body.apiKey);
  expect((await stack.request('GET', '/v1/journeys', created.body.apiKey)).status).toBe(200);
  const bad = await stack.request('POST', '/v1/organizations', stack.adminKey, { type: 'school', name: '' });
  expect(bad.status).toBe(422);
  expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(
    expect.arrayContaining(['type', 'name', 'email']),
  );
});

test('managers list organisations; agencies and fabriques may not', async () => {
  const list = await stack.request('GET', '/v1/organizations', stack.orgs.manager.key);
  expect(list.status).toBe(200);
  expect(list.body.items.map((o: { id: string }) => o.id)).toContain(stack.orgs.fabrique2.id);
  expect((await stack.request('GET', '/v1/organizations', stack.orgs.agency.key)).status).toBe(403);
  expect((await stack.request('GET', '/v1/organizations', stack.orgs.fabrique.key)).status).toBe(403);
});

test('each caller lists only its own journeys, with filters and cursor pagination', async () => {
  const mine = await Promise.all([stack.refer(), stack.refer(), stack.refer()]);
  const other = await stack.refer({ fabriqueId: stack.orgs.fabrique2.id }, stack.orgs.agency2);
  const ids = (res: HttpResult) => (res.body.items as { id: string }[]).map((j) => j.id);

  const agency2 = await stack.request('GET', '/v1/journeys', stack.orgs.agency2.key);
  expect(ids(agency2)).toEqual([other.id]);
  const fabrique2 = await stack.request('GET', '/v1/journeys', stack.orgs.fabrique2.key);
  expect(ids(fabrique2)).toEqual([other.id]);
  const fabrique = await stack.request('GET', '/v1/journeys?limit=200', stack.orgs.fabrique.key);
  expect(ids(fabrique)).toEqual(expect.arrayContaining(mine.map((j) => j.id)));
  expect(ids(fabrique)).not.toContain(other.id);

  // Pages of two, newest first, until the cursor runs out.
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await stack.request(
      'GET',
      `/v1/journeys?agencyId=${stack.orgs.agency.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      stack.orgs.manager.key,
    );
    expect(page.status).toBe(200);
    expect(page.body.items.length).toBeLessThanOrEqual(2);
    seen.push(...ids(page));
    cursor = page.body.nextCursor;
  } while (cursor);
  expect(new Set(seen).size).toBe(seen.length);
  expect(seen).toEqual(expect.arrayContaining(mine.map((j) => j.id)));

  const filtered = await stack.request(
    'GET',
    `/v1/journeys?status=referred&qpvResident=true&gender=female&from=${today()}&to=${today()}`,
    stack.orgs.agency2.key,
  );
  expect(ids(filtered)).toEqual([other.id]);
  const none = await stack.request('GET', '/v1/journeys?gender=male', stack.orgs.agency2.key);
  expect(ids(none)).toEqual([]);
  const bad = await stack.request('GET', '/v1/journeys?status=lost&limit=0', stack.orgs.agency.key);
  expect(bad.status).toBe(422);
  expect((await stack.request('GET', '/v1/journeys?cursor=zzz', stack.orgs.agency.key)).status).toBe(422);
});

test('a journey of another organisation is a 404, as an unknown one is', async () => {
  const j = await stack.refer();
  expect((await stack.request('GET', `/v1/journeys/${j.id}`, stack.orgs.agency2.key)).status).toBe(404);
  expect((await stack.request('GET', `/v1/journeys/${j.id}`, stack.orgs.fabrique2.key)).status).toBe(404);
  expect((await stack.request('GET', `/v1/journeys/${j.id}`, stack.orgs.manager.key)).status).toBe(200);
  const unknown = await stack.request(
    'GET',
    '/v1/journeys/00000000-0000-4000-8000-000000000000',
    stack.orgs.manager.key,
  );
  expect(unknown.status).toBe(404);
  expect((await stack.request('GET', '/v1/journeys/not-a-uuid', stack.orgs.manager.key)).status).toBe(404);
  expect((await stack.act(j.id, 'teleport', stack.orgs.fabrique.key)).status).toBe(404);
});

test('a referral with bad fields is refused with the failing fields and writes nothing', async () => {
  const count = () => stack.db.journey.count({ where: { agencyId: stack.orgs.agency.id } });
  const before = await count();
  const res = await stack.request('POST', '/v1/journeys', stack.orgs.agency.key, {
    learner: { ...stack.learner(), email: 'not-an-email', gender: 'robot', birthDate: '2004-02-30' },
    fabriqueId: stack.orgs.fabrique.id,
  });
  expect(res.status).toBe(422);
  expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
    'learner.birthDate',
    'learner.email',
    'learner.gender',
  ]);
  const toAgency = await stack.request('POST', '/v1/journeys', stack.orgs.agency.key, {
    learner: stack.learner(),
    fabriqueId: stack.orgs.agency2.id,
  });
  expect(toAgency.status).toBe(422);
  const notJson = await stack.request('POST', '/v1/journeys', stack.orgs.agency.key, '{"learner":', {
    'content-type': 'application/json',
  });
  expect(notJson.status).toBe(400);
  expect((await stack.request('POST', '/v1/journeys', stack.orgs.fabrique.key, {})).status).toBe(403);
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
  const page = await stack.request('GET', '/v1/follow-ups/abcdefghijklmnopqrstuvwxyz0123456789');
  expect(page.status).toBe(404);
  expect(page.text).toContain('expiré');
  const answer = await stack.request(
    'POST',
    '/v1/follow-ups/abcdefghijklmnopqrstuvwxyz0123456789',
    undefined,
    {
      outcome: 'cdi',
    },
  );
  expect(answer.status).toBe(404);
});

test('the API does not announce its framework', async () => {
  const res = await stack.request('GET', '/healthz');
  expect(res.headers.get('x-powered-by')).toBeNull();
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
});
