// Junk for the fuzz tests, as fast-check arbitraries: JSON values and bodies
// that break validators, strings a database may choke on, header text, and
// path segments of every malformed kind.
import fc from 'fast-check';

const ascii = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));
export const latin1 = fc.integer({ min: 0xa0, max: 0xff }).map((c) => String.fromCharCode(c));

/** What a header value may carry on the wire: printable ASCII and Latin-1. */
export const headerText = (maxLength: number) =>
  fc.string({ unit: fc.oneof({ weight: 9, arbitrary: ascii }, { weight: 1, arbitrary: latin1 }), maxLength });

/** A string repeated to a size: long ids, huge fields, bodies over the limit. */
export const long = (min: number, max: number) =>
  fc
    .tuple(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }), fc.integer({ min, max }))
    .map(([s, n]) => s.repeat(Math.ceil(n / s.length)).slice(0, n));

const SQLISH = [
  "' OR '1'='1",
  '1; DROP TABLE "Journey"; --',
  '\'); DELETE FROM "Learner"; --',
  '1\' UNION SELECT * FROM "ApiKey" --',
  'pg_sleep(5)--',
  '$1',
];

// prettier-ignore
const NASTY_STRINGS = [
  '', ' ', '\t\n', '\u0000', 'a\u0000b', '\u202Eevil', '\uFEFF', '\ud800', 'null', 'undefined', 'true',
  'NaN', '-1', '1e309', '[]', '{}', '<script>alert(1)</script>', '{{7*7}}', '${7*7}', '../../etc/passwd',
  '2027-02-30', '2027-13-01', '0000-00-00', '9999-12-31', '-271821-04-20', '+275760-09-13T00:00:00Z',
  '00000000-0000-0000-0000-000000000000', '💥🇫🇷👩🏽‍💻', 'Ｆａｂｒｉｑｕｅ', ...SQLISH,
];
export const nastyString = fc.constantFrom(...NASTY_STRINGS);

/** A value nested `depth` times in objects or arrays. */
const nested = fc.tuple(fc.integer({ min: 20, max: 800 }), fc.boolean()).map(([depth, arrays]) => {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = arrays ? [v] : { a: v };
  return v;
});

/** Defines an own, enumerable key, `__proto__` included, as JSON.parse would. */
export function withKey(base: unknown, key: string, value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> =
    base && typeof base === 'object' && !Array.isArray(base) ? { ...base } : {};
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}

export const junkKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'isAdmin', 'type'),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
);

/** `{"__proto__": {...}}`, `{"constructor": {"prototype": {...}}}` and the like. */
const polluting = fc
  .tuple(fc.constantFrom('__proto__', 'constructor', 'prototype'), fc.jsonValue({ maxDepth: 2 }))
  .map(([k, v]) =>
    withKey({}, k, k === 'constructor' ? withKey({}, 'prototype', v) : withKey({}, 'polluted', v)),
  );

/** Any JSON value, weighted towards the ones that break validators. */
export const junkValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom<unknown>(null, true, false, 0, -0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1),
  nastyString,
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  long(250, 5000),
  nested,
  polluting,
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 6 }),
);

/** A copy of `base` with one thing wrong, or several, or nothing like it at all. */
export function mutated(base: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(base);
  const options: fc.Arbitrary<unknown>[] = [
    fc.tuple(fc.constantFrom(...keys), junkValue).map(([k, v]) => ({ ...base, [k]: v })),
    fc
      .constantFrom(...keys)
      .map((k) => Object.fromEntries(Object.entries(base).filter(([key]) => key !== k))),
    fc.tuple(junkKey, junkValue).map(([k, v]) => withKey(base, k, v)),
    fc
      .dictionary(fc.constantFrom(...keys), junkValue, {
        minKeys: Math.min(2, keys.length),
        maxKeys: keys.length,
      })
      .map((changes) => ({ ...base, ...changes })),
    junkValue,
  ];
  for (const k of keys) {
    const v = base[k];
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      options.push(mutated(v as Record<string, unknown>).map((inner) => ({ ...base, [k]: inner })));
    }
  }
  return fc.oneof(...options);
}

/** Text that is not quite JSON, or JSON too deep or too large. */
export const malformedJson = (base: unknown) =>
  fc.oneof(
    fc.string({ maxLength: 200 }),
    // prettier-ignore
    fc.constantFrom(
      '{', '{"a":', '[1,2', '{"a":1}}', "{'a':1}", '{"a":undefined}', 'NaN', '"just a string"', '42', '\u0000',
      '{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}', '{"a":1,"a":2}',
      '\uFEFF{}',
    ),
    fc.integer({ min: 1, max: 20_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
    fc.integer({ min: 1, max: 5_000 }).map((n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)),
    fc.nat().map((n) => {
      const text = JSON.stringify(base);
      return text.slice(0, n % Math.max(1, text.length));
    }),
    long(66_000, 80_000).map((s) => JSON.stringify({ note: s })),
  );

/** A body built on `base`: mostly its JSON with something wrong, sometimes not JSON at all. */
export const jsonBody = (base: Record<string, unknown>) =>
  fc.oneof(
    { weight: 4, arbitrary: mutated(base).map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 1, arbitrary: malformedJson(base) },
  );

/** A calendar date anywhere from year 1 to 9999. */
export const dateString = fc.oneof(
  fc
    .date({
      min: new Date('0000-01-01T00:00:00Z'),
      max: new Date('9999-12-31T00:00:00Z'),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString().slice(0, 10)),
  // Year 0 (which PostgreSQL lacks) and the bounds the API takes.
  fc.constantFrom('0000-01-01', '0000-12-31', '1899-12-31', '1900-01-01', '2199-12-31', '2200-01-01'),
);

/** Free text that is no junk to zod's eye, of the kinds a database may choke on. */
export const validText = (max: number) =>
  fc
    .oneof(
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
      fc.constantFrom('a\u0000b', '\u202Eevil', '💥🇫🇷', '\'; DROP TABLE "Journey"; --', '\ud800x', 'x\\'),
      long(max - 10, max),
    )
    .filter((s) => s.trim().length >= 1 && s.trim().length <= max);

export const optionalText = (max: number) => fc.option(validText(max), { nil: undefined });

/** Percent-encodes a path segment; lone surrogates cannot be, so they go raw and malformed. */
export function segment(s: string): string {
  try {
    return encodeURIComponent(s).slice(0, 6000);
  } catch {
    return '%ED%A0%80';
  }
}

// prettier-ignore
const RAW_SEGMENTS = ['', '.', '..', '%', '%zz', '%E0%A4%A', '%00', '%2F', '%2e%2e', '%ED%A0%80', ';', 'a;b=c', '%20'];

/** An id of nothing, or of nothing sensible, ready for a path. */
export const junkId = fc.oneof(
  { weight: 3, arbitrary: fc.uuid().map(segment) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }).map(segment) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }).map(segment) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }).map(segment) },
  { weight: 1, arbitrary: nastyString.map(segment) },
  { weight: 1, arbitrary: long(200, 2500).map(segment) },
  { weight: 1, arbitrary: fc.constantFrom(...RAW_SEGMENTS) },
);
