// The workflow's validators are the last line before history: whatever they
// accept is recorded for good, then written by the activities. Random
// payloads for every action, from every status, by every kind of caller:
// a refusal is always an ActionRefused (a validator that throws anything
// else fails the Update as a server error), and an accepted action never
// leaves in the journey a date PostgreSQL cannot store or a string it
// refuses (NUL). Pure functions, no Temporal: thousands of cases a second.
import fc from 'fast-check';
import { ACTION_BODIES } from '../api/schemas';
import type { ActionRequest } from '../domain/actions';
import {
  DROPOUT_REASONS,
  FOLLOW_UP_OUTCOMES,
  REFUSAL_REASONS,
  SUSPENSION_REASONS,
  WITHDRAWAL_REASONS,
} from '../domain/codes';
import { initialState, type JourneyState } from '../domain/journey-state';
import { ActionRefused, checkAction } from '../domain/journey-checks';
import { applyAction } from '../domain/journey-changes';
import { DEFAULT_POLICY } from '../domain/policy';
import { DATE_RANGE } from '../domain/dates';
import { ACTIONS, TRANSITIONS, type ActionName, type Actor } from '../domain/transitions';
import { dateString, junkValue } from './support/junk';

const NOW = new Date('2026-06-15T10:00:00.000Z');
const FABRIQUE = '00000000-0000-4000-8000-0000000fab01';
const FABRIQUE2 = '00000000-0000-4000-8000-0000000fab02';
const actors: Actor[] = [
  { type: 'agency', orgId: 'agency-1' },
  { type: 'fabrique', orgId: FABRIQUE },
  { type: 'manager', orgId: 'manager-1' },
  { type: 'learner' },
  { type: 'agency', orgId: 'agency-2' },
  { type: 'fabrique', orgId: FABRIQUE2 },
];
const fabrique = actors[1] as Actor;

function play(steps: [ActionName, Record<string, unknown>][], now = NOW): JourneyState {
  const state = initialState({
    journeyId: 'journey-1',
    learnerId: 'learner-1',
    agencyId: 'agency-1',
    fabriqueId: FABRIQUE,
    referredAt: '2025-09-01T09:00:00.000Z',
    policy: DEFAULT_POLICY,
  });
  for (const [action, payload] of steps) {
    const req = { actor: fabrique, payload } as ActionRequest;
    checkAction(state, action, req, now, DEFAULT_POLICY);
    applyAction(state, action, req, now, DEFAULT_POLICY);
  }
  return state;
}

const admit: [ActionName, Record<string, unknown>] = [
  'admit',
  { startDate: '2025-10-06', durationMonths: 6 },
];
const start: [ActionName, Record<string, unknown>] = ['confirm-start', { startDate: '2025-10-06' }];
/** One journey in each active status; `follow_up` with both milestones due. */
const FIXTURES: Record<string, () => JourneyState> = {
  referred: () => play([]),
  in_review: () => play([['take-in-review', {}]]),
  waitlisted: () => play([['waitlist', {}]]),
  admitted: () => play([admit]),
  in_training: () => play([admit, start]),
  suspended: () => play([admit, start, ['suspend', { reason: 'health', from: '2026-01-05' }]]),
  follow_up: () =>
    play(
      [admit, start, ['record-completion', { date: '2025-12-01', certified: true }]],
      new Date('2026-06-15'),
    ),
};

const codes = [
  ...REFUSAL_REASONS.codes,
  ...WITHDRAWAL_REASONS.codes,
  ...SUSPENSION_REASONS.codes,
  ...DROPOUT_REASONS.codes,
  ...FOLLOW_UP_OUTCOMES.codes,
];
/** Each action's own reason codes: a code of another list is refused, and is drawn too (`codes`). */
const REASONS: Partial<Record<ActionName, readonly string[]>> = {
  refuse: REFUSAL_REASONS.codes,
  withdraw: WITHDRAWAL_REASONS.codes,
  suspend: SUSPENSION_REASONS.codes,
  'record-dropout': DROPOUT_REASONS.codes,
};
const DAY = 86_400_000;
const dayAfter = (from: Date, days: number) =>
  new Date(from.getTime() + days * DAY).toISOString().slice(0, 10);
/**
 * Days around now, where the date rules let most values through, and days
 * of the fixtures' training (from its start, 2025-10-06, to now), which a
 * suspension needs: drawn from the wide range alone, one was accepted about
 * once in 10,000 runs, and the test failed whenever none was.
 */
const recentDay = fc.oneof(
  fc.integer({ min: -400, max: 800 }).map((d) => dayAfter(NOW, d)),
  fc.integer({ min: 0, max: 252 }).map((d) => dayAfter(new Date('2025-10-06T00:00:00Z'), d)),
);
const anyDateTime = fc
  .date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString());
const junk = fc.oneof(
  dateString,
  anyDateTime,
  fc.constantFrom(...codes, '3m', '6m', FABRIQUE2, 'fabrique-2', 'a\u0000b', '\ud800', ' ', ''),
  fc.integer({ min: -5, max: 40 }),
  fc.boolean(),
  junkValue,
);

/** A value for a field: mostly of the field's kind (so that many actions pass), sometimes junk. */
function valueFor(action: ActionName, field: string): fc.Arbitrary<unknown> {
  const typed: fc.Arbitrary<unknown> =
    field === 'interviewAt'
      ? fc.oneof(
          recentDay.map((d) => `${d}T09:30:00.000Z`),
          anyDateTime,
        )
      : /date|from|start|end/i.test(field)
        ? fc.oneof({ weight: 3, arbitrary: recentDay }, { weight: 1, arbitrary: dateString })
        : field === 'reason'
          ? fc.oneof(fc.constantFrom(...(REASONS[action] ?? codes)), fc.constantFrom(...codes))
          : field === 'outcome'
            ? fc.constantFrom(...FOLLOW_UP_OUTCOMES.codes)
            : field === 'milestone'
              ? fc.constantFrom('3m', '6m')
              : field === 'durationMonths'
                ? fc.integer({ min: 0, max: 30 })
                : field === 'certified' || field === 'shareWithLearner'
                  ? fc.boolean()
                  : field === 'toFabriqueId'
                    ? fc.constantFrom(FABRIQUE, FABRIQUE2, 'fabrique-2')
                    : junk;
  return fc.oneof({ weight: 4, arbitrary: typed }, { weight: 1, arbitrary: junk });
}

const attempt = fc.constantFrom(...ACTIONS).chain((action) => {
  const fields = Object.keys(ACTION_BODIES[action].shape);
  const rule = TRANSITIONS[action];
  const from = rule.from.filter((st) => st in FIXTURES);
  const own = actors.slice(0, 3).filter((a) => (rule.who as readonly string[]).includes(a.type));
  return fc.record({
    action: fc.constant(action),
    // Mostly where and by whom the table allows it, so that the payload is what decides.
    status: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...(from.length ? from : Object.keys(FIXTURES))) },
      { weight: 1, arbitrary: fc.constantFrom(...Object.keys(FIXTURES)) },
    ),
    actor: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...(own.length ? own : actors)) },
      { weight: 1, arbitrary: fc.constantFrom(...actors) },
    ),
    payload: fc
      .tuple(fc.subarray(fields), fc.dictionary(fc.string({ maxLength: 8 }), junk, { maxKeys: 1 }))
      .chain(([chosen, extra]) =>
        fc.tuple(...chosen.map((f) => valueFor(action, f))).map((values) => ({
          ...extra,
          ...Object.fromEntries(chosen.map((f, i) => [f, values[i]])),
        })),
      ),
  });
});

/** Every string in a value, however deep. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

test('a refusal is always an ActionRefused; what is accepted leaves only storable dates and text', () => {
  let accepted = 0;
  const acceptedActions = new Set<string>();
  fc.assert(
    fc.property(attempt, ({ action, status, actor, payload }) => {
      const state = (FIXTURES[status] as () => JourneyState)();
      const req = { actor, payload } as ActionRequest;
      try {
        checkAction(state, action, req, NOW, DEFAULT_POLICY);
      } catch (err) {
        if (err instanceof ActionRefused) return;
        throw err;
      }
      accepted++;
      acceptedActions.add(action);
      applyAction(state, action, req, NOW, DEFAULT_POLICY);
      for (const s of strings(JSON.parse(JSON.stringify(state)))) {
        expect(s.includes('\u0000')).toBe(false);
        const day = /^(\d{4})-\d{2}-\d{2}/.exec(s)?.[0];
        if (day) expect([s, day >= DATE_RANGE.earliest && day <= DATE_RANGE.latest]).toEqual([s, true]);
      }
    }),
    { numRuns: 10_000 },
  );
  // The payloads were good enough to get through, for most actions.
  expect(accepted).toBeGreaterThan(1_000);
  expect([...acceptedActions].sort()).toEqual([...ACTIONS].sort());
});
