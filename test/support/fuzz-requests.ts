// Random HTTP requests for the fuzz tests: what a request is and aims at,
// and the headers around it (keys of each role most of the time, garbage
// otherwise, content types, encodings, Idempotency-Key junk). The routes'
// requests are in fuzz-routes.ts.
import fc from 'fast-check';
import { headerText, latin1, long } from './junk';

/** Whose key a request carries: an organisation of the stack, the admin key, none, or garbage. */
export type KeyOwner =
  'agency' | 'agency2' | 'fabrique' | 'fabrique2' | 'manager' | 'admin' | 'none' | 'garbage';

/** What a request aims at. */
export interface Target {
  route:
    | 'create-journey'
    | 'list-journeys'
    | 'stats'
    | 'notifications'
    | 'journey'
    | 'action'
    | 'create-organization'
    | 'organizations'
    | 'issue-key'
    | 'keys'
    | 'revoke-key'
    | 'learner'
    | 'follow-up'
    | 'codec'
    | 'public';
  owner: KeyOwner;
  /** The journey, learner, organisation or link exists. */
  real?: boolean;
  /** Which fixture journey: referred by `agency` to `fabrique` (mine), or by `agency2` to `fabrique2`. */
  journey?: 'mine' | 'foreign';
  action?: string;
}

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  target: Target;
}

/** The ids and keys of the stack under fuzz. */
export interface FuzzContext {
  keys: Record<Exclude<KeyOwner, 'none' | 'garbage'>, string>;
  orgs: Record<'agency' | 'agency2' | 'fabrique' | 'fabrique2' | 'manager', string>;
  /** Referred by `agency` to `fabrique`, in status `referred`. */
  journey: { id: string; learnerId: string };
  /** Referred by `agency2` to `fabrique2`, in status `referred`. */
  foreign: { id: string; learnerId: string };
  /** The path of a live follow-up link. */
  link: string;
}

/** Random requests on some routes, for a stack. */
export type Family = (ctx: FuzzContext) => fc.Arbitrary<FuzzRequest>;

// ---------------------------------------------------------------- headers

/** Mostly JSON, as clients send it; otherwise any declared type. */
const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  {
    weight: 3,
    // prettier-ignore
    arbitrary: fc.constantFrom(
      'application/json', 'application/json; charset=utf-8', 'Application/JSON', 'application/json; charset=latin1',
      'application/json; charset=utf-16', 'application/problem+json', 'application/x-www-form-urlencoded',
      'text/plain', 'text/html', 'multipart/form-data; boundary=xyz', 'application/xml', '*/*',
      'application/json;;;', '',
    ),
  },
  { weight: 1, arbitrary: headerText(60) },
);

/** A key that no longer works: the admin key as well as an organisation's. */
function damaged(key: string, how: 'more' | 'less' | 'changed'): string {
  if (how === 'more') return `${key}x`;
  if (how === 'less') return key.slice(0, -1);
  // The sixth character is in the key id (pk_…) or the admin secret (adm_…); z is neither.
  return `${key.slice(0, 5)}z${key.slice(6)}`;
}

/** Authorization as the key owner would send it, or garbage. */
function authorization(ctx: FuzzContext): fc.Arbitrary<{ owner: KeyOwner; header?: string }> {
  const owners = Object.keys(ctx.keys) as (keyof FuzzContext['keys'])[];
  const valid = fc
    .tuple(
      fc.constantFrom(...owners),
      fc.constantFrom('Bearer ', 'bearer ', 'BEARER   ', 'Bearer\t'),
      fc.constantFrom('', ' ', '  '),
    )
    .map(([owner, scheme, trail]) => ({ owner, header: `${scheme}${ctx.keys[owner]}${trail}` }));
  const garbage = (header: string) => ({ owner: 'garbage' as const, header });
  const invalid = fc.oneof(
    fc.constant({ owner: 'none' as const }),
    headerText(120).map(garbage),
    headerText(120).map((h) => garbage(`Bearer ${h}`)),
    // prettier-ignore
    fc.constantFrom(
      'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNzd29yZA==', 'Token abc', 'Bearer null', 'Bearer a b',
      'Bearer pk_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', "Bearer ' OR '1'='1",
    ).map(garbage),
    long(1000, 4000).map((s) => garbage(`Bearer ${s.replace(/[^\x21-\x7e]/g, 'x')}`)),
    // A real key, damaged: one character more, one less, or one changed.
    fc
      .tuple(fc.constantFrom(...Object.values(ctx.keys)), fc.constantFrom('more', 'less', 'changed'))
      .map(([key, how]) => garbage(`Bearer ${damaged(key, how)}`)),
  );
  return fc.oneof({ weight: 7, arbitrary: valid }, { weight: 3, arbitrary: invalid });
}

/** Idempotency-Key values the API must refuse: empty, too long, or not printable ASCII. */
const idempotencyJunk = fc.oneof(
  fc.constant(''),
  fc.tuple(headerText(20), headerText(20)).map(([a, b]) => `${a}x ${b}`),
  fc.tuple(headerText(20), latin1).map(([a, c]) => `${a}${c}`),
  long(201, 1000).map((s) => s.replace(/[^\x21-\x7e]/g, 'k')),
);

interface Headers {
  owner: KeyOwner;
  headers: Record<string, string>;
}

/** Headers around the Authorization: content type, encodings, Idempotency-Key junk, random ones. */
function headers(ctx: FuzzContext, withBody: boolean): fc.Arbitrary<Headers> {
  return fc
    .record({
      auth: authorization(ctx),
      type: withBody ? contentType : fc.option(contentType, { nil: undefined }),
      encoding: fc.option(fc.constantFrom('identity', 'gzip', 'deflate', 'br', 'compress', 'x-junk'), {
        nil: undefined,
        freq: 12,
      }),
      idempotency: fc.option(idempotencyJunk, { nil: undefined, freq: 3 }),
      extra: fc.option(fc.tuple(fc.stringMatching(/^x-[a-z-]{1,20}$/), headerText(200)), {
        nil: undefined,
        freq: 4,
      }),
      accept: fc.option(fc.constantFrom('text/html', 'application/xml', '*/*'), { nil: undefined }),
    })
    .map(({ auth, type, encoding, idempotency, extra, accept }) => {
      const h: Record<string, string> = {};
      if (auth.header !== undefined) h.authorization = auth.header;
      if (type !== undefined) h['content-type'] = type;
      if (encoding !== undefined && withBody) h['content-encoding'] = encoding;
      if (idempotency !== undefined) h['idempotency-key'] = idempotency;
      if (extra) h[extra[0]] = extra[1];
      if (accept) h.accept = accept;
      return { owner: auth.owner, headers: h };
    });
}

// ---------------------------------------------------------------- requests

export const METHODS = ['GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'HEAD', 'OPTIONS'];

/** Mostly the route's method; sometimes any other. */
export const methodFor = (method: string) =>
  fc.oneof(
    { weight: 9, arbitrary: fc.constant(method) },
    { weight: 1, arbitrary: fc.constantFrom(...METHODS) },
  );

const canHaveBody = (method: string) => method !== 'GET' && method !== 'HEAD';

/** A request from its parts; the headers are built once per stack, not per request. */
export function request(
  ctx: FuzzContext,
  method: fc.Arbitrary<string>,
  path: fc.Arbitrary<{ path: string; target: Omit<Target, 'owner'> }>,
  body: fc.Arbitrary<string | undefined>,
): fc.Arbitrary<FuzzRequest> {
  return fc
    .tuple(method, path, body, headers(ctx, true), headers(ctx, false))
    .map(([m, p, b, withBody, without]) => {
      const sendsBody = canHaveBody(m) && b !== undefined;
      const { owner, headers: h } = sendsBody ? withBody : without;
      return {
        method: m,
        path: p.path,
        headers: h,
        body: sendsBody ? b : undefined,
        target: { ...p.target, owner },
      };
    });
}

/** A real id as it is, or in capitals (uuids compare without case). */
export const realId = (id: string) => fc.constantFrom(id, id.toUpperCase());
