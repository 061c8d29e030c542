// Which timer comes next, computed from the journey's state and its policy.
// Each timer has a key that says what it is for; a fired key never fires
// again, and a state change (a transfer, a new planned end) makes new keys.
import type { JourneyState } from './journey-state';
import { atMidnight } from './dates';
import { MILESTONES, type Milestone, type TimingPolicy } from './policy';
import { addDuration } from './dates';

/** Every kind of timer a journey waits on, each named after what it is for. */
export const TIMER_KINDS = [
  'decision-reminder',
  'decision-escalation',
  'decision-expiry',
  'waitlist-expiry',
  'interview-reminder',
  'start-reminder',
  'start-escalation',
  'end-reminder',
  'follow-up-survey',
  'follow-up-reminder',
  'follow-up-collect',
  'follow-up-give-up',
] as const;
export type TimerKind = (typeof TIMER_KINDS)[number];

export interface Timer {
  key: string;
  kind: TimerKind;
  at: Date;
  milestone?: Milestone;
}

function later(a: Date, b: Date): Date {
  return a.getTime() >= b.getTime() ? a : b;
}

/** Every timer the journey is waiting on now, fired or not. */
export function pendingTimers(state: JourneyState, policy: TimingPolicy, now: Date): Timer[] {
  const timers: Timer[] = [];
  const add = (kind: TimerKind, key: string, at: Date, milestone?: Milestone) => {
    if (!state.fired.includes(key)) timers.push({ kind, key, at, milestone });
  };
  switch (state.status) {
    case 'referred':
    case 'in_review': {
      const from = new Date(state.decisionClockFrom);
      const anchor = state.decisionClockFrom;
      policy.decisionReminders.forEach((d, i) =>
        add('decision-reminder', `decision-reminder:${i}:${anchor}`, addDuration(from, d)),
      );
      add(
        'decision-escalation',
        `decision-escalation:${anchor}`,
        addDuration(from, policy.decisionEscalation),
      );
      add('decision-expiry', `decision-expiry:${anchor}`, addDuration(from, policy.decisionExpiry));
      if (state.status === 'in_review' && state.interviewAt) {
        const interview = new Date(state.interviewAt);
        // An interview already past needs no reminder.
        if (interview.getTime() > now.getTime()) {
          add(
            'interview-reminder',
            `interview-reminder:${state.interviewAt}`,
            addDuration(interview, policy.interviewReminder, -1),
          );
        }
      }
      break;
    }
    case 'waitlisted': {
      const from = new Date(state.waitlistedAt ?? state.decisionClockFrom);
      add(
        'waitlist-expiry',
        `waitlist-expiry:${from.toISOString()}`,
        addDuration(from, policy.waitlistExpiry),
      );
      break;
    }
    case 'admitted': {
      // A start date already past at admission (late entry) counts from the admission.
      const anchor = later(
        atMidnight(state.plannedStartDate ?? state.referredAt.slice(0, 10)),
        new Date(state.admittedAt ?? now),
      );
      const tag = anchor.toISOString();
      add('start-reminder', `start-reminder:${tag}`, addDuration(anchor, policy.startGrace));
      add('start-escalation', `start-escalation:${tag}`, addDuration(anchor, policy.startEscalation));
      break;
    }
    case 'in_training': {
      if (!state.plannedEndDate) break;
      const anchor = later(atMidnight(state.plannedEndDate), new Date(state.plannedEndSetAt ?? now));
      // Repeats until the fabrique records the exit: the next one after those fired.
      let at = addDuration(anchor, policy.endReminderEvery);
      for (let k = 1; ; k++) {
        const key = `end-reminder:${state.plannedEndDate}:${k}`;
        if (!state.fired.includes(key)) {
          add('end-reminder', key, at);
          break;
        }
        at = addDuration(at, policy.endReminderEvery);
      }
      break;
    }
    case 'follow_up': {
      if (!state.exit) break;
      for (const m of MILESTONES) {
        const fu = state.followUps[m];
        if (!fu) continue;
        if (fu.status === 'pending') {
          const at = later(new Date(fu.dueAt), new Date(state.exit.recordedAt));
          add('follow-up-survey', `follow-up-survey:${m}`, at, m);
        } else if (fu.status === 'sent' && fu.surveySentAt) {
          const sent = new Date(fu.surveySentAt);
          add('follow-up-reminder', `follow-up-reminder:${m}`, addDuration(sent, policy.followUpReminder), m);
          add('follow-up-collect', `follow-up-collect:${m}`, addDuration(sent, policy.followUpCollect), m);
          add('follow-up-give-up', `follow-up-give-up:${m}`, addDuration(sent, policy.followUpGiveUp), m);
        }
      }
      break;
    }
    default:
      break;
  }
  return timers.sort((a, b) => a.at.getTime() - b.at.getTime() || a.key.localeCompare(b.key));
}

/** The next timer to fire, or undefined when the journey waits on people only. */
export function nextTimer(state: JourneyState, policy: TimingPolicy, now: Date): Timer | undefined {
  return pendingTimers(state, policy, now)[0];
}
