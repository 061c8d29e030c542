// The shape of a journey, read from the history of one that went from
// referral to closed: what the raw baseline (workflow.ts) repeats with
// no-op activities, and the counts of each kind of history event, so that
// the report can show both workflows did the same work.
import { temporal } from '@temporalio/proto';

/** One step's activities: local ones (the journal writes) run one after another, then the others at once. */
export interface RawStep {
  local: number;
  remote: number;
}

export interface RawShape {
  /** Activities of the start (the referral's record and its emails). */
  start: RawStep;
  /** Activities of each Update, in order (its record, then its emails). */
  updates: RawStep[];
  /** Each timer that fired: how long after the step before it, and its activities. */
  timers: ({ afterMs: number } & RawStep)[];
  /** The journey waits for an action with a deadline timer running (one an action cancels). */
  waitWithTimer: boolean;
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const { EventType } = temporal.api.enums.v1;

const ms = (e: HistoryEvent): number => {
  const t = e.eventTime;
  return t ? Number(t.seconds ?? 0) * 1000 + Math.round((t.nanos ?? 0) / 1e6) : 0;
};

/** Each event type's count, by its short name (ActivityTaskScheduled…). */
export function eventCounts(events: HistoryEvent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of events) {
    const name = (EventType[e.eventType ?? 0] ?? 'UNKNOWN')
      .replace(/^EVENT_TYPE_/, '')
      .toLowerCase()
      .replace(/(^|_)(\w)/g, (_, __, c: string) => c.toUpperCase());
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

/** The history as JSON, event types by name, for a person to read. */
export function historyJson(history: temporal.api.history.v1.IHistory): string {
  const { History } = temporal.api.history.v1;
  const decoded = History.decode(History.encode(history).finish());
  return JSON.stringify(History.toObject(decoded, { enums: String, longs: String, bytes: String }), null, 1);
}

/** The history's size as Temporal stores and sends it (protobuf), in bytes. */
export function historyBytes(events: HistoryEvent[]): number {
  return temporal.api.history.v1.History.encode({ events }).finish().length;
}

export function shapeOf(events: HistoryEvent[]): RawShape {
  const shape: RawShape = { start: { local: 0, remote: 0 }, updates: [], timers: [], waitWithTimer: false };
  let current: RawStep = shape.start;
  let since = events[0] ? ms(events[0]) : 0;
  for (const e of events) {
    switch (e.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
        current = { local: 0, remote: 0 };
        shape.updates.push(current);
        since = ms(e);
        break;
      case EventType.EVENT_TYPE_TIMER_FIRED: {
        const timer = { afterMs: Math.max(0, ms(e) - since), local: 0, remote: 0 };
        shape.timers.push(timer);
        current = timer;
        since = ms(e);
        break;
      }
      case EventType.EVENT_TYPE_TIMER_CANCELED:
        shape.waitWithTimer = true;
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        current.remote++;
        break;
      // A local activity leaves a marker, not a scheduled task (patches leave markers of their own).
      case EventType.EVENT_TYPE_MARKER_RECORDED:
        if (e.markerRecordedEventAttributes?.markerName === 'core_local_activity') current.local++;
        break;
    }
  }
  return shape;
}
