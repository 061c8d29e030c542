// When a journey's run is long enough to continue as new, well before
// Temporal's limits of one run. Deterministic: the history's length and
// Temporal's suggestion are part of the history.
import { workflowInfo } from '@temporalio/workflow';

/** Temporal takes at most 2,000 Updates in one run; a journey continues as new well before. */
const UPDATES_PER_RUN = 1_000;
/** History events in one run, unless Temporal suggests continuing sooner. */
const DEFAULT_HISTORY_LIMIT = 10_000;
/** How many of the last Update IDs a new run remembers, to refuse a retry's second application. */
export const UPDATE_IDS_CARRIED = 200;

/** Temporal suggests continuing, or this run's history or Updates reached their limit. */
export function runIsLong(historyLimit: number | undefined, updatesThisRun: number): boolean {
  const info = workflowInfo();
  return (
    info.continueAsNewSuggested ||
    info.historyLength >= (historyLimit ?? DEFAULT_HISTORY_LIMIT) ||
    updatesThisRun >= UPDATES_PER_RUN
  );
}
