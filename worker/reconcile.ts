// Reconciling the read model with the workflows, for use after a database
// restore: Temporal is the source of truth. Each running journey's state
// (the `state` Query) is compared with its row; a fix replays the journal
// writes the row lacks, from the workflow's own history (each `recordEvent`
// input is there, as the workflow sent it), then writes the state as it
// stands now.
import type { Client, WorkflowHandle } from '@temporalio/client';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow';
import type { JourneyView } from '../domain/journey-state';
import { MILESTONES } from '../domain/policy';
import type { Db } from '../prisma/client';
import { createJournal, readModelColumns } from '../activities/journal';
import type { RecordEventInput } from '../workflows/activity-types';
import { JOURNEY_WORKFLOW, stateQuery, workflowIdFor } from '../workflows/messages';

/** One field where the read model and the workflow disagree: ids, codes and dates only. */
export interface Difference {
  journeyId: string;
  field: string;
  readModel: unknown;
  workflow: unknown;
}

export interface ReconcileReport {
  /** Running journeys looked at. */
  checked: number;
  differences: Difference[];
  /** Workflows whose journey has no row: the learner's data is only in PostgreSQL, so a fix cannot bring it back. */
  withoutRow: string[];
  /** Journeys whose row was rewritten from the workflow. */
  fixed: string[];
}

const comparable = (v: unknown) => (v instanceof Date ? v.toISOString() : (v ?? null));

/** The fields of a row that differ from what the workflow says. */
async function differences(db: Db, view: JourneyView): Promise<Difference[] | null> {
  const row = await db.journey.findUnique({
    where: { id: view.journeyId },
    include: { followUps: true, timeline: { select: { seq: true } } },
  });
  if (!row) return null;
  const found: Difference[] = [];
  const differ = (field: string, readModel: unknown, workflow: unknown) => {
    if (comparable(readModel) !== comparable(workflow)) {
      found.push({
        journeyId: view.journeyId,
        field,
        readModel: comparable(readModel),
        workflow: comparable(workflow),
      });
    }
  };
  differ('version', row.version, view.seq);
  for (const [field, value] of Object.entries(readModelColumns(view))) {
    differ(field, row[field as keyof typeof row], value);
  }
  for (const milestone of MILESTONES) {
    const fu = row.followUps.find((f) => f.milestone === milestone);
    differ(`followUps.${milestone}.status`, fu?.status, view.followUps[milestone]?.status);
    differ(`followUps.${milestone}.outcome`, fu?.outcome, view.followUps[milestone]?.outcome);
  }
  const recorded = new Set(row.timeline.map((t) => t.seq));
  const missing = Array.from({ length: view.seq }, (_, i) => i + 1).filter((seq) => !recorded.has(seq));
  if (missing.length) differ('timeline', null, `missing seq ${missing.join(', ')}`);
  return found;
}

type HistoryEvents = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>;

/**
 * The histories of every run of a journey's workflow, first run first: a
 * journey with a long history continues as a new run, which names the run
 * it continues.
 */
export async function journeyRuns(
  client: Client,
  journeyId: string,
): Promise<{ runId: string; events: HistoryEvents }[]> {
  const runs: { runId: string; events: HistoryEvents }[] = [];
  let runId: string | undefined = (await client.workflow.getHandle(workflowIdFor(journeyId)).describe())
    .runId;
  while (runId) {
    const history = await client.workflow.getHandle(workflowIdFor(journeyId), runId).fetchHistory();
    const events: HistoryEvents = history.events ?? [];
    runs.unshift({ runId, events });
    runId = events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
  }
  return runs;
}

/** The journal writes the workflow made, read back from the histories of all its runs, in order. */
export async function recordedEvents(client: Client, journeyId: string): Promise<RecordEventInput[]> {
  const events: RecordEventInput[] = [];
  for (const e of (await journeyRuns(client, journeyId)).flatMap((run) => run.events)) {
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled?.activityType?.name !== 'recordEvent') continue;
    const [input] = await decodeArrayFromPayloads(
      client.workflow.options.loadedDataConverter,
      scheduled.input?.payloads,
    );
    events.push(input as RecordEventInput);
  }
  return events.sort((a, b) => a.seq - b.seq);
}

/** Rewrites a journey's row from its workflow: the events it lacks, then the state now. */
async function rewrite(db: Db, client: Client, view: JourneyView): Promise<void> {
  const journal = createJournal(db);
  // Idempotent on (journeyId, seq), and the row only moves forward.
  for (const event of await recordedEvents(client, view.journeyId)) await journal.recordEvent(event);
  await db.journey.update({
    where: { id: view.journeyId },
    data: { version: view.seq, ...readModelColumns(view) },
  });
}

/** Compares every running journey's workflow with its row; with `fix`, rewrites the rows that differ. */
export async function reconcile(
  deps: { db: Db; client: Client; taskQueue?: string },
  options: { fix: boolean },
): Promise<ReconcileReport> {
  const report: ReconcileReport = { checked: 0, differences: [], withoutRow: [], fixed: [] };
  const filters = [`WorkflowType = '${JOURNEY_WORKFLOW}'`, `ExecutionStatus = 'Running'`];
  if (deps.taskQueue) filters.push(`TaskQueue = '${deps.taskQueue.replace(/'/g, '')}'`);
  for await (const wf of deps.client.workflow.list({ query: filters.join(' AND ') })) {
    const view = await deps.client.workflow.getHandle(wf.workflowId).query(stateQuery);
    report.checked++;
    const found = await differences(deps.db, view);
    if (found === null) {
      report.withoutRow.push(view.journeyId);
      continue;
    }
    report.differences.push(...found);
    if (options.fix && found.length > 0) {
      await rewrite(deps.db, deps.client, view);
      report.fixed.push(view.journeyId);
    }
  }
  return report;
}
