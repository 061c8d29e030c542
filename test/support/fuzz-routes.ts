// Random requests over every route of the API, for the fuzz tests: junk
// bodies, ids, query strings, action names and follow-up tokens. Each says
// what it aims at, so that `mayWrite` can keep out the rare one that could
// succeed.
import fc from 'fast-check';
import { DROPOUT_REASONS, FOLLOW_UP_OUTCOMES, SUSPENSION_REASONS } from '../../domain/codes';
import { ACTIONS, STATUSES, TRANSITIONS, type ActionName } from '../../domain/transitions';
import { REVIEW_REASONS } from '../../store/notifications-to-review';
import {
  METHODS,
  methodFor,
  realId,
  request,
  type Family,
  type FuzzContext,
  type FuzzRequest,
} from './fuzz-requests';
import {
  dateString,
  jsonBody,
  junkId,
  junkKey,
  junkValue,
  long,
  malformedJson,
  nastyString,
  optionalText,
  segment,
  validText,
} from './junk';

// ---------------------------------------------------------------- journeys

export const createJourney: Family = (ctx) => {
  const base = {
    learner: {
      firstName: 'Awa',
      lastName: 'Diallo',
      email: 'awa.diallo@learners.test',
      phone: '06 12 34 56 78',
      birthDate: '2004-03-17',
      gender: 'female',
      postalCode: '93200',
      qpvResident: true,
      diplomaLevel: 'none',
    },
    fabriqueId: ctx.orgs.fabrique,
    referrer: { name: 'Conseillère', email: 'conseil@agency.test' },
    trainingTitle: 'Développeur web',
    note: 'Motivée',
  };
  const valid = JSON.stringify(base);
  return request(
    ctx,
    methodFor('POST'),
    fc.constant({ path: '/v1/journeys', target: { route: 'create-journey' as const } }),
    fc.oneof({ weight: 5, arbitrary: jsonBody(base) }, { weight: 1, arbitrary: fc.constant(valid) }),
  ).map((r) =>
    // A valid referral with an Idempotency-Key the API refuses reaches the header check.
    r.body === valid ? { ...r, headers: { ...r.headers, 'idempotency-key': 'a key\twith blanks' } } : r,
  );
};

/** Cursors as the API writes them (base64url JSON), with dates and ids of every kind. */
const cursor = fc
  .record({
    referredAt: fc.oneof(
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.constantFrom('-271821-04-20T00:00:00.000Z', '+275760-09-13T00:00:00.000Z', '0000-01-01', 'now', ''),
      junkValue,
    ),
    id: fc.oneof(fc.uuid(), junkValue),
  })
  .map((c) => Buffer.from(JSON.stringify(c)).toString('base64url'));

const queryValue = fc.oneof(
  // prettier-ignore
  fc.constantFrom(...STATUSES, ...REVIEW_REASONS, 'true', 'false', 'female', 'other', '0', '1', '200', '201', '-1', '1.5', '1e3', 'NaN'),
  dateString,
  fc.uuid(),
  cursor,
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  nastyString,
  long(100, 2000),
);

/** `key=value&…`, keys and values encoded. */
const pairs = (keys: fc.Arbitrary<string>, maxLength: number) =>
  fc
    .array(fc.tuple(keys, queryValue), { maxLength })
    .map((kv) => kv.map(([k, v]) => `${segment(k)}=${segment(String(v))}`).join('&'));

/** GET requests on a list route, with query strings of its own keys, junk keys and broken syntax. */
function queryFamily(
  ctx: FuzzContext,
  path: string,
  route: 'list-journeys' | 'stats' | 'notifications',
  keys: readonly string[],
) {
  const key = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...keys) },
    { weight: 1, arbitrary: junkKey },
    { weight: 1, arbitrary: fc.constantFrom(`${keys[0]}[]`, 'limit[0]', 'cursor[a]', '__proto__[x]') },
  );
  const query = fc.oneof(
    pairs(key, 6),
    fc.constantFrom(
      '&&&',
      '==',
      '%',
      '%zz=1',
      'limit',
      'limit=',
      '?',
      'a=1&a=2',
      'status=referred&status=refused',
    ),
  );
  return request(
    ctx,
    methodFor('GET'),
    query.map((q) => ({ path: `${path}?${q.slice(0, 6000)}`, target: { route } })),
    fc.constant(undefined),
  );
}

export const listJourneys: Family = (ctx) =>
  // prettier-ignore
  queryFamily(ctx, '/v1/journeys', 'list-journeys', ['status', 'fabriqueId', 'agencyId', 'qpvResident', 'gender', 'from', 'to', 'cursor', 'limit']);

export const stats: Family = (ctx) =>
  queryFamily(ctx, '/v1/stats', 'stats', ['groupBy', 'from', 'to', 'fabriqueId', 'region']);

export const notifications: Family = (ctx) =>
  queryFamily(ctx, '/v1/notifications', 'notifications', ['status', 'journeyId', 'limit']);

const journeyPath = (ctx: FuzzContext) =>
  fc.oneof(
    {
      weight: 2,
      arbitrary: realId(ctx.journey.id).map((id) => ({ id, real: true, journey: 'mine' as const })),
    },
    {
      weight: 1,
      arbitrary: realId(ctx.foreign.id).map((id) => ({ id, real: true, journey: 'foreign' as const })),
    },
    { weight: 3, arbitrary: junkId.map((id) => ({ id, real: false, journey: undefined })) },
  );

export const readJourney: Family = (ctx) =>
  request(
    ctx,
    methodFor('GET'),
    journeyPath(ctx).map(({ id, real, journey }) => ({
      path: `/v1/journeys/${id}`,
      target: { route: 'journey' as const, real, journey },
    })),
    fc.option(fc.string({ maxLength: 50 }), { nil: undefined }),
  );

/** The body each action accepts, as the base to break. */
function actionBase(ctx: FuzzContext, action: ActionName): Record<string, unknown> {
  const bodies = {
    'take-in-review': { interviewAt: '2027-01-10T14:00:00+01:00', note: 'Entretien' },
    waitlist: { note: 'Session pleine' },
    admit: { startDate: '2027-01-15', durationMonths: 6, trainingTitle: 'Dév web' },
    refuse: { reason: 'session_full', shareWithLearner: true, message: 'Désolés' },
    withdraw: { reason: 'moved', note: 'Déménage' },
    'confirm-start': { startDate: '2027-01-15' },
    'report-no-show': { note: 'Absent' },
    suspend: { reason: 'health', from: '2027-02-01' },
    resume: { date: '2027-03-01' },
    extend: { plannedEndDate: '2027-09-01', reason: 'Rattrapage' },
    'record-dropout': { date: '2027-03-01', reason: 'found_job' },
    'record-completion': { date: '2027-07-01', certified: true, certification: 'RNCP' },
    'record-follow-up': { milestone: '3m', outcome: 'cdi', employer: 'ACME', contractStart: '2027-09-01' },
    transfer: { toFabriqueId: ctx.orgs.fabrique2, reason: 'Plus près' },
    close: { reason: 'Doublon' },
  } satisfies Record<ActionName, Record<string, unknown>>;
  return bodies[action];
}

/** Action names the API does not know, close to those it does. */
const unknownAction = fc.oneof(
  fc.constantFrom(...ACTIONS).map((a) => segment(a.toUpperCase())),
  fc.constantFrom('constructor', '__proto__', 'toString', 'refer', 'delete', 'admit%20', 'admit%00'),
  junkId,
);

/** Actions on journeys: any id, any action name, a broken body. */
export const journeyAction: Family = (ctx) => {
  const on = (action: fc.Arbitrary<string>, base: Record<string, unknown>) =>
    request(
      ctx,
      methodFor('POST'),
      fc.tuple(journeyPath(ctx), action).map(([j, a]) => ({
        path: `/v1/journeys/${j.id}/actions/${a}`,
        target: { route: 'action' as const, real: j.real, journey: j.journey, action: a },
      })),
      fc.option(jsonBody(base), { nil: undefined, freq: 20 }),
    );
  return fc.oneof(
    { weight: 6, arbitrary: fc.oneof(...ACTIONS.map((a) => on(fc.constant(a), actionBase(ctx, a)))) },
    { weight: 1, arbitrary: on(unknownAction, { note: 'x' }) },
  );
};

/**
 * Valid bodies for the actions a role may take, but not from `referred`: the
 * workflow refuses them (409) once the free text is stored apart, so they
 * reach Temporal and the text handling, and change nothing.
 */
export const refusedByStatus: Family = (ctx) => {
  const code = (list: { codes: readonly string[] }) => fc.constantFrom(...list.codes);
  const bodies: Partial<Record<ActionName, fc.Arbitrary<Record<string, unknown>>>> = {
    'confirm-start': fc.record({ startDate: dateString }),
    'report-no-show': fc.record({ note: optionalText(2000) }),
    suspend: fc.record({ reason: code(SUSPENSION_REASONS), from: dateString }),
    resume: fc.record({ date: dateString }),
    extend: fc.record({ plannedEndDate: dateString, reason: validText(500) }),
    'record-dropout': fc.record({ date: dateString, reason: code(DROPOUT_REASONS) }),
    'record-completion': fc.record({
      date: dateString,
      certified: fc.boolean(),
      certification: optionalText(200),
    }),
    'record-follow-up': fc.record({
      milestone: fc.constantFrom('3m', '6m'),
      outcome: code(FOLLOW_UP_OUTCOMES),
      employer: optionalText(200),
      jobTitle: optionalText(200),
      contractStart: fc.option(dateString, { nil: undefined }),
    }),
  };
  const refused = ACTIONS.flatMap((action) =>
    (['agency', 'fabrique'] as const)
      .filter(
        (role) => TRANSITIONS[action].who.includes(role) && !TRANSITIONS[action].from.includes('referred'),
      )
      .map((role) => {
        const body = bodies[action];
        if (!body) throw new Error(`no valid body for ${action}`);
        return body.map((b): FuzzRequest => ({
          method: 'POST',
          path: `/v1/journeys/${ctx.journey.id}/actions/${action}`,
          headers: { authorization: `Bearer ${ctx.keys[role]}`, 'content-type': 'application/json' },
          body: JSON.stringify(b),
          target: { route: 'action', owner: role, real: true, journey: 'mine', action },
        }));
      }),
  );
  return fc.oneof(...refused);
};

// ---------------------------------------------------------------- the rest

const orgPath = (ctx: FuzzContext) =>
  fc.oneof(
    fc.oneof(...Object.values(ctx.orgs).map(realId)).map((id) => ({ id, real: true })),
    junkId.map((id) => ({ id, real: false })),
  );

export const organizations: Family = (ctx) => {
  const base = {
    type: 'fabrique',
    name: 'Fabrique de Roubaix',
    email: 'roubaix@orgs.test',
    region: 'Hauts-de-France',
    department: '59',
    agencyKind: 'association',
  };
  const keys = (route: 'issue-key' | 'keys') =>
    orgPath(ctx).map(({ id, real }) => ({
      path: `/v1/organizations/${id}/api-keys`,
      target: { route, real },
    }));
  return fc.oneof(
    request(
      ctx,
      methodFor('POST'),
      fc.constant({ path: '/v1/organizations', target: { route: 'create-organization' as const } }),
      jsonBody(base),
    ),
    request(
      ctx,
      methodFor('GET'),
      fc.constant({ path: '/v1/organizations', target: { route: 'organizations' as const } }),
      fc.constant(undefined),
    ),
    request(
      ctx,
      methodFor('POST'),
      keys('issue-key'),
      fc.option(jsonBody({ note: 'x' }), { nil: undefined }),
    ),
    request(ctx, methodFor('GET'), keys('keys'), fc.constant(undefined)),
    // Never a real key id: the stack's keys stay valid.
    request(
      ctx,
      methodFor('DELETE'),
      fc.tuple(orgPath(ctx), fc.oneof(fc.stringMatching(/^[0-9a-f]{16}$/), junkId)).map(([org, keyId]) => ({
        path: `/v1/organizations/${org.id}/api-keys/${keyId}`,
        // An empty or "." key id leaves the listing's own path (…/api-keys/),
        // where a POST with the admin key issues a key: a request that may write.
        target: ['', '.'].includes(keyId)
          ? { route: 'keys' as const, real: org.real }
          : { route: 'revoke-key' as const, real: false },
      })),
      fc.constant(undefined),
    ),
  );
};

export const learners: Family = (ctx) => {
  const learner = fc.oneof(
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(ctx.journey.learnerId, ctx.foreign.learnerId)
        .map((id) => ({ id, real: true })),
    },
    { weight: 4, arbitrary: junkId.map((id) => ({ id, real: false })) },
  );
  const route = (method: string, verb: string) =>
    request(
      ctx,
      methodFor(method),
      learner.map(({ id, real }) => ({
        path: `/v1/learners/${id}/${verb}`,
        target: { route: 'learner' as const, real },
      })),
      fc.option(jsonBody({ reason: 'request' }), { nil: undefined }),
    );
  return fc.oneof(route('GET', 'export'), route('POST', 'erase'));
};

/** What the learner's form posts, and worse. */
const formBody = fc.oneof(
  pairs(fc.oneof(fc.constantFrom('outcome', 'employer', 'jobTitle', 'contractStart'), junkKey), 5),
  fc.constantFrom(
    'outcome',
    'outcome=',
    'outcome=unknown',
    'outcome[]=cdi',
    '%zz',
    '&&',
    'outcome=cdi&outcome=cdd',
  ),
  // Over the parser's thousand parameters.
  fc.integer({ min: 1001, max: 3000 }).map((n) => Array.from({ length: n }, (_, i) => `k${i}=v`).join('&')),
);

export const followUps: Family = (ctx) => {
  const token = fc
    .oneof(
      { weight: 2, arbitrary: fc.constant({ path: ctx.link, real: true }) },
      {
        weight: 3,
        arbitrary: fc
          .oneof(fc.stringMatching(/^[A-Za-z0-9_-]{20,100}$/), junkId)
          .map((t) => ({ path: `/v1/follow-ups/${t}`, real: false })),
      },
    )
    .map(({ path, real }) => ({ path, target: { route: 'follow-up' as const, real } }));
  const base = { outcome: 'cdi', employer: 'ACME', jobTitle: 'Développeuse', contractStart: '2027-09-01' };
  const answer = fc
    .tuple(request(ctx, methodFor('POST'), token, fc.oneof(jsonBody(base), formBody)), fc.boolean())
    .map(([r, form]) =>
      // The learner's form sends url-encoded bodies; so do half of these.
      form && r.body !== undefined
        ? { ...r, headers: { ...r.headers, 'content-type': 'application/x-www-form-urlencoded' } }
        : r,
    );
  return fc.oneof(request(ctx, methodFor('GET'), token, fc.constant(undefined)), answer);
};

export const codec: Family = (ctx) => {
  const base = { payloads: [{ metadata: { encoding: 'anNvbi9wbGFpbg==' }, data: 'IkhlbGxvIg==' }] };
  const payloads = fc
    .array(fc.record({ metadata: fc.dictionary(junkKey, fc.base64String()), data: fc.base64String() }), {
      maxLength: 5,
    })
    .map((p) => JSON.stringify({ payloads: p }));
  return request(
    ctx,
    methodFor('POST'),
    fc
      .constantFrom('encode', 'decode')
      .map((op) => ({ path: `/codec/${op}`, target: { route: 'codec' as const } })),
    fc.oneof(jsonBody(base), payloads),
  );
};

/** Documents, probes and routes that do not exist, with any method. */
export const publicAndUnknown: Family = (ctx) =>
  request(
    ctx,
    fc.constantFrom(...METHODS),
    fc
      .oneof(
        // prettier-ignore
        fc.constantFrom(
          '/healthz', '/readyz', '/openapi.json', '/docs', '/docs/', '/docs/swagger-ui.css', '/v1', '/v1/', '/',
          '/v2/journeys', '/v1/stats', '/codec', '/v1/organizations/x/api-keys/y/z',
        ),
        fc
          .tuple(fc.constantFrom('/', '/v1/', '/docs/', '/codec/', '/v1/journeys/x/'), junkId)
          .map(([p, s]) => `${p}${s}`),
        fc
          .tuple(fc.constantFrom('/healthz', '/readyz', '/openapi.json'), fc.string({ maxLength: 40 }))
          .map(([p, q]) => `${p}?${segment(q)}`),
      )
      .map((path) => ({ path, target: { route: 'public' as const } })),
    fc.option(malformedJson({}), { nil: undefined }),
  );
