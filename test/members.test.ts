// POST|GET /v1/organizations/:id/members and DELETE …/members/:memberId:
// who may call, the audit trail, and the organisation told by email.
import { mayLookAfter } from '../api/members';
import { resultOf, startStack, type TestStack } from './support/stack';

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await stack?.stop();
});

/** The members routes through the typed client, as `key`. */
const members = (key: string) => {
  const api = stack.api(key);
  return {
    add: (orgId: string, body: { email: string; name: string }) =>
      resultOf(api.POST('/v1/organizations/{id}/members', { params: { path: { id: orgId } }, body })),
    list: (orgId: string) =>
      resultOf(api.GET('/v1/organizations/{id}/members', { params: { path: { id: orgId } } })),
    remove: (orgId: string, memberId: string) =>
      resultOf(
        api.DELETE('/v1/organizations/{id}/members/{memberId}', {
          params: { path: { id: orgId, memberId } },
        }),
      ),
  };
};

test("a manager adds a member; the organisation's email is told and the change is audited", async () => {
  const { fabrique, manager } = stack.orgs;
  const before = stack.inbox.messages.length;
  const res = await members(manager.key).add(fabrique.id, {
    email: 'Ines.Accueil@Members.test',
    name: 'Inès Accueil',
  });
  expect(res.status).toBe(201);
  expect(res.body).toMatchObject({ organizationId: fabrique.id, email: 'ines.accueil@members.test' });
  const told = await stack.inbox.waitForTemplate('member-added', fabrique.email, before);
  expect(told.text).toContain('Inès Accueil');
  expect(told.text).toContain('http://parcours.test/connexion');
  const audit = await stack.db.auditEntry.findFirst({
    where: { action: 'member.add', targetId: fabrique.id },
  });
  expect(audit?.details).toMatchObject({ memberId: res.body.id });

  const list = await members(manager.key).list(fabrique.id);
  expect(list.status).toBe(200);
  expect(list.body.items.map((m: { email: string }) => m.email)).toContain('ines.accueil@members.test');
});

test('an address already a member elsewhere is refused, and a bad body names its fields', async () => {
  const { agency, agency2 } = stack.orgs;
  const first = await members(stack.adminKey).add(agency.id, {
    email: 'double@members.test',
    name: 'Double',
  });
  expect(first.status).toBe(201);
  const again = await members(stack.adminKey).add(agency2.id, {
    email: 'DOUBLE@members.test',
    name: 'Double',
  });
  expect(again.status).toBe(409);
  const bad = await members(stack.adminKey).add(agency.id, { email: 'nope', name: '' });
  expect(bad.status).toBe(422);
  expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['email', 'name']);
  expect(await stack.db.member.count({ where: { email: 'nope' } })).toBe(0);
});

test("an agency's or a fabrique's key may neither add, list nor remove members", async () => {
  const { agency, fabrique } = stack.orgs;
  const add = await members(agency.key).add(agency.id, {
    email: 'x@members.test',
    name: 'X',
  });
  expect(add.status).toBe(403);
  expect((await members(fabrique.key).list(fabrique.id)).status).toBe(403);
  expect(await stack.db.member.count({ where: { email: 'x@members.test' } })).toBe(0);
  expect((await members(stack.adminKey).list('00000000-0000-4000-8000-000000000000')).status).toBe(404);
});

test('removing a member ends their sessions, tells the organisation, and is audited', async () => {
  const { fabrique2, manager } = stack.orgs;
  const added = await members(stack.adminKey).add(fabrique2.id, {
    email: 'partant@members.test',
    name: 'Paul Partant',
  });
  const memberId = added.body.id as string;
  await stack.db.session.create({ data: { hash: 'a'.repeat(64), memberId } });
  const before = stack.inbox.messages.length;
  const res = await members(manager.key).remove(fabrique2.id, memberId);
  expect(res.status).toBe(204);
  expect(await stack.db.session.count({ where: { memberId } })).toBe(0);
  await stack.inbox.waitForTemplate('member-removed', fabrique2.email, before);
  expect(
    await stack.db.auditEntry.count({ where: { action: 'member.remove', targetId: fabrique2.id } }),
  ).toBe(1);
  const list = await members(manager.key).list(fabrique2.id);
  expect(list.body.items.map((m: { id: string }) => m.id)).not.toContain(memberId);
  expect((await members(manager.key).remove(fabrique2.id, memberId)).status).toBe(404);
});

test('the members routes are in the OpenAPI document', async () => {
  const doc = await stack.request('GET', '/openapi.json');
  expect(Object.keys(doc.body.paths)).toEqual(
    expect.arrayContaining(['/v1/organizations/{id}/members', '/v1/organizations/{id}/members/{memberId}']),
  );
  expect(doc.body.components.schemas.CreateMember.required).toEqual(['email', 'name']);
});

test("who looks after an organisation (add and remove members, revoke keys): a manager, or a member of that very organisation in the web app; not an agency's or a fabrique's key", () => {
  const { fabrique, fabrique2, manager } = stack.orgs;
  const member = { type: 'fabrique', orgId: fabrique.id, admin: false, memberId: 'a-member' } as const;
  const key = { type: 'fabrique', orgId: fabrique.id, admin: false, keyId: 'a-key' } as const;
  expect(mayLookAfter(member, fabrique.id)).toBe(true);
  expect(mayLookAfter(member, fabrique2.id)).toBe(false);
  expect(mayLookAfter(key, fabrique.id)).toBe(false);
  expect(mayLookAfter({ type: 'manager', orgId: manager.id, admin: false, keyId: 'k' }, fabrique2.id)).toBe(
    true,
  );
  expect(mayLookAfter({ type: 'manager', orgId: null, admin: true }, fabrique2.id)).toBe(true);
});
