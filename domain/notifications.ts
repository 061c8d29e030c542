// Who is told of what: one template per event and recipient. The activity
// finds the addresses and the wording; the workflow only names them.
import type { EventDetails } from './journey-state';
import type { TimerKind } from './deadlines';
import type { ActionName, Actor } from './transitions';

/** Recipients, resolved to addresses by the activity from PostgreSQL. */
export type Recipient = 'learner' | 'agency' | 'fabrique' | 'previous-fabrique' | 'managers';

export const TEMPLATES = [
  'referral-received.learner',
  'referral-new.fabrique',
  'in-review.learner',
  'interview-reminder.learner',
  'waitlisted.learner',
  'waitlisted.agency',
  'admitted.learner',
  'admitted.agency',
  'refused.learner',
  'refused.agency',
  'withdrawn.learner',
  'withdrawn.agency',
  'withdrawn.fabrique',
  'no-show.agency',
  'started.learner',
  'started.agency',
  'suspended.agency',
  'resumed.agency',
  'extended.agency',
  'dropout.agency',
  'completed.learner',
  'completed.agency',
  'transferred-in.fabrique',
  'transferred-out.fabrique',
  'transferred.agency',
  'transferred.learner',
  'closed.agency',
  'closed.fabrique',
  'expired.learner',
  'expired.agency',
  'expired.fabrique',
  'decision-reminder.fabrique',
  'decision-escalation.managers',
  'start-reminder.fabrique',
  'start-escalation.managers',
  'end-reminder.fabrique',
  'follow-up-survey.learner',
  'follow-up-reminder.learner',
  'follow-up-collect.fabrique',
] as const;
export type TemplateName = (typeof TEMPLATES)[number];

export interface NotificationRequest {
  template: TemplateName;
  to: Recipient;
  /** Also sent, in copy, to these. */
  cc?: Recipient[];
}

export type EventName = ActionName | TimerKind | 'refer';

const n = (template: TemplateName, to: Recipient, cc?: Recipient[]): NotificationRequest =>
  cc ? { template, to, cc } : { template, to };

/** An email an event called for, waiting to be sent by the journey's workflow. */
export interface PendingEmail extends NotificationRequest {
  seq: number;
  event: EventName;
  details: EventDetails;
}

/** The emails an event sends. `actor` tells who acted, so nobody is told of their own act. */
export function notificationsFor(
  event: EventName,
  details: EventDetails,
  actor: Actor,
): NotificationRequest[] {
  switch (event) {
    case 'refer':
      return [n('referral-received.learner', 'learner'), n('referral-new.fabrique', 'fabrique')];
    case 'take-in-review':
      return [n('in-review.learner', 'learner')];
    case 'waitlist':
      return [n('waitlisted.learner', 'learner'), n('waitlisted.agency', 'agency')];
    case 'admit':
      return [n('admitted.learner', 'learner'), n('admitted.agency', 'agency')];
    case 'refuse':
      // The learner's email names the reason only when the fabrique chose to share it.
      return [n('refused.learner', 'learner'), n('refused.agency', 'agency')];
    case 'withdraw':
      return [
        n('withdrawn.learner', 'learner'),
        actor.type === 'agency' ? n('withdrawn.fabrique', 'fabrique') : n('withdrawn.agency', 'agency'),
      ];
    case 'report-no-show':
      return [n('no-show.agency', 'agency')];
    case 'confirm-start':
      return [n('started.learner', 'learner'), n('started.agency', 'agency')];
    case 'suspend':
      return [n('suspended.agency', 'agency')];
    case 'resume':
      return [n('resumed.agency', 'agency')];
    case 'extend':
      return [n('extended.agency', 'agency')];
    case 'record-dropout':
      return [n('dropout.agency', 'agency')];
    case 'record-completion':
      return [n('completed.learner', 'learner'), n('completed.agency', 'agency')];
    case 'record-follow-up':
      return [];
    case 'transfer':
      return [
        n('transferred-in.fabrique', 'fabrique'),
        n('transferred-out.fabrique', 'previous-fabrique'),
        n('transferred.agency', 'agency'),
        n('transferred.learner', 'learner'),
      ];
    case 'close':
      return [n('closed.agency', 'agency'), n('closed.fabrique', 'fabrique')];
    case 'decision-reminder':
      return [n('decision-reminder.fabrique', 'fabrique')];
    case 'decision-escalation':
      return [n('decision-escalation.managers', 'managers')];
    case 'decision-expiry':
    case 'waitlist-expiry':
      return [
        n('expired.learner', 'learner'),
        n('expired.agency', 'agency'),
        n('expired.fabrique', 'fabrique'),
      ];
    case 'interview-reminder':
      return [n('interview-reminder.learner', 'learner')];
    case 'start-reminder':
      return [n('start-reminder.fabrique', 'fabrique')];
    case 'start-escalation':
      return [n('start-escalation.managers', 'managers')];
    case 'end-reminder':
      return [n('end-reminder.fabrique', 'fabrique')];
    case 'follow-up-survey':
      return [n('follow-up-survey.learner', 'learner')];
    case 'follow-up-reminder':
      return [n('follow-up-reminder.learner', 'learner')];
    case 'follow-up-collect':
      return [n('follow-up-collect.fabrique', 'fabrique', ['agency'])];
    case 'follow-up-give-up':
      return [];
  }
  const unreachable: never = event;
  return unreachable;
}
