// The admin key issues keys; managers list and revoke them. Keys are stored
// hashed, a revoked key stops at once, and every change is audited.
import { resultOf, startStack, type TestStack } from './support/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const keysPath = (orgId: string) => `/v1/organizations/${orgId}/api-keys`;
/** The key routes through the typed client, as `key`. */
const keys = (key?: string) => {
  const api = stack.api(key);
  const org = (id: string) => ({ params: { path: { id } } });
  return {
    issue: (orgId: string) => resultOf(api.POST('/v1/organizations/{id}/api-keys', org(orgId))),
    list: (orgId: string) => resultOf(api.GET('/v1/organizations/{id}/api-keys', org(orgId))),
    revoke: (orgId: string, keyId: string) =>
      resultOf(
        api.DELETE('/v1/organizations/{id}/api-keys/{keyId}', { params: { path: { id: orgId, keyId } } }),
      ),
  };
};
const journeys = async (key: string) => (await stack.api(key).GET('/v1/journeys')).response.status;

test('the admin key issues a second key; both work and only hashes are stored', async () => {
  const { fabrique } = stack.orgs;
  const issued = await keys(stack.adminKey).issue(fabrique.id);
  expect(issued.status).toBe(201);
  expect(issued.body.apiKey).toMatch(/^pk_[0-9a-f]{16}_/);
  expect(await journeys(issued.body.apiKey)).toBe(200);
  expect(await journeys(fabrique.key)).toBe(200);
  const rows = await stack.db.apiKey.findMany({ where: { organizationId: fabrique.id } });
  expect(rows).toHaveLength(2);
  for (const row of rows) {
    expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.hash).not.toContain(issued.body.apiKey);
  }
});

test('the key list shows ids and dates, never the keys', async () => {
  const { manager, agency } = stack.orgs;
  await journeys(agency.key); // marks a last use
  const list = await keys(manager.key).list(agency.id);
  expect(list.status).toBe(200);
  expect(list.text).not.toContain(agency.key);
  expect(list.body.items[0]).toEqual({
    keyId: agency.key.split('_')[1],
    createdAt: expect.any(String),
    lastUsedAt: expect.any(String),
    revokedAt: null,
  });
});

test('a revoked key stops working at once, and the revocation is audited', async () => {
  const { manager, agency2 } = stack.orgs;
  const spare = await keys(stack.adminKey).issue(agency2.id);
  expect(await journeys(spare.body.apiKey)).toBe(200);
  const revoked = await keys(manager.key).revoke(agency2.id, spare.body.keyId);
  expect(revoked.status).toBe(204);
  expect(await journeys(spare.body.apiKey)).toBe(401);
  // The organisation's other key still works.
  expect(await journeys(agency2.key)).toBe(200);
  const audit = await stack.db.auditEntry.findMany({
    where: { targetId: agency2.id },
    orderBy: { at: 'asc' },
  });
  expect(audit.map((a) => [a.action, (a.details as { keyId: string }).keyId])).toEqual([
    ['organization.create', agency2.key.split('_')[1]],
    ['api-key.issue', spare.body.keyId],
    ['api-key.revoke', spare.body.keyId],
  ]);
  expect(audit[2]?.actorId).toBe(manager.id);
});

test('only managers manage keys; unknown organisations and keys are 404', async () => {
  const { manager, agency, fabrique } = stack.orgs;
  expect((await keys(fabrique.key).issue(fabrique.id)).status).toBe(403);
  expect((await keys(agency.key).list(agency.id)).status).toBe(403);
  expect((await keys().list(agency.id)).status).toBe(401);
  const nobody = '00000000-0000-4000-8000-000000000000';
  expect((await keys(stack.adminKey).issue(nobody)).status).toBe(404);
  expect((await keys(manager.key).revoke(agency.id, 'ffffffffffffffff')).status).toBe(404);
  // Ids the database could not even compare (a NUL byte) are just unknown: sent as written.
  for (const junk of ['%00', 'a%00b', `${'f'.repeat(15)}%00`]) {
    const res = await stack.request('DELETE', `${keysPath(agency.id)}/${junk}`, manager.key);
    expect([res.status, res.body.title]).toEqual([404, 'Not found']);
  }
  // A key of another organisation cannot be revoked through this one.
  const other = fabrique.key.split('_')[1];
  expect((await keys(manager.key).revoke(agency.id, other as string)).status).toBe(404);
  expect(await journeys(fabrique.key)).toBe(200);
});
