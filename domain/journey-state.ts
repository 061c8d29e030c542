// The journey as data: what the workflow keeps, what a client sees, and the
// state a new journey starts in. journey-checks.ts says which actions are
// allowed; journey-changes.ts is the one place the state changes.
import type { FollowUpOutcome } from './codes';
import type { DateOnly, Instant } from './dates';
import type { TimerKind } from './deadlines';
import type { PendingEmail } from './notifications';
import type { Milestone, TimingPolicy } from './policy';
import type { ActionName, Actor, Status } from './transitions';

export type FollowUpStatus = 'pending' | 'sent' | 'answered' | 'unknown';

export interface FollowUpState {
  /** The date the milestone falls due: exit date plus the offset, in calendar months. */
  dueAt: Instant;
  status: FollowUpStatus;
  surveySentAt?: Instant;
  outcome?: FollowUpOutcome;
  answeredBy?: Actor['type'];
}

export interface Exit {
  kind: 'completed' | 'dropped_out';
  date: DateOnly;
  certified?: boolean;
  reason?: string;
  recordedAt: Instant;
}

export interface JourneyInput {
  journeyId: string;
  learnerId: string;
  agencyId: string;
  fabriqueId: string;
  referredAt: Instant;
  policy: TimingPolicy;
  /** The agency's API key or member who referred, recorded on the `refer` entry. */
  referredBy?: Pick<Actor, 'keyId' | 'memberId'>;
  /**
   * History events one workflow run holds before the journey continues as a
   * new run (default: when Temporal suggests it, or at 10,000).
   */
  historyLimit?: number;
  /** Set when the journey continues from an earlier run of its workflow. */
  carried?: CarriedJourney;
  /**
   * The revision of the workflow code the journey was started for
   * (JOURNEY_REVISION). A journey without one asks `patched()` at each
   * change made since it could have started.
   */
  revision?: number;
}

/**
 * The workflow code revision new journeys start under. Revision 1 runs
 * every change that a patch guards (`refer-before-handlers`,
 * `retention-after-close`, `continue-as-new`) without asking `patched()`:
 * each patch leaves a marker in the history and an upsert of Temporal's
 * TemporalChangeVersion search attribute, that is a write of the journey's
 * visibility row (74 indexes on the PostgreSQL server), where a journey
 * started with this revision knows already which code it runs.
 * A change to logic that running journeys execute still takes a patch:
 * revisions only spare new journeys the patches that came before them.
 */
export const JOURNEY_REVISION = 1;

/** What a journey's workflow run hands to the next one when it continues as new. */
export interface CarriedJourney {
  state: JourneyState;
  /**
   * The IDs of the last Updates applied (a retry under an Idempotency-Key
   * comes back with the same ID), so that a retry is not applied twice.
   */
  keyedUpdates: string[];
  /** How many runs came before this one. */
  runs: number;
  /** Emails recorded events called for and not yet sent: the new run sends them. */
  outbox: PendingEmail[];
}

export interface JourneyState {
  journeyId: string;
  learnerId: string;
  agencyId: string;
  fabriqueId: string;
  status: Status;
  /** Sequence number of the last event (action or timer). */
  seq: number;
  referredAt: Instant;
  /** When the decision clock started: the referral, or the last transfer. */
  decisionClockFrom: Instant;
  interviewAt?: Instant;
  waitlistedAt?: Instant;
  decidedAt?: Instant;
  admittedAt?: Instant;
  plannedStartDate?: DateOnly;
  durationMonths?: number;
  startDate?: DateOnly;
  plannedEndDate?: DateOnly;
  plannedEndSetAt?: Instant;
  suspendedFrom?: DateOnly;
  suspendedDays: number;
  exit?: Exit;
  followUps: Partial<Record<Milestone, FollowUpState>>;
  closedAt?: Instant;
  /** Why the journey ended: refusal, withdrawal or closing reason code. */
  endReason?: string;
  /** Timer keys already fired, so each reminder goes once. */
  fired: string[];
  /** The day training last resumed: a new suspension starts no earlier. */
  resumedOn?: DateOnly;
  /** How many times each action was taken; absent on journeys older than the bound. */
  actionCounts?: Partial<Record<ActionName, number>>;
}

export function initialState(input: JourneyInput): JourneyState {
  return {
    journeyId: input.journeyId,
    learnerId: input.learnerId,
    agencyId: input.agencyId,
    fabriqueId: input.fabriqueId,
    status: 'referred',
    seq: 0,
    referredAt: input.referredAt,
    decisionClockFrom: input.referredAt,
    suspendedDays: 0,
    followUps: {},
    fired: [],
  };
}

/** What an event changed, as codes and dates for the timeline. */
export type EventDetails = Record<string, string | number | boolean | null>;

export interface Deadline {
  at: Instant;
  kind: TimerKind;
}

/** The state a client sees: codes and dates, never personal data. */
export interface JourneyView extends JourneyState {
  nextDeadline: Deadline | null;
}

/**
 * What the journal needs of the journey as it stands after an event: the
 * read model's columns, the follow-ups, and who may see the journey
 * (webhooks). Each journal write carries it through Temporal, so it leaves
 * out what only the workflow uses (the timers fired, the action counts, the
 * decision clock…).
 */
const JOURNAL_FIELDS = [
  'status',
  'agencyId',
  'fabriqueId',
  'interviewAt',
  'decidedAt',
  'plannedStartDate',
  'durationMonths',
  'startDate',
  'plannedEndDate',
  'suspendedFrom',
  'exit',
  'endReason',
  'closedAt',
  'nextDeadline',
  'followUps',
] as const satisfies readonly (keyof JourneyView)[];

export type JournalView = Pick<JourneyView, (typeof JOURNAL_FIELDS)[number]>;

/** The journal's part of a view (fields the view leaves out stay out). */
export function journalView(view: JourneyView): JournalView {
  const picked: Partial<Record<keyof JournalView, unknown>> = {};
  for (const field of JOURNAL_FIELDS) if (view[field] !== undefined) picked[field] = view[field];
  return picked as JournalView;
}

/**
 * What an action's Update answers: the number of the event it recorded and
 * the status it led to (for a retry of an action an earlier run applied, the
 * journey's last event and status now). The whole journey is the API's to
 * read, with its people, from the read model.
 */
export interface ActionOutcome {
  status: Status;
  seq: number;
}
