// The journey's status machine as data: the single source of truth for what
// may happen, used by the workflow's Update validators and by the API's
// `allowedActions`. No imports from Node or Temporal.

/** Journey statuses. */
export const STATUSES = [
  /** Referred by an agency, waiting for the fabrique. */
  'referred',
  /** The fabrique is reviewing the referral (interview…). */
  'in_review',
  /** Accepted in principle, no seat yet. */
  'waitlisted',
  /** Admitted, training not started yet. */
  'admitted',
  /** Training under way. */
  'in_training',
  /** Training paused. */
  'suspended',
  /** Left the training (completed or dropped out); follow-ups under way. */
  'follow_up',
  /** Terminal: the fabrique refused the referral. */
  'refused',
  /** Terminal: withdrawn by the agency or the fabrique, or no-show. */
  'withdrawn',
  /** Terminal: nobody decided in time. */
  'expired',
  /** Terminal: follow-ups resolved, or closed by a manager. */
  'closed',
] as const;
export type Status = (typeof STATUSES)[number];

export const TERMINAL_STATUSES: readonly Status[] = ['refused', 'withdrawn', 'expired', 'closed'];
export const ACTIVE_STATUSES: readonly Status[] = STATUSES.filter((s) => !TERMINAL_STATUSES.includes(s));

export function isTerminal(status: Status): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/** Who acts. `learner` acts only through a follow-up link; `system` is a timer. */
export type Role = 'agency' | 'fabrique' | 'manager' | 'learner';
export type ActorType = Role | 'system';

export interface Actor {
  type: ActorType;
  /** The organisation acting; absent for the learner and for timers. */
  orgId?: string;
  /** The organisation's API key that acted, if it was a key. */
  keyId?: string;
  /** The organisation's member who acted in the web app, if it was a person. */
  memberId?: string;
}

export const ACTIONS = [
  'take-in-review',
  'waitlist',
  'admit',
  'refuse',
  'withdraw',
  'confirm-start',
  'report-no-show',
  'suspend',
  'resume',
  'extend',
  'record-dropout',
  'record-completion',
  'record-follow-up',
  'transfer',
  'close',
] as const;
export type ActionName = (typeof ACTIONS)[number];

/** `unchanged` keeps the status; `follow_up_or_closed` closes after the last milestone. */
export type Target = Status | 'unchanged' | 'follow_up_or_closed';

export interface TransitionRule {
  readonly from: readonly Status[];
  readonly to: Target;
  readonly who: readonly Role[];
}

const BEFORE_DECISION = ['referred', 'in_review'] as const;
const UNDECIDED = ['referred', 'in_review', 'waitlisted'] as const;

export const TRANSITIONS: Readonly<Record<ActionName, TransitionRule>> = {
  'take-in-review': { from: ['referred'], to: 'in_review', who: ['fabrique'] },
  waitlist: { from: BEFORE_DECISION, to: 'waitlisted', who: ['fabrique'] },
  admit: { from: UNDECIDED, to: 'admitted', who: ['fabrique'] },
  refuse: { from: UNDECIDED, to: 'refused', who: ['fabrique'] },
  // The agency may withdraw its own referral until training starts; after
  // that, leaving is a dropout, which only the fabrique records.
  withdraw: { from: [...UNDECIDED, 'admitted'], to: 'withdrawn', who: ['agency', 'fabrique'] },
  'confirm-start': { from: ['admitted'], to: 'in_training', who: ['fabrique'] },
  'report-no-show': { from: ['admitted'], to: 'withdrawn', who: ['fabrique'] },
  suspend: { from: ['in_training'], to: 'suspended', who: ['fabrique'] },
  resume: { from: ['suspended'], to: 'in_training', who: ['fabrique'] },
  extend: { from: ['in_training', 'suspended'], to: 'unchanged', who: ['fabrique'] },
  'record-dropout': { from: ['in_training', 'suspended'], to: 'follow_up', who: ['fabrique'] },
  // A completion from `suspended` would skip the resume date; resume first.
  'record-completion': { from: ['in_training'], to: 'follow_up', who: ['fabrique'] },
  // The learner answers through the personal link; the fabrique or the agency
  // may record what they collected by phone.
  'record-follow-up': {
    from: ['follow_up'],
    to: 'follow_up_or_closed',
    who: ['fabrique', 'agency', 'learner'],
  },
  // Only before a decision: once admitted, the learner belongs to that fabrique.
  transfer: { from: UNDECIDED, to: 'referred', who: ['manager'] },
  close: { from: ACTIVE_STATUSES, to: 'closed', who: ['manager'] },
};

/**
 * How many times one journey may take one action. Judgement call: far more
 * than any real path needs (twenty suspensions, twenty transfers), and a
 * bound on how much one caller can make a journey carry: its history, its
 * emails, and Temporal's limit of 2,000 Updates per workflow run.
 */
export const MAX_TIMES_PER_ACTION = 20;

export function isAction(name: string): name is ActionName {
  return (ACTIONS as readonly string[]).includes(name);
}

/** Why an action is refused, in the caller's terms; null when the table allows it. */
export type Refusal = { kind: 'status' | 'role'; message: string };

export function checkTransition(action: ActionName, status: Status, role: ActorType): Refusal | null {
  const rule = TRANSITIONS[action];
  if (role === 'system') return null;
  if (!rule.who.includes(role)) {
    return { kind: 'role', message: `a ${role} may not ${action}; only ${rule.who.join(' or ')}` };
  }
  if (!rule.from.includes(status)) {
    return {
      kind: 'status',
      message: `${action} is not allowed from status ${status} (allowed from ${rule.from.join(', ')})`,
    };
  }
  return null;
}

/** The actions a caller of this role may take on a journey in this status. */
export function allowedActions(status: Status, role: Role): ActionName[] {
  return ACTIONS.filter((a) => checkTransition(a, status, role) === null);
}
