// The authorization matrix, walked cell by cell with real requests against
// the real stack: every route × every caller × own, foreign or unknown
// resource answers the status test/support/authorization-matrix.ts says. A
// route of the OpenAPI document without its rows fails the last test.
import { randomBytes, randomUUID } from 'node:crypto';
import {
  AUTHORIZATION_MATRIX,
  CALLERS,
  MATRIX_JOURNEY_STATUS,
  UNDOCUMENTED_ROUTES,
  resourcesFor,
  routeKey,
  type CallerKind,
  type Cell,
} from './support/authorization-matrix';
import { FOLLOW_UP_SOON, liveFollowUpLinks } from './support/follow-up-links';
import { startStack, today, type HttpResult, type TestStack } from './support/stack';
import { TRANSITIONS, type ActionName } from '../domain/transitions';

let stack: TestStack;

/** What the cells are taken on, prepared in parallel before the walk. */
interface Fixtures {
  /** Referred by `agency` to `fabrique`: theirs, in MATRIX_JOURNEY_STATUS; refused actions only. */
  journey: HttpResult['body'];
  /** Referred by `agency2` to `fabrique2`: foreign to `agency` and `fabrique`. */
  foreign: HttpResult['body'];
  /** Fresh referrals, one per cell that changes a journey or erases its learner. */
  fresh: HttpResult['body'][];
  /** A live survey link opened (GET) by every caller. */
  link: string;
  /** Live survey links, one per answer (POST). */
  links: string[];
  /** A spare key per DELETE cell on an existing organisation, by cellId. */
  spareKeys: Map<string, string>;
  /** A spare member per DELETE cell on an existing organisation, by cellId. */
  spareMembers: Map<string, string>;
  /** A subscription (and a settled delivery of it) per webhook cell on an existing one, by cellId. */
  webhooks: Map<string, { id: string; deliveryId: string }>;
}
let fx: Fixtures;

const cellId = (c: Cell) => `${routeKey(c)} ${c.caller} ${c.resource}`;
const isAction = (cell: Cell) => cell.path.startsWith('/v1/journeys/{id}/actions/');
const actionOf = (cell: Cell) => cell.path.split('/').pop() as ActionName;
const changesState = (cell: Cell) =>
  (isAction(cell) || cell.path === '/v1/learners/{id}/erase') && cell.status === 200;
const answersLink = (cell: Cell) =>
  cell.method === 'POST' && cell.path === '/v1/follow-ups/{token}' && cell.resource === 'n/a';
const deletes = (cell: Cell, path: string) =>
  cell.method === 'DELETE' && cell.path === path && cell.resource !== 'unknown';
const deletesKey = (cell: Cell) => deletes(cell, '/v1/organizations/{id}/api-keys/{keyId}');
const deletesMember = (cell: Cell) => deletes(cell, '/v1/organizations/{id}/members/{memberId}');
const onWebhook = (cell: Cell) => cell.path.startsWith('/v1/webhooks/{id}') && cell.resource !== 'unknown';

/** A body each action accepts from a journey in a status it is allowed from. */
function validBody(action: ActionName): Record<string, unknown> {
  const bodies = {
    'take-in-review': { note: 'Entretien à prévoir' },
    waitlist: {},
    admit: { startDate: today(14), durationMonths: 6 },
    refuse: { reason: 'session_full', shareWithLearner: false },
    withdraw: { reason: 'learner_declined' },
    'confirm-start': { startDate: today() },
    'report-no-show': {},
    suspend: { reason: 'health', from: today() },
    resume: { date: today() },
    extend: { plannedEndDate: today(400), reason: 'Rattrapage' },
    'record-dropout': { date: today(), reason: 'found_job' },
    'record-completion': { date: today(), certified: true },
    'record-follow-up': { milestone: '3m', outcome: 'cdi' },
    transfer: { toFabriqueId: stack.orgs.fabrique2.id, reason: 'Plus près du domicile' },
    close: { reason: 'Doublon' },
  } satisfies Record<ActionName, Record<string, unknown>>;
  return bodies[action];
}

function keyOf(caller: CallerKind): string | undefined {
  const { orgs } = stack;
  return {
    anonymous: undefined,
    agency: orgs.agency.key,
    fabrique: orgs.fabrique.key,
    manager: orgs.manager.key,
    admin: stack.adminKey,
  }[caller];
}

/** The organisation a cell is about: the caller's own, another one, or none. */
function organizationOf(cell: Cell): string {
  const { orgs } = stack;
  if (cell.resource === 'unknown') return randomUUID();
  if (cell.resource === 'own') return cell.caller === 'agency' ? orgs.agency.id : orgs.fabrique.id;
  if (cell.resource === 'foreign') return cell.caller === 'agency' ? orgs.agency2.id : orgs.fabrique2.id;
  return orgs.agency2.id;
}

function journeyOf(cell: Cell): HttpResult['body'] {
  if (cell.resource === 'foreign') return fx.foreign;
  if (changesState(cell)) {
    const j = fx.fresh.pop();
    if (!j) throw new Error('not enough fresh referrals prepared');
    return j;
  }
  return fx.journey;
}

/** The request that puts a cell to the test. */
function requestFor(cell: Cell): { path: string; body?: unknown } {
  const { orgs } = stack;
  const unknownId = randomUUID();
  const journey = () =>
    cell.resource === 'unknown' ? { id: unknownId, learner: { id: unknownId } } : journeyOf(cell);
  switch (cell.path) {
    case '/v1/organizations':
      return {
        path: cell.path,
        body:
          cell.method === 'POST'
            ? { type: 'fabrique', name: `Fabrique ${randomBytes(3).toString('hex')}`, email: 'new@orgs.test' }
            : undefined,
      };
    case '/v1/organizations/{id}/api-keys':
      return { path: `/v1/organizations/${organizationOf(cell)}/api-keys` };
    case '/v1/organizations/{id}/api-keys/{keyId}': {
      const org = organizationOf(cell);
      const keyId = fx.spareKeys.get(cellId(cell)) ?? randomBytes(8).toString('hex');
      return { path: `/v1/organizations/${org}/api-keys/${keyId}` };
    }
    case '/v1/organizations/{id}/members':
      return {
        path: `/v1/organizations/${organizationOf(cell)}/members`,
        body:
          cell.method === 'POST'
            ? { email: `member-${randomBytes(4).toString('hex')}@members.test`, name: 'Membre' }
            : undefined,
      };
    case '/v1/organizations/{id}/members/{memberId}': {
      const memberId = fx.spareMembers.get(cellId(cell)) ?? randomUUID();
      return { path: `/v1/organizations/${organizationOf(cell)}/members/${memberId}` };
    }
    case '/v1/journeys':
      return {
        path: cell.path,
        body: cell.method === 'POST' ? { learner: stack.learner(), fabriqueId: orgs.fabrique.id } : undefined,
      };
    case '/v1/journeys/{id}':
      return { path: `/v1/journeys/${journey().id}` };
    case '/v1/learners/{id}/export':
    case '/v1/learners/{id}/erase':
      return { path: cell.path.replace('{id}', journey().learner.id) };
    case '/v1/follow-ups/{token}': {
      if (cell.resource === 'unknown')
        return {
          path: `/v1/follow-ups/${randomBytes(32).toString('base64url')}`,
          body: cell.method === 'POST' ? { outcome: 'cdi' } : undefined,
        };
      if (cell.method === 'GET') return { path: fx.link };
      const link = fx.links.pop();
      if (!link) throw new Error('not enough live links prepared');
      return { path: link, body: { outcome: 'cdi' } };
    }
    case '/v1/webhooks':
      return {
        path: cell.path,
        body:
          cell.method === 'POST'
            ? { url: 'http://127.0.0.1:9/hooks', events: ['journey.waitlist-expiry'] }
            : undefined,
      };
    case '/v1/webhooks/{id}':
    case '/v1/webhooks/{id}/deliveries':
    case '/v1/webhooks/{id}/deliveries/{deliveryId}/replay': {
      const hook = fx.webhooks.get(cellId(cell)) ?? { id: randomUUID(), deliveryId: randomUUID() };
      return { path: cell.path.replace('{id}', hook.id).replace('{deliveryId}', hook.deliveryId) };
    }
    case '/codec/encode':
    case '/codec/decode':
      return { path: cell.path, body: { payloads: [] } };
    default:
      if (isAction(cell)) {
        const action = actionOf(cell);
        return { path: `/v1/journeys/${journey().id}/actions/${action}`, body: validBody(action) };
      }
      return { path: cell.path };
  }
}

beforeAll(async () => {
  stack = await startStack({
    policy: FOLLOW_UP_SOON,
    encryption: { keys: new Map([['a', randomBytes(32)]]), currentId: 'a' },
    // Anonymous cells alone fail authentication more often than the default allows.
    limits: { authFailures: 1e9, followUpFailures: 1e9, actionsPerJourney: 1e9 },
  });
  const { orgs } = stack;
  const freshCount = AUTHORIZATION_MATRIX.filter(changesState).length;
  const answers = AUTHORIZATION_MATRIX.filter(answersLink).length;
  const keyDeletes = AUTHORIZATION_MATRIX.filter(deletesKey);
  const memberDeletes = AUTHORIZATION_MATRIX.filter(deletesMember);
  const [journey, foreign, fresh, linkPairs, keys, members] = await Promise.all([
    stack.refer(),
    stack.refer({ fabriqueId: orgs.fabrique2.id }, orgs.agency2),
    Promise.all(Array.from({ length: freshCount }, () => stack.refer())),
    Promise.all(Array.from({ length: Math.ceil((answers + 1) / 2) }, () => liveFollowUpLinks(stack))),
    Promise.all(
      keyDeletes.map(async (cell) => {
        const res = await stack.request(
          'POST',
          `/v1/organizations/${organizationOf(cell)}/api-keys`,
          stack.adminKey,
        );
        if (res.status !== 201) throw new Error(`issuing a spare key failed: ${res.text}`);
        return [cellId(cell), res.body.keyId as string] as const;
      }),
    ),
    Promise.all(
      memberDeletes.map(async (cell) => {
        const res = await stack.request(
          'POST',
          `/v1/organizations/${organizationOf(cell)}/members`,
          stack.adminKey,
          { email: `spare-${randomBytes(4).toString('hex')}@members.test`, name: 'Membre' },
        );
        if (res.status !== 201) throw new Error(`adding a spare member failed: ${res.text}`);
        return [cellId(cell), res.body.id as string] as const;
      }),
    ),
  ]);
  const links = linkPairs.flat();
  const webhooks = await Promise.all(
    AUTHORIZATION_MATRIX.filter(onWebhook).map(async (cell) => {
      // The caller's own subscription (the admin key, which has none, is shown a manager's), or another's.
      const owner =
        cell.resource === 'foreign'
          ? cell.caller === 'agency'
            ? orgs.agency2
            : orgs.fabrique2
          : ({ agency: orgs.agency, fabrique: orgs.fabrique }[cell.caller as 'agency'] ?? orgs.manager);
      const res = await stack.request('POST', '/v1/webhooks', owner.key, {
        url: 'http://127.0.0.1:9/hooks',
        events: ['journey.waitlist-expiry'],
      });
      if (res.status !== 201) throw new Error(`subscribing failed: ${res.text}`);
      // A settled delivery of it, to replay: given up a second after it is sent again.
      const delivery = await stack.db.webhookDelivery.create({
        data: {
          subscriptionId: res.body.id,
          journeyId: journey.id,
          seq: 1,
          eventId: randomUUID(),
          eventType: 'journey.refer',
          eventAt: new Date(),
          data: {},
          status: 'delivered',
          giveUpAt: new Date(Date.now() + 1000),
        },
      });
      return [cellId(cell), { id: res.body.id as string, deliveryId: delivery.id }] as const;
    }),
  );
  fx = {
    journey,
    foreign,
    fresh,
    link: links.pop() as string,
    links,
    spareKeys: new Map(keys),
    spareMembers: new Map(members),
    webhooks: new Map(webhooks),
  };
}, 90_000);

afterAll(async () => {
  await stack?.stop();
});

/** Refused actions on the shared journeys: what the last check relies on. */
const onSharedJourney = (cell: Cell) => isAction(cell) && !changesState(cell) && cell.resource !== 'unknown';
const walkedOnShared = new Set<string>();

const title = (c: Cell) =>
  `${c.caller} on ${c.resource === 'n/a' ? 'it' : `${c.resource} resource`}: ${c.method} ${c.path} → ${c.status}`;

test.each(AUTHORIZATION_MATRIX.map((cell) => [title(cell), cell] as const))('%s', async (_title, cell) => {
  const { path, body } = requestFor(cell);
  const res = await stack.request(cell.method, path, keyOf(cell.caller), body);
  if (onSharedJourney(cell)) walkedOnShared.add(cellId(cell));
  if (res.status !== cell.status) {
    throw new Error(
      `${cell.method} ${path} as ${cell.caller}: expected ${cell.status}, got ${res.status} ${res.text.slice(0, 300)}`,
    );
  }
  if (res.status >= 400 && !cell.path.startsWith('/v1/follow-ups/')) {
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  }
  const spareKey = fx.spareKeys.get(cellId(cell));
  if (spareKey) {
    // Only an allowed revocation revokes.
    const key = await stack.db.apiKey.findUnique({ where: { id: spareKey } });
    expect(key?.revokedAt != null).toBe(cell.status === 204);
  }
  const spareMember = fx.spareMembers.get(cellId(cell));
  if (spareMember) {
    // Only an allowed removal removes.
    const member = await stack.db.member.findUnique({ where: { id: spareMember } });
    expect(member?.removedAt != null).toBe(cell.status === 204);
  }
  const hook = fx.webhooks.get(cellId(cell));
  if (hook && cell.method === 'DELETE') {
    // Only an allowed deletion stops the subscription.
    const sub = await stack.db.webhookSubscription.findUnique({ where: { id: hook.id } });
    expect(sub?.deletedAt != null).toBe(cell.status === 204);
  }
  if (isAction(cell) && cell.status === 200) {
    const to = TRANSITIONS[actionOf(cell)].to;
    if (to !== 'unchanged' && to !== 'follow_up_or_closed') expect(res.body.status).toBe(to);
  }
});

test('the refused actions left the shared journey as it was', async () => {
  // Only worth something once the matrix walked them (it does not when this test runs alone).
  expect(walkedOnShared.size).toBeGreaterThan(0);
  expect(walkedOnShared.size).toBe(AUTHORIZATION_MATRIX.filter(onSharedJourney).length);
  const j = await stack.journey(fx.journey.id);
  expect(j.status).toBe(MATRIX_JOURNEY_STATUS);
  expect(j.timeline.map((t: { action: string }) => t.action)).toEqual(['refer']);
  const foreign = await stack.journey(fx.foreign.id);
  expect(foreign.status).toBe(MATRIX_JOURNEY_STATUS);
  expect(foreign.timeline).toHaveLength(1);
});

test('the matrix has a cell for every route of the app, every caller and every resource that applies', async () => {
  const doc = await stack.request('GET', '/openapi.json');
  const documented = Object.entries(doc.body.paths as Record<string, Record<string, unknown>>).flatMap(
    ([path, operations]) => Object.keys(operations).map((method) => routeKey({ method, path })),
  );
  const routes = [...new Set([...documented, ...UNDOCUMENTED_ROUTES])].sort();
  const scopes = new Map(AUTHORIZATION_MATRIX.map((c) => [routeKey(c), c.scope]));
  const cells = new Set(AUTHORIZATION_MATRIX.map(cellId));

  const missing = routes.flatMap((route) => {
    const scope = scopes.get(route);
    if (!scope) return [`${route}: no rows`];
    return CALLERS.flatMap((caller) =>
      resourcesFor(scope, caller)
        .map((resource) => `${route} ${caller} ${resource}`)
        .filter((cell) => !cells.has(cell)),
    );
  });
  expect(missing).toEqual([]);
  // Nor rows for routes the app does not have, or resources that do not apply.
  expect([...scopes.keys()].filter((r) => !routes.includes(r))).toEqual([]);
  const extra = AUTHORIZATION_MATRIX.filter((c) => !resourcesFor(c.scope, c.caller).includes(c.resource));
  expect(extra).toEqual([]);
  expect(cells.size).toBe(AUTHORIZATION_MATRIX.length);
});
