// The timing policy: every delay a journey waits on, as ISO 8601 durations.
// Pure module, shared by the workflow (deterministic) and the processes that
// read JOURNEY_POLICY. A journey copies the policy when it starts.

import { isDuration } from './dates';

/** A milestone of the follow-up after the learner leaves the training. */
export type Milestone = '3m' | '6m';
export const MILESTONES: readonly Milestone[] = ['3m', '6m'];

export interface TimingPolicy {
  /** Still referred / in review: remind the fabrique after each of these. */
  decisionReminders: string[];
  /** Still undecided: tell the managers. */
  decisionEscalation: string;
  /** Still undecided: the referral expires. */
  decisionExpiry: string;
  /** Waitlisted that long: the referral expires. */
  waitlistExpiry: string;
  /** This long before the interview: remind the learner. */
  interviewReminder: string;
  /** Admitted, start date passed, start not confirmed: remind the fabrique. */
  startGrace: string;
  /** Still not confirmed: tell the managers. */
  startEscalation: string;
  /** Planned end passed, still in training: remind the fabrique, repeatedly. */
  endReminderEvery: string;
  /** After the exit date: the survey goes to the learner. */
  followUpOffsets: Record<Milestone, string>;
  /** After the survey, no answer: remind the learner. */
  followUpReminder: string;
  /** After the survey, no answer: ask the fabrique (agency in copy) to collect it. */
  followUpCollect: string;
  /** After the survey, no answer: the milestone is resolved as `unknown`. */
  followUpGiveUp: string;
  /** How far in the past a recorded date may lie (late entry). */
  backdateLimit: string;
  /** Closed journeys keep personal data this long. */
  retentionAfterClose: string;
}

export const DEFAULT_POLICY: TimingPolicy = {
  decisionReminders: ['P7D', 'P14D'],
  decisionEscalation: 'P21D',
  decisionExpiry: 'P60D',
  waitlistExpiry: 'P120D',
  interviewReminder: 'P1D',
  startGrace: 'P7D',
  startEscalation: 'P30D',
  endReminderEvery: 'P14D',
  followUpOffsets: { '3m': 'P3M', '6m': 'P6M' },
  followUpReminder: 'P7D',
  followUpCollect: 'P14D',
  followUpGiveUp: 'P30D',
  backdateLimit: 'P12M',
  retentionAfterClose: 'P24M',
};

/** Merges overrides into the defaults, refusing unknown keys and bad durations. */
export function resolvePolicy(overrides: unknown, base: TimingPolicy = DEFAULT_POLICY): TimingPolicy {
  if (overrides === undefined || overrides === null) return { ...base };
  if (typeof overrides !== 'object' || Array.isArray(overrides)) {
    throw new Error('the timing policy must be a JSON object');
  }
  const result: TimingPolicy = { ...base, followUpOffsets: { ...base.followUpOffsets } };
  for (const [key, value] of Object.entries(overrides as Record<string, unknown>)) {
    if (!(key in base)) throw new Error(`unknown timing policy key "${key}"`);
    if (key === 'decisionReminders') {
      if (!Array.isArray(value) || !value.every(isDuration)) {
        throw new Error('decisionReminders must be a list of ISO 8601 durations');
      }
      result.decisionReminders = [...value];
    } else if (key === 'followUpOffsets') {
      const v = value as Record<string, unknown>;
      if (typeof v !== 'object' || v === null || !isDuration(v['3m']) || !isDuration(v['6m'])) {
        throw new Error('followUpOffsets must be {"3m": <duration>, "6m": <duration>}');
      }
      result.followUpOffsets = { '3m': v['3m'], '6m': v['6m'] };
    } else {
      if (!isDuration(value))
        throw new Error(`${key} must be an ISO 8601 duration, got ${JSON.stringify(value)}`);
      (result as unknown as Record<string, string>)[key] = value;
    }
  }
  return result;
}
