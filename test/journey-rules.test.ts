// The rules of the journey as pure functions: the transition table, who may
// act, and the date rules of each action (late entry, nothing in the future,
// no completion before the start, no follow-up before it is due, at most 24
// months of training suspensions excluded). No Temporal, no database.
import { REFUSAL_TYPES, type ActionRequest } from '../domain/actions';
import { initialState, type JourneyState } from '../domain/journey-state';
import { ActionRefused, checkAction } from '../domain/journey-checks';
import { applyAction } from '../domain/journey-changes';
import { DEFAULT_POLICY, resolvePolicy, type TimingPolicy } from '../domain/policy';
import {
  ACTIONS,
  ACTIVE_STATUSES,
  TERMINAL_STATUSES,
  TRANSITIONS,
  allowedActions,
  type ActionName,
  type Actor,
} from '../domain/transitions';

const NOW = new Date('2026-06-15T10:00:00.000Z');
const AGENCY = 'agency-1';
// Organisation ids are uuids, as in the database.
const FABRIQUE = '00000000-0000-4000-8000-0000000fab01';
const FABRIQUE2 = '00000000-0000-4000-8000-0000000fab02';
const agency: Actor = { type: 'agency', orgId: AGENCY };
const fabrique: Actor = { type: 'fabrique', orgId: FABRIQUE };
const manager: Actor = { type: 'manager', orgId: 'manager-1' };

type Payload = Record<string, unknown>;

function referred(
  referredAt = '2026-01-02T09:00:00.000Z',
  policy: TimingPolicy = DEFAULT_POLICY,
): JourneyState {
  return initialState({
    journeyId: 'journey-1',
    learnerId: 'learner-1',
    agencyId: AGENCY,
    fabriqueId: FABRIQUE,
    referredAt,
    policy,
  });
}

const request = (actor: Actor, payload: Payload = {}): ActionRequest => ({
  actor,
  payload: payload as ActionRequest['payload'],
});

/** Checks then applies each step, as the workflow does; throws on a refusal. */
function play(
  state: JourneyState,
  steps: [ActionName, Actor, Payload][],
  now = NOW,
  policy = DEFAULT_POLICY,
): JourneyState {
  for (const [action, actor, payload] of steps) {
    checkAction(state, action, request(actor, payload), now, policy);
    applyAction(state, action, request(actor, payload), now, policy);
  }
  return state;
}

/** The refusal of an action, or null when it is allowed. */
function refusal(
  state: JourneyState,
  action: ActionName,
  actor: Actor,
  payload: Payload = {},
  now = NOW,
  policy = DEFAULT_POLICY,
): { type: string; field?: string; message: string } | null {
  try {
    checkAction(state, action, request(actor, payload), now, policy);
    return null;
  } catch (err) {
    if (!(err instanceof ActionRefused)) throw err;
    return { type: err.type, field: err.field, message: err.message };
  }
}

const invalid = (field: string) => expect.objectContaining({ type: REFUSAL_TYPES.invalid, field });

/** Admitted on 2026-01-05 for `months` months, started that day. */
function inTraining(months = 6): JourneyState {
  return play(referred(), [
    ['admit', fabrique, { startDate: '2026-01-05', durationMonths: months }],
    ['confirm-start', fabrique, { startDate: '2026-01-05' }],
  ]);
}

describe('the transition table', () => {
  test('reads as the table of DESIGN.md, row by row', () => {
    const undecided = ['referred', 'in_review', 'waitlisted'];
    // Written out, not taken from the code: "close: from any active status".
    const active = [...undecided, 'admitted', 'in_training', 'suspended', 'follow_up'];
    expect(TRANSITIONS).toEqual({
      'take-in-review': { from: ['referred'], to: 'in_review', who: ['fabrique'] },
      waitlist: { from: ['referred', 'in_review'], to: 'waitlisted', who: ['fabrique'] },
      admit: { from: undecided, to: 'admitted', who: ['fabrique'] },
      refuse: { from: undecided, to: 'refused', who: ['fabrique'] },
      withdraw: { from: [...undecided, 'admitted'], to: 'withdrawn', who: ['agency', 'fabrique'] },
      'confirm-start': { from: ['admitted'], to: 'in_training', who: ['fabrique'] },
      'report-no-show': { from: ['admitted'], to: 'withdrawn', who: ['fabrique'] },
      suspend: { from: ['in_training'], to: 'suspended', who: ['fabrique'] },
      resume: { from: ['suspended'], to: 'in_training', who: ['fabrique'] },
      extend: { from: ['in_training', 'suspended'], to: 'unchanged', who: ['fabrique'] },
      'record-dropout': { from: ['in_training', 'suspended'], to: 'follow_up', who: ['fabrique'] },
      'record-completion': { from: ['in_training'], to: 'follow_up', who: ['fabrique'] },
      'record-follow-up': {
        from: ['follow_up'],
        to: 'follow_up_or_closed',
        who: ['fabrique', 'agency', 'learner'],
      },
      transfer: { from: undecided, to: 'referred', who: ['manager'] },
      close: { from: active, to: 'closed', who: ['manager'] },
    });
    expect(ACTIVE_STATUSES).toEqual(active);
    expect(TERMINAL_STATUSES).toEqual(['refused', 'withdrawn', 'expired', 'closed']);
  });

  test('a manager may close any active journey; nobody may act on an ended one', () => {
    for (const status of ACTIVE_STATUSES) expect(allowedActions(status, 'manager')).toContain('close');
    for (const status of TERMINAL_STATUSES) {
      for (const role of ['agency', 'fabrique', 'manager', 'learner'] as const) {
        expect(allowedActions(status, role)).toEqual([]);
      }
    }
  });

  test('every action of the table is reachable by some role from some status', () => {
    const reachable = new Set(
      ACTIVE_STATUSES.flatMap((s) =>
        (['agency', 'fabrique', 'manager', 'learner'] as const).flatMap((r) => allowedActions(s, r)),
      ),
    );
    expect([...reachable].sort()).toEqual([...ACTIONS].sort());
  });
});

describe('who may act', () => {
  test('a role the table does not name is refused as forbidden, before the status is looked at', () => {
    expect(refusal(inTraining(), 'admit', agency, {})).toMatchObject({ type: REFUSAL_TYPES.forbidden });
  });

  test('another agency or another fabrique is refused as forbidden', () => {
    const state = referred();
    expect(
      refusal(state, 'withdraw', { type: 'agency', orgId: 'agency-2' }, { reason: 'moved' }),
    ).toMatchObject({
      type: REFUSAL_TYPES.forbidden,
    });
    expect(refusal(state, 'take-in-review', { type: 'fabrique', orgId: FABRIQUE2 })).toMatchObject({
      type: REFUSAL_TYPES.forbidden,
    });
  });

  test('the right role from the wrong status is refused as not allowed from this status', () => {
    expect(refusal(referred(), 'confirm-start', fabrique, { startDate: '2026-06-01' })).toMatchObject({
      type: REFUSAL_TYPES.status,
      message: expect.stringMatching(/from status referred/),
    });
  });

  test('checking an action never changes the journey', () => {
    const state = inTraining();
    const before = JSON.stringify(state);
    refusal(state, 'record-completion', fabrique, { date: '2026-01-04', certified: true });
    refusal(state, 'record-completion', fabrique, { date: '2026-06-01', certified: true });
    refusal(state, 'admit', fabrique, { startDate: '2026-07-01', durationMonths: 6 });
    expect(JSON.stringify(state)).toBe(before);
  });
});

describe('dates of things that happened', () => {
  test('a start cannot be confirmed in the future, today is fine', () => {
    const admitted = play(referred(), [['admit', fabrique, { startDate: '2026-06-20', durationMonths: 6 }]]);
    expect(refusal(admitted, 'confirm-start', fabrique, { startDate: '2026-06-16' })).toEqual(
      invalid('startDate'),
    );
    expect(refusal(admitted, 'confirm-start', fabrique, { startDate: '2026-06-15' })).toBeNull();
  });

  test('late entry goes back 12 months by default, no further', () => {
    const state = play(referred('2025-06-01T09:00:00.000Z'), [
      ['admit', fabrique, { startDate: '2025-06-15', durationMonths: 6 }],
    ]);
    expect(refusal(state, 'confirm-start', fabrique, { startDate: '2025-06-15' })).toBeNull();
    expect(refusal(state, 'confirm-start', fabrique, { startDate: '2025-06-14' })).toEqual(
      invalid('startDate'),
    );
  });

  test('the late-entry limit comes from the policy', () => {
    const policy = resolvePolicy({ backdateLimit: 'P1M' });
    const state = play(referred('2026-04-01T09:00:00.000Z', policy), [
      ['admit', fabrique, { startDate: '2026-05-15', durationMonths: 6 }],
    ]);
    expect(refusal(state, 'confirm-start', fabrique, { startDate: '2026-05-15' }, NOW, policy)).toBeNull();
    expect(refusal(state, 'confirm-start', fabrique, { startDate: '2026-05-14' }, NOW, policy)).toEqual(
      invalid('startDate'),
    );
  });

  test('a completion before the start is refused; on the start day or later it is accepted', () => {
    const state = inTraining();
    expect(refusal(state, 'record-completion', fabrique, { date: '2026-01-04', certified: true })).toEqual(
      invalid('date'),
    );
    expect(refusal(state, 'record-completion', fabrique, { date: '2026-01-05', certified: true })).toBeNull();
    expect(refusal(state, 'record-completion', fabrique, { date: '2026-06-16', certified: true })).toEqual(
      invalid('date'),
    );
  });

  test('a dropout or a suspension before the start is refused', () => {
    const state = inTraining();
    expect(refusal(state, 'record-dropout', fabrique, { date: '2026-01-04', reason: 'health' })).toEqual(
      invalid('date'),
    );
    expect(refusal(state, 'suspend', fabrique, { from: '2026-01-04', reason: 'health' })).toEqual(
      invalid('from'),
    );
  });

  test('a date that does not exist is refused', () => {
    expect(refusal(inTraining(), 'suspend', fabrique, { from: '2026-02-30', reason: 'health' })).toEqual(
      invalid('from'),
    );
  });
});

describe('admission', () => {
  test('the duration runs from 3 to 24 months', () => {
    const state = referred();
    const admit = (months: number) =>
      refusal(state, 'admit', fabrique, { startDate: '2026-07-01', durationMonths: months });
    expect(admit(2)).toEqual(invalid('durationMonths'));
    expect(admit(3)).toBeNull();
    expect(admit(24)).toBeNull();
    expect(admit(25)).toEqual(invalid('durationMonths'));
  });

  test('the planned end is in calendar months: 30 November plus 3 months is 28 February', () => {
    const state = play(referred(), [['admit', fabrique, { startDate: '2026-11-30', durationMonths: 3 }]]);
    expect(state.plannedEndDate).toBe('2027-02-28');
  });

  test('a planned start more than two years ahead is refused', () => {
    expect(refusal(referred(), 'admit', fabrique, { startDate: '2028-06-16', durationMonths: 6 })).toEqual(
      invalid('startDate'),
    );
  });
});

describe('suspension and extension', () => {
  test('resuming moves the planned end by the days suspended', () => {
    const state = play(inTraining(6), [
      ['suspend', fabrique, { from: '2026-03-01', reason: 'health' }],
      ['resume', fabrique, { date: '2026-03-15' }],
    ]);
    expect(state.status).toBe('in_training');
    expect(state.suspendedDays).toBe(14);
    expect(state.plannedEndDate).toBe('2026-07-19');
  });

  test('resuming before the suspension began is refused', () => {
    const state = play(inTraining(), [['suspend', fabrique, { from: '2026-03-01', reason: 'health' }]]);
    expect(refusal(state, 'resume', fabrique, { date: '2026-02-28' })).toEqual(invalid('date'));
  });

  test('training time may reach 24 months from the start, not a day more', () => {
    const state = inTraining();
    const extend = (end: string) => refusal(state, 'extend', fabrique, { plannedEndDate: end, reason: 'x' });
    expect(extend('2028-01-05')).toBeNull();
    expect(extend('2028-01-06')).toMatchObject({
      type: REFUSAL_TYPES.invalid,
      field: 'plannedEndDate',
      message: expect.stringMatching(/24 months/),
    });
  });

  test('the 24 months exclude past suspensions and the one under way', () => {
    // 14 days suspended in March, and suspended again since 1 June (14 days by NOW).
    const state = play(inTraining(), [
      ['suspend', fabrique, { from: '2026-03-01', reason: 'health' }],
      ['resume', fabrique, { date: '2026-03-15' }],
      ['suspend', fabrique, { from: '2026-06-01', reason: 'family' }],
    ]);
    const extend = (end: string) => refusal(state, 'extend', fabrique, { plannedEndDate: end, reason: 'x' });
    expect(extend('2028-02-02')).toBeNull();
    expect(extend('2028-02-03')).toEqual(invalid('plannedEndDate'));
  });

  test('an extension must end after the current planned end', () => {
    const state = inTraining(6);
    expect(refusal(state, 'extend', fabrique, { plannedEndDate: '2026-07-05', reason: 'x' })).toEqual(
      invalid('plannedEndDate'),
    );
  });
});

describe('follow-up', () => {
  /** Left the training on 2026-01-20; NOW is after the 3m milestone, before the 6m one. */
  function leftInJanuary(): JourneyState {
    return play(
      inTraining(),
      [['record-completion', fabrique, { date: '2026-01-20', certified: true }]],
      new Date('2026-01-20T12:00:00.000Z'),
    );
  }

  test('milestones fall due 3 and 6 calendar months after the exit date', () => {
    const state = leftInJanuary();
    expect(state.status).toBe('follow_up');
    expect(state.followUps['3m']?.dueAt).toBe('2026-04-20T00:00:00.000Z');
    expect(state.followUps['6m']?.dueAt).toBe('2026-07-20T00:00:00.000Z');
  });

  test('an outcome for a milestone not yet due is refused; a due one is recorded', () => {
    const state = leftInJanuary();
    expect(refusal(state, 'record-follow-up', agency, { milestone: '6m', outcome: 'cdi' })).toEqual(
      invalid('milestone'),
    );
    expect(refusal(state, 'record-follow-up', agency, { milestone: '3m', outcome: 'cdi' })).toBeNull();
  });

  test('a contract start outside 1900 to 2199 is refused (PostgreSQL has no year 0); the bounds are taken', () => {
    const state = leftInJanuary();
    const answer = (contractStart: string) =>
      refusal(state, 'record-follow-up', agency, { milestone: '3m', outcome: 'cdi', contractStart });
    expect(answer('0000-01-01')).toEqual(invalid('contractStart'));
    expect(answer('1899-12-31')).toEqual(invalid('contractStart'));
    expect(answer('2200-01-01')).toEqual(invalid('contractStart'));
    expect(answer('1900-01-01')).toBeNull();
    expect(answer('2199-12-31')).toBeNull();
  });

  test('a milestone answered once is refused the second time', () => {
    const state = play(leftInJanuary(), [
      ['record-follow-up', fabrique, { milestone: '3m', outcome: 'cdi' }],
    ]);
    expect(state.followUps['3m']).toMatchObject({
      status: 'answered',
      outcome: 'cdi',
      answeredBy: 'fabrique',
    });
    expect(refusal(state, 'record-follow-up', agency, { milestone: '3m', outcome: 'interim' })).toMatchObject(
      {
        type: REFUSAL_TYPES.status,
      },
    );
  });

  test('answering the last milestone closes the journey', () => {
    const state = play(
      leftInJanuary(),
      [
        ['record-follow-up', fabrique, { milestone: '3m', outcome: 'cdi' }],
        ['record-follow-up', agency, { milestone: '6m', outcome: 'training' }],
      ],
      new Date('2026-07-21T10:00:00.000Z'),
    );
    expect(state.status).toBe('closed');
    expect(state.endReason).toBe('follow_up_complete');
  });

  test('an unknown outcome code is refused', () => {
    expect(
      refusal(leftInJanuary(), 'record-follow-up', agency, { milestone: '3m', outcome: 'rich' }),
    ).toEqual(invalid('outcome'));
  });
});

describe('transfer', () => {
  test('a transfer sends the referral back to referred at the new fabrique and restarts the decision clock', () => {
    const state = play(referred(), [
      ['take-in-review', fabrique, { interviewAt: '2026-06-20T09:00:00.000Z' }],
      ['transfer', manager, { toFabriqueId: FABRIQUE2 }],
    ]);
    expect(state).toMatchObject({
      status: 'referred',
      fabriqueId: FABRIQUE2,
      decisionClockFrom: NOW.toISOString(),
    });
    expect(state.interviewAt).toBeUndefined();
  });

  test('a transfer to the fabrique the referral is at, or to something that is no id, is refused', () => {
    expect(refusal(referred(), 'transfer', manager, { toFabriqueId: FABRIQUE })).toMatchObject({
      field: 'toFabriqueId',
      message: 'the journey is already at this fabrique',
    });
    for (const toFabriqueId of ['fabrique-2', '', 42, '2200-01-01']) {
      expect(refusal(referred(), 'transfer', manager, { toFabriqueId })).toEqual(invalid('toFabriqueId'));
    }
  });
});

describe('codes', () => {
  test('a reason must be a code of its list, as the API requires; the workflow checks again', () => {
    const cases: [ActionName, JourneyState, Payload][] = [
      ['refuse', referred(), { reason: 'no_seat', shareWithLearner: true }],
      ['withdraw', referred(), { reason: 'health' }],
      ['suspend', inTraining(), { reason: 'found_job', from: '2026-02-01' }],
      ['record-dropout', inTraining(), { reason: 'no_show', date: '2026-02-01' }],
    ];
    for (const [action, state, payload] of cases) {
      const actor = action === 'withdraw' ? agency : fabrique;
      expect([action, refusal(state, action, actor, payload)]).toEqual([action, invalid('reason')]);
    }
    expect(
      refusal(referred(), 'refuse', fabrique, { reason: 'session_full', shareWithLearner: 'yes' }),
    ).toEqual(invalid('shareWithLearner'));
    expect(
      refusal(referred(), 'refuse', fabrique, { reason: 'session_full', shareWithLearner: false }),
    ).toBeNull();
  });
});
