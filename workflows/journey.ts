// The learner journey: one workflow per learner, from referral to the last
// follow-up. Deterministic: workflow time, durable timers, activities for
// everything that touches the world.
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  currentUpdateInfo,
  patched,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import type { ActionRequest } from '../domain/actions';
import { addDuration } from '../domain/dates';
import { nextTimer, type Timer } from '../domain/deadlines';
import { applyAction, applyTimer } from '../domain/journey-changes';
import { ActionRefused, checkAction } from '../domain/journey-checks';
import {
  initialState,
  JOURNEY_REVISION,
  journalView,
  type ActionOutcome,
  type EventDetails,
  type JourneyInput,
  type JourneyState,
  type JourneyView,
} from '../domain/journey-state';
import { notificationsFor, type EventName, type PendingEmail } from '../domain/notifications';
import { DEFAULT_POLICY, type TimingPolicy } from '../domain/policy';
import { ACTIONS, isTerminal, type ActionName, type Actor, type Status } from '../domain/transitions';
import type { RecordEventInput } from './activity-types';
import { erasePersonalData, recordEvent, sendEmail } from './journey-activities';
import { actionUpdates, stateQuery } from './messages';
import { runIsLong, UPDATE_IDS_CARRIED } from './run-length';

export interface JourneyOutcome {
  status: Status;
  endReason?: string;
}

class LearnerJourney {
  private readonly input: JourneyInput;
  private readonly state: JourneyState;
  private readonly policy: TimingPolicy;
  private readonly referredBy: JourneyInput['referredBy'];
  /** Updates applied in this run and the runs before, most recent last. */
  private readonly updateIds: string[];
  /** Updates applied by an earlier run: a retry of one changes nothing. */
  private readonly appliedBefore: ReadonlySet<string>;
  private updatesThisRun = 0;
  /** Emails decided but not yet sent; sent by the main loop, not by Update handlers. */
  private outbox: PendingEmail[] = [];
  /** The referral, numbered before any Update handler can run; written by run(). */
  private referral?: RecordEventInput;

  constructor(input: JourneyInput) {
    this.input = input;
    // A journey continued from an earlier run takes up its state where it was.
    this.state = input.carried?.state ?? initialState(input);
    this.policy = input.policy;
    this.referredBy = input.referredBy;
    this.outbox = [...(input.carried?.outbox ?? [])];
    this.updateIds = [...(input.carried?.keyedUpdates ?? [])];
    this.appliedBefore = new Set(this.updateIds);
  }

  setup(): void {
    // An Update delivered with the workflow's start runs, up to its first
    // await, as soon as its handler is registered: the referral takes its
    // sequence number and status first, so the timeline reads as it happened.
    if (!this.input.carried && this.runsPatch('refer-before-handlers')) this.referral = this.stampReferral();
    for (const action of ACTIONS) {
      setHandler(actionUpdates[action], (request: ActionRequest) => this.act(action, request), {
        validator: (request: ActionRequest) => this.validate(action, request),
      });
    }
    setHandler(stateQuery, () => this.view());
  }

  async run(): Promise<JourneyOutcome> {
    // Journeys started before the patch number their referral here; a
    // continued journey was referred in its first run.
    if (!this.input.carried) await this.write(this.referral ?? this.stampReferral());
    for (;;) {
      await this.sendPendingEmails();
      // Checked after sending: an action may have ended the journey meanwhile.
      if (isTerminal(this.state.status)) break;
      if (this.mustContinueAsNew()) {
        // Returns only when an action ended the journey meanwhile.
        await this.continueInNewRun();
        continue;
      }
      await this.waitForActionOrTimer();
    }
    await condition(allHandlersFinished);
    await this.sendPendingEmails();
    // Journeys that ended before retention existed completed here: their
    // histories must replay without the timer.
    if (this.runsPatch('retention-after-close')) await this.eraseAfterRetention();
    return { status: this.state.status, endReason: this.state.endReason };
  }

  /**
   * A journey taking many actions (suspended and resumed again and again)
   * must not reach Temporal's limits of one run, which would block it for
   * good. It continues as a new run once its history is long; an ended
   * journey does not. Deterministic: history length and suggestion are part
   * of the history, and the patch keeps long histories of older code
   * replayable.
   */
  private mustContinueAsNew(): boolean {
    if (isTerminal(this.state.status)) return false;
    return runIsLong(this.input.historyLimit, this.updatesThisRun) && this.runsPatch('continue-as-new');
  }

  /**
   * Whether the journey runs the code a patch brought: always from revision
   * 1 on (no marker, no search-attribute upsert), else as its history says.
   */
  private runsPatch(patchId: 'refer-before-handlers' | 'retention-after-close' | 'continue-as-new'): boolean {
    return (this.input.revision ?? 0) >= 1 || patched(patchId);
  }

  /**
   * Hands the journey to a new run of its workflow once every accepted
   * action has recorded its event (a short wait, which actions arriving one
   * after another cannot put off for long). The state goes across as it is,
   * with the emails still to send: the new run sends them, under the same
   * Message-IDs. The journey's own history is the timeline in the read
   * model, which keeps every run's events.
   */
  private async continueInNewRun(): Promise<void> {
    await condition(allHandlersFinished);
    // An action that ended the journey meanwhile: it ends in this run.
    if (isTerminal(this.state.status)) return;
    await continueAsNew<typeof learnerJourney>({
      ...this.input,
      // The new run starts on today's code, whatever revision the first one had.
      revision: JOURNEY_REVISION,
      carried: {
        state: this.state,
        keyedUpdates: this.updateIds.slice(-UPDATE_IDS_CARRIED),
        runs: (this.input.carried?.runs ?? 0) + 1,
        outbox: this.outbox,
      },
    });
  }

  /** An Update an earlier run applied, sent again by a client that did not hear its outcome. */
  private appliedInEarlierRun(): boolean {
    const id = currentUpdateInfo()?.id;
    return id !== undefined && this.appliedBefore.has(id);
  }

  /**
   * Keeps the ended journey's personal data for the retention period, then
   * erases it. Update validators still refuse every action meanwhile: no
   * transition leaves a terminal status.
   */
  private async eraseAfterRetention(): Promise<void> {
    // A journey started before the policy had this key keeps the default.
    const retention = this.policy.retentionAfterClose ?? DEFAULT_POLICY.retentionAfterClose;
    const now = new Date();
    await sleep(addDuration(now, retention).getTime() - now.getTime());
    await erasePersonalData({
      learnerId: this.state.learnerId,
      journeyId: this.state.journeyId,
      reason: 'retention',
    });
  }

  /** Refuses, without a trace in history, an action the rules do not allow. */
  private validate(action: ActionName, request: ActionRequest): void {
    if (this.appliedInEarlierRun()) return;
    try {
      checkAction(this.state, action, request, new Date(), this.policy);
    } catch (err) {
      if (err instanceof ActionRefused) {
        throw ApplicationFailure.create({
          type: err.type,
          message: err.message,
          nonRetryable: true,
          details: err.field ? [{ field: err.field }] : undefined,
        });
      }
      throw err;
    }
  }

  private async act(action: ActionName, request: ActionRequest): Promise<ActionOutcome> {
    this.updatesThisRun++;
    // Temporal answers a retry within one run itself; across runs, this does.
    if (this.appliedInEarlierRun()) return { status: this.state.status, seq: this.state.seq };
    const id = currentUpdateInfo()?.id;
    if (id !== undefined) this.updateIds.push(id);
    const from = this.state.status;
    // The state changes before the first await, so a concurrent action is
    // validated against it.
    const details = applyAction(this.state, action, request, new Date(), this.policy);
    // The event and status, not the whole journey (the API reads it from the
    // read model, with its people): every answer stays in the history.
    const event = await this.record(action, from, request.actor, details, request.textId);
    return { status: event.toStatus, seq: event.seq };
  }

  /** Waits for the next timer; returns early when an action changed the journey. */
  private async waitForActionOrTimer(): Promise<void> {
    const seq = this.state.seq;
    const changed = () => this.state.seq !== seq || this.outbox.length > 0;
    const timer = nextTimer(this.state, this.policy, new Date());
    if (!timer) {
      await condition(changed);
      return;
    }
    const wait = timer.at.getTime() - Date.now();
    if (wait > 0 && (await condition(changed, wait))) return;
    await this.fire(timer);
  }

  private async fire(timer: Timer): Promise<void> {
    const from = this.state.status;
    const details = applyTimer(this.state, timer, new Date());
    await this.record(timer.kind, from, { type: 'system' }, details);
  }

  private stampReferral(): RecordEventInput {
    return this.stamp('refer', null, { type: 'agency', orgId: this.state.agencyId, ...this.referredBy }, {});
  }

  /** Writes one event to the read model, then queues its emails; the event as written. */
  private async record(
    event: EventName,
    from: Status | null,
    actor: Actor,
    details: EventDetails,
    textId?: string,
  ): Promise<RecordEventInput> {
    const e = this.stamp(event, from, actor, details, textId);
    await this.write(e);
    return e;
  }

  /** Numbers an event and takes the journey as it now stands; nothing awaited. */
  private stamp(
    event: EventName,
    from: Status | null,
    actor: Actor,
    details: EventDetails,
    textId?: string,
  ): RecordEventInput {
    return {
      journeyId: this.state.journeyId,
      seq: ++this.state.seq,
      at: new Date().toISOString(),
      event,
      fromStatus: from,
      toStatus: this.state.status,
      actor,
      details,
      textId,
      journey: journalView(this.view()),
    };
  }

  private async write(e: RecordEventInput): Promise<void> {
    await recordEvent(e);
    for (const email of notificationsFor(e.event, e.details, e.actor)) {
      this.outbox.push({ ...email, seq: e.seq, event: e.event, details: e.details });
    }
  }

  /** Sends the emails waiting, batch after batch; a journey about to continue as new leaves the rest to its new run. */
  private async sendPendingEmails(): Promise<void> {
    while (this.outbox.length > 0 && !this.mustContinueAsNew()) {
      const batch = this.outbox;
      this.outbox = [];
      await Promise.all(batch.map((email) => sendEmail(this.state.journeyId, email)));
    }
  }

  private view(): JourneyView {
    const timer = isTerminal(this.state.status) ? undefined : nextTimer(this.state, this.policy, new Date());
    return {
      ...(JSON.parse(JSON.stringify(this.state)) as JourneyState),
      nextDeadline: timer ? { at: timer.at.toISOString(), kind: timer.kind } : null,
    };
  }
}

/** One learner's journey, from referral to the last follow-up. */
export async function learnerJourney(input: JourneyInput): Promise<JourneyOutcome> {
  const journey = new LearnerJourney(input);
  journey.setup();
  return journey.run();
}
