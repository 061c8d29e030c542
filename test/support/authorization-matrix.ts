// Who may call what, kept as data: every route × every caller × the resource
// it is called on → the HTTP status the API must answer. The journey actions
// are derived from the transition table, so the two cannot drift apart.
// test/authorization.test.ts walks every cell against the real stack and
// checks that no route of the OpenAPI document is missing.
//
import { ACTIONS, TRANSITIONS, type ActionName, type Role, type Status } from '../../domain/transitions';

/** Who calls: no key, a key of each organisation type, or the bootstrap ADMIN_API_KEY. */
export const CALLERS = ['anonymous', 'agency', 'fabrique', 'manager', 'admin'] as const;
export type CallerKind = (typeof CALLERS)[number];

/**
 * What the route is called on: the caller's `own` resource, another
 * organisation's (`foreign`), an id of nothing (`unknown`), or `n/a` when
 * ownership does not apply (the route has no resource, the caller sees every
 * organisation's, or the resource is a learner's personal link).
 */
export type Resource = 'own' | 'foreign' | 'unknown' | 'n/a';

/**
 * How a route relates to organisations, which fixes the resources that apply:
 * - `none`: no resource (lists, creations, documents, probes);
 * - `owned`: a journey, a learner or an organisation, which agencies and
 *   fabriques own or not, and managers see all of;
 * - `link`: a follow-up link, where the random token is the credential.
 */
export type Scope = 'none' | 'owned' | 'link';

export type Method = 'GET' | 'POST' | 'DELETE';

export interface Cell {
  method: Method;
  /** The path as the OpenAPI document writes it, `{id}` for parameters. */
  path: string;
  scope: Scope;
  caller: CallerKind;
  resource: Resource;
  status: number;
}

/** The resources that apply to a caller on a route of this scope. */
export function resourcesFor(scope: Scope, caller: CallerKind): Resource[] {
  if (scope === 'link') return ['n/a', 'unknown'];
  if (scope === 'none' || caller === 'anonymous') return ['n/a'];
  return caller === 'agency' || caller === 'fabrique' ? ['own', 'foreign', 'unknown'] : ['n/a', 'unknown'];
}

type Expected = { [C in CallerKind]: Partial<Record<Resource, number>> };

interface RouteRows {
  method: Method;
  path: string;
  scope: Scope;
  expect: Expected;
}

/** The same answer whoever calls: public routes. */
const anyone = (status: number): Expected => ({
  anonymous: { 'n/a': status },
  agency: { 'n/a': status },
  fabrique: { 'n/a': status },
  manager: { 'n/a': status },
  admin: { 'n/a': status },
});

/** A route without a resource, for these roles only. */
const only = (status: number, ...allowed: CallerKind[]): Expected => ({
  anonymous: { 'n/a': 401 },
  agency: { 'n/a': allowed.includes('agency') ? status : 403 },
  fabrique: { 'n/a': allowed.includes('fabrique') ? status : 403 },
  manager: { 'n/a': allowed.includes('manager') ? status : 403 },
  admin: { 'n/a': allowed.includes('admin') ? status : 403 },
});

/**
 * A route on an owned resource that only managers (and so the admin key) may
 * call. The role is checked before the resource is looked up: an agency or a
 * fabrique gets 403 even for an id of nothing, and learns nothing from it.
 */
const managersOnly = (status: number): Expected => ({
  anonymous: { 'n/a': 401 },
  agency: { own: 403, foreign: 403, unknown: 403 },
  fabrique: { own: 403, foreign: 403, unknown: 403 },
  manager: { 'n/a': status, unknown: 404 },
  admin: { 'n/a': status, unknown: 404 },
});

/**
 * A route on a webhook subscription: its organisation's only. Another's reads
 * as unknown (404); a manager's `n/a` is its own; the admin key, without an
 * organisation, is refused before any lookup.
 */
const ownWebhook = (status: number): Expected => ({
  anonymous: { 'n/a': 401 },
  agency: { own: status, foreign: 404, unknown: 404 },
  fabrique: { own: status, foreign: 404, unknown: 404 },
  manager: { 'n/a': status, unknown: 404 },
  admin: { 'n/a': 403, unknown: 403 },
});

/** The status of the journey every action cell is taken on. */
export const MATRIX_JOURNEY_STATUS: Status = 'referred';

/**
 * An action on a journey in MATRIX_JOURNEY_STATUS, from the transition table.
 * The journey is looked up before the role is checked: another organisation's
 * journey reads as an unknown one (404), even for a role that may never take
 * the action.
 */
function actionRows(action: ActionName): RouteRows {
  const rule = TRANSITIONS[action];
  const verdict = (role: Role) =>
    !rule.who.includes(role) ? 403 : rule.from.includes(MATRIX_JOURNEY_STATUS) ? 200 : 409;
  return {
    method: 'POST',
    path: `/v1/journeys/{id}/actions/${action}`,
    scope: 'owned',
    expect: {
      anonymous: { 'n/a': 401 },
      agency: { own: verdict('agency'), foreign: 404, unknown: 404 },
      fabrique: { own: verdict('fabrique'), foreign: 404, unknown: 404 },
      manager: { 'n/a': verdict('manager'), unknown: 404 },
      // Judgement call: the admin key is a manager without an organisation;
      // it acts as a manager does, and the timeline records no organisation.
      admin: { 'n/a': verdict('manager'), unknown: 404 },
    },
  };
}

const ROUTES: readonly RouteRows[] = [
  {
    // Judgement call: only the bootstrap key creates organisations, not even
    // the managers it created; they govern keys, not who exists.
    method: 'POST',
    path: '/v1/organizations',
    scope: 'none',
    expect: only(201, 'admin'),
  },
  { method: 'GET', path: '/v1/organizations', scope: 'none', expect: only(200, 'manager', 'admin') },
  // Only the admin key issues keys through the API (a member issues their own
  // organisation's in the web app): a manager holding a fabrique's key could
  // act as that fabrique. Managers still list and revoke any key.
  {
    method: 'POST',
    path: '/v1/organizations/{id}/api-keys',
    scope: 'owned',
    expect: { ...managersOnly(201), manager: { 'n/a': 403, unknown: 403 } },
  },
  { method: 'GET', path: '/v1/organizations/{id}/api-keys', scope: 'owned', expect: managersOnly(200) },
  {
    method: 'DELETE',
    path: '/v1/organizations/{id}/api-keys/{keyId}',
    scope: 'owned',
    expect: managersOnly(204),
  },
  // Judgement call: over the API, members are added by the GEN team (to
  // onboard an organisation); an organisation's own people add theirs in the
  // web app, signed in, never with a key.
  { method: 'POST', path: '/v1/organizations/{id}/members', scope: 'owned', expect: managersOnly(201) },
  { method: 'GET', path: '/v1/organizations/{id}/members', scope: 'owned', expect: managersOnly(200) },
  {
    method: 'DELETE',
    path: '/v1/organizations/{id}/members/{memberId}',
    scope: 'owned',
    expect: managersOnly(204),
  },
  {
    // Judgement call: referring is an agency's act; a manager, even with the
    // admin key, does not refer learners.
    method: 'POST',
    path: '/v1/journeys',
    scope: 'none',
    expect: only(201, 'agency'),
  },
  {
    // Every role lists, each within its scope (agency: its referrals;
    // fabrique: the journeys at it; manager: all).
    method: 'GET',
    path: '/v1/journeys',
    scope: 'none',
    expect: only(200, 'agency', 'fabrique', 'manager', 'admin'),
  },
  {
    method: 'GET',
    path: '/v1/journeys/{id}',
    scope: 'owned',
    expect: {
      anonymous: { 'n/a': 401 },
      // Another organisation's journey is answered as an unknown one.
      agency: { own: 200, foreign: 404, unknown: 404 },
      fabrique: { own: 200, foreign: 404, unknown: 404 },
      manager: { 'n/a': 200, unknown: 404 },
      admin: { 'n/a': 200, unknown: 404 },
    },
  },
  ...ACTIONS.map(actionRows),
  // Judgement call: the learner's rights (access, erasure) go through the GEN
  // team, even for the agency that referred the learner (`own`).
  { method: 'GET', path: '/v1/learners/{id}/export', scope: 'owned', expect: managersOnly(200) },
  { method: 'POST', path: '/v1/learners/{id}/erase', scope: 'owned', expect: managersOnly(200) },
  {
    // Judgement call: the personal link is the learner's only credential; an
    // API key neither opens it nor is needed, so every caller gets the same.
    method: 'GET',
    path: '/v1/follow-ups/{token}',
    scope: 'link',
    expect: Object.fromEntries(CALLERS.map((c) => [c, { 'n/a': 200, unknown: 404 }])) as Expected,
  },
  {
    method: 'POST',
    path: '/v1/follow-ups/{token}',
    scope: 'link',
    expect: Object.fromEntries(CALLERS.map((c) => [c, { 'n/a': 200, unknown: 404 }])) as Expected,
  },
  // The Temporal Web UI's codec: managers only, mounted only with payload encryption.
  { method: 'POST', path: '/codec/encode', scope: 'none', expect: only(200, 'manager', 'admin') },
  { method: 'POST', path: '/codec/decode', scope: 'none', expect: only(200, 'manager', 'admin') },
  // The emails that need a person: the GEN team's to look at (DESIGN: /courriels).
  { method: 'GET', path: '/v1/notifications', scope: 'none', expect: only(200, 'manager', 'admin') },
  // Webhooks: every organisation subscribes for itself and sees only its own
  // subscriptions; the admin key has no organisation, so it holds none.
  { method: 'POST', path: '/v1/webhooks', scope: 'none', expect: only(201, 'agency', 'fabrique', 'manager') },
  { method: 'GET', path: '/v1/webhooks', scope: 'none', expect: only(200, 'agency', 'fabrique', 'manager') },
  { method: 'DELETE', path: '/v1/webhooks/{id}', scope: 'owned', expect: ownWebhook(204) },
  { method: 'GET', path: '/v1/webhooks/{id}/deliveries', scope: 'owned', expect: ownWebhook(200) },
  {
    method: 'POST',
    path: '/v1/webhooks/{id}/deliveries/{deliveryId}/replay',
    scope: 'owned',
    expect: ownWebhook(202),
  },
  // Fabriques see their own indicators only; agencies none.
  { method: 'GET', path: '/v1/stats', scope: 'none', expect: only(200, 'fabrique', 'manager', 'admin') },
  { method: 'GET', path: '/openapi.json', scope: 'none', expect: anyone(200) },
  { method: 'GET', path: '/docs', scope: 'none', expect: anyone(200) },
  { method: 'GET', path: '/healthz', scope: 'none', expect: anyone(200) },
  { method: 'GET', path: '/readyz', scope: 'none', expect: anyone(200) },
  // API keys do not matter: METRICS_TOKEN does, or else the client's address (local here).
  { method: 'GET', path: '/metrics', scope: 'none', expect: anyone(200) },
];

/**
 * Routes the OpenAPI document leaves out on purpose: the documentation
 * itself, the codec, which serves the Temporal Web UI rather than API
 * users and exists only when payload encryption is on, and the metrics,
 * which are for operators' Prometheus.
 */
export const UNDOCUMENTED_ROUTES: readonly string[] = [
  'POST /codec/encode',
  'POST /codec/decode',
  'GET /openapi.json',
  'GET /docs',
  'GET /metrics',
];

export const routeKey = (r: { method: string; path: string }) => `${r.method.toUpperCase()} ${r.path}`;

/** Every cell of the matrix, one per route × caller × resource. */
export const AUTHORIZATION_MATRIX: readonly Cell[] = ROUTES.flatMap((route) =>
  CALLERS.flatMap((caller) =>
    Object.entries(route.expect[caller]).map(([resource, status]) => ({
      method: route.method,
      path: route.path,
      scope: route.scope,
      caller,
      resource: resource as Resource,
      status: status as number,
    })),
  ),
);
