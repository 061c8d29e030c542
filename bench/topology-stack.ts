// The production topology for the benchmark (bench/topology.ts): a Temporal
// server (the dev server or the server on PostgreSQL), PostgreSQL of its own,
// the API and the journey workers as processes (test/support/fault-stack.ts),
// with the API talking to Temporal directly; beside them the raw baseline's
// workers (bench/raw/worker.ts), as many, on a task queue of their own.
import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import pg from 'pg';
import type { BenchServer } from '../config/bench.mjs';
import { FaultStack } from '../test/support/fault-stack';
import { learner, today } from '../test/support/stack';
import { WorkerProcess } from '../test/support/worker-process';
import { rawAction, type rawJourney } from './raw/workflow';
import type { RawShape } from './raw/shape';

/** Follow-ups seconds after completion, then reminder, collect and give-up 2 s apart: closed ~8 s after completion. */
export const SHORT_POLICY = {
  followUpOffsets: { '3m': 'PT1S', '6m': 'PT2S' },
  followUpReminder: 'PT2S',
  followUpCollect: 'PT4S',
  followUpGiveUp: 'PT6S',
};
/** The actions from referral to completion, each an Update. */
export const ACTIONS: [string, () => Record<string, unknown>][] = [
  ['take-in-review', () => ({})],
  ['admit', () => ({ startDate: today(), durationMonths: 3 })],
  ['confirm-start', () => ({ startDate: today() })],
  ['record-completion', () => ({ date: today(), certified: true })],
];

/** A process and all its descendants, from /proc. */
function processTree(pid: number): Set<number> {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Gone meanwhile.
    }
  }
  const tree = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [child, parent] of parents) {
      if (tree.has(parent) && !tree.has(child)) {
        tree.add(child);
        grew = true;
      }
    }
  }
  return tree;
}

/** Resident size (MB) of a process and all its descendants, from /proc. */
export function residentMb(pid: number | undefined): number {
  if (!pid) return NaN;
  let kb = 0;
  for (const p of processTree(pid)) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // Gone meanwhile.
    }
  }
  return Math.round(kb / 1024);
}

const TICK_MS = 10; // Linux's USER_HZ is 100

/**
 * CPU time (ms, user and system) a process and its descendants have used so
 * far, from /proc: those that ended count once their parent has waited for
 * them (PostgreSQL's backends, for one).
 */
export function cpuMs(pid: number | undefined): number {
  if (!pid) return 0;
  let ticks = 0;
  for (const p of processTree(pid)) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime, stime, cutime, cstime: fields 14 to 17 of stat, 11 to 14 after the name.
      ticks += [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
    } catch {
      // Gone meanwhile.
    }
  }
  return ticks * TICK_MS;
}

export interface Counts {
  commits: Record<string, number>;
  rows: Record<string, number>;
  cpuMs: Record<string, number>;
}

export class TopologyBench {
  stack: FaultStack;
  readonly rawQueue = `raw-${randomUUID()}`;
  readonly rawWorkers: WorkerProcess[] = [];
  raw!: Client;

  constructor(
    readonly server: BenchServer,
    private readonly workers: number,
    private readonly profileDir?: string,
  ) {
    this.stack = new FaultStack(SHORT_POLICY, server, { relay: false });
  }

  async start(): Promise<void> {
    await this.stack.start(0);
    const env = this.stack.env();
    const nodeArgs = this.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${this.profileDir}`] : [];
    for (let i = 0; i < this.workers; i++) {
      this.stack.workers.push(
        new WorkerProcess(`worker-${i}`, this.stack, env, [...nodeArgs, 'worker/main.ts']),
      );
      this.rawWorkers.push(
        new WorkerProcess(`raw-worker-${i}`, { ...this.stack, taskQueue: this.rawQueue }, env, [
          ...nodeArgs,
          'bench/raw/worker.ts',
        ]),
      );
    }
    await Promise.all([...this.stack.workers, ...this.rawWorkers].map((w) => w.start(180_000)));
    this.raw = new Client({ connection: await Connection.connect({ address: this.stack.temporalAddress }) });
  }

  /** Requests answered 503 and sent again (same Idempotency-Key), as the API contract asks of a client. */
  retries = 0;

  private async post(route: string, key: string, body: unknown): Promise<{ id: string }> {
    const headers = {
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      'idempotency-key': randomUUID(),
    };
    for (let attempt = 1; ; attempt++) {
      const res = await fetch(`${this.stack.api.url}${route}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
      });
      const text = await res.text();
      if (res.status === 503 && attempt < 10) {
        this.retries++;
        await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      if (res.status >= 300) throw new Error(`POST ${route} answered ${res.status}: ${text.slice(0, 300)}`);
      return JSON.parse(text) as { id: string };
    }
  }

  async get(route: string): Promise<void> {
    const res = await fetch(`${this.stack.api.url}${route}`, {
      headers: { authorization: `Bearer ${this.stack.orgs.manager.key}` },
    });
    await res.text();
    if (res.status !== 200) throw new Error(`GET ${route} answered ${res.status}`);
  }

  /** A referral through the API: the journey's id. */
  async refer(): Promise<string> {
    const { agency, fabrique } = this.stack.orgs;
    return (await this.post('/v1/journeys', agency.key, { learner: learner(), fabriqueId: fabrique.id })).id;
  }

  async act(journeyId: string, step: number): Promise<void> {
    const [action, body] = ACTIONS[step] as [string, () => Record<string, unknown>];
    await this.post(`/v1/journeys/${journeyId}/actions/${action}`, this.stack.orgs.fabrique.key, body());
  }

  /** The raw workflow's start: its workflow id. */
  async rawStart(shape: RawShape): Promise<string> {
    const workflowId = `raw-${randomUUID()}`;
    await this.raw.workflow.start<typeof rawJourney>('rawJourney', {
      taskQueue: this.rawQueue,
      workflowId,
      args: [shape],
    });
    return workflowId;
  }

  async rawAct(workflowId: string, step: number): Promise<void> {
    await this.raw.workflow.getHandle(workflowId).executeUpdate(rawAction, { args: [step] });
  }

  rawHandle(workflowId: string): WorkflowHandle {
    return this.raw.workflow.getHandle(workflowId);
  }

  /** Sizes (MB) of Parcours' database and, on PostgreSQL, of Temporal's two; of the dev server's SQLite file. */
  async storageMb(): Promise<Record<string, number>> {
    const client = new pg.Client({ connectionString: this.stack.postgres.url('postgres') });
    await client.connect();
    try {
      const { rows } = await client.query<{ datname: string; bytes: string }>(
        `SELECT datname, pg_database_size(datname) AS bytes FROM pg_database
          WHERE datname IN ('parcours', 'temporal', 'temporal_visibility')`,
      );
      const sizes = Object.fromEntries(
        rows.map((r) => [`database ${r.datname}`, Math.round(Number(r.bytes) / 2 ** 20)]),
      );
      if (this.server === 'dev') {
        const file = this.stack.devServerFile;
        const bytes = ['', '-wal'].reduce(
          (sum, ext) => sum + (statSync(file + ext, { throwIfNoEntry: false })?.size ?? 0),
          0,
        );
        sizes['dev server SQLite file'] = Math.round(bytes / 2 ** 20);
      }
      return sizes;
    } finally {
      await client.end();
    }
  }

  /** Transactions committed so far in each database (pg_stat_database). */
  async commits(): Promise<Record<string, number>> {
    // An idle backend reports its counts up to 10 s after its last
    // transaction (PostgreSQL 15's PGSTAT_IDLE_INTERVAL): wait that long, so
    // that each step's counts are its own.
    await new Promise((r) => setTimeout(r, 11_000));
    const client = new pg.Client({ connectionString: this.stack.postgres.url('postgres') });
    await client.connect();
    try {
      const { rows } = await client.query<{ datname: string; n: string }>(
        `SELECT datname, xact_commit + xact_rollback AS n FROM pg_stat_database
          WHERE datname IN ('parcours', 'temporal', 'temporal_visibility')`,
      );
      return Object.fromEntries(rows.map((r) => [r.datname, Number(r.n)]));
    } finally {
      await client.end();
    }
  }

  /** Waits until the work behind the last answers is done: no email waiting, the timeline still for half a second. */
  async settle(timeoutMs = 300_000): Promise<void> {
    const { db } = this.stack;
    const deadline = Date.now() + timeoutMs;
    let last = -1;
    for (;;) {
      const pending = await db.notification.count({ where: { status: { notIn: ['sent', 'skipped'] } } });
      const entries = await db.timelineEntry.count();
      if (pending === 0 && entries === last) return;
      if (Date.now() > deadline)
        throw new Error(`still ${pending} emails to send after ${timeoutMs / 1000} s`);
      last = entries;
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  /** Transactions per database, rows written per table and CPU time per process, so far. */
  async counts(): Promise<Counts> {
    const cpu = this.cpuMs(); // before the wait for PostgreSQL's counts, which would add idle time
    const commits = await this.commits();
    return { commits, rows: await this.rowsWritten(), cpuMs: cpu };
  }

  /**
   * CPU time (ms) each part of the stack has used so far. The bench process
   * holds the SMTP server that receives the emails, and the clients.
   */
  cpuMs(): Record<string, number> {
    const sum = (pids: (number | undefined)[]) => pids.reduce((s: number, p) => s + cpuMs(p), 0);
    const own = process.cpuUsage();
    return {
      'Temporal server': cpuMs(this.stack.temporalPid),
      PostgreSQL: cpuMs(this.stack.postgres.pid),
      API: cpuMs(this.stack.api.pid),
      'journey workers': sum(this.stack.workers.map((w) => w.pid)),
      'raw workers': sum(this.rawWorkers.map((w) => w.pid)),
      'bench (clients, SMTP server)': Math.round((own.user + own.system) / 1000),
    };
  }

  /**
   * Rows written so far (inserted, updated or deleted) in each table of each
   * database, as `database.table` (pg_stat_user_tables): where each step's
   * transactions go. Temporal's own tables only on PostgreSQL.
   */
  async rowsWritten(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const database of ['parcours', 'temporal', 'temporal_visibility']) {
      if (database !== 'parcours' && this.server === 'dev') continue;
      const client = new pg.Client({ connectionString: this.stack.postgres.url(database) });
      await client.connect();
      try {
        const { rows } = await client.query<{ relname: string; n: string }>(
          `SELECT relname, n_tup_ins + n_tup_upd + n_tup_del AS n FROM pg_stat_user_tables`,
        );
        for (const r of rows) counts[`${database}.${r.relname}`] = Number(r.n);
      } finally {
        await client.end();
      }
    }
    return counts;
  }

  /**
   * Waits until none of these workflows (on either task queue) has an
   * activity or a workflow task pending: the work behind its last request is
   * done, not only answered.
   */
  async settleWorkflows(workflowIds: string[], timeoutMs = 300_000): Promise<void> {
    const busy = async (id: string) => {
      const { raw } = await this.raw.workflow.getHandle(id).describe();
      return (raw.pendingActivities?.length ?? 0) > 0 || Boolean(raw.pendingWorkflowTask);
    };
    const deadline = Date.now() + timeoutMs;
    let waiting = [...workflowIds];
    while (waiting.length > 0) {
      if (Date.now() > deadline)
        throw new Error(`${waiting.length} workflows still busy after ${timeoutMs / 1000} s`);
      // The last one asked is most often the last done: wait for it before looking at the others.
      if (!(await busy(waiting[waiting.length - 1] as string))) {
        const still: string[] = [];
        for (let i = 0; i < waiting.length; i += 16) {
          const part = waiting.slice(i, i + 16);
          const states = await Promise.all(part.map(busy));
          still.push(...part.filter((_, j) => states[j]));
        }
        waiting = still;
        if (waiting.length === 0) return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  workerMb(): number {
    return this.stack.workers.reduce((sum, w) => sum + residentMb(w.pid), 0);
  }

  serverMb(): number {
    return residentMb(this.stack.temporalPid);
  }

  async stop(): Promise<void> {
    // SIGTERM first, so that a CPU profile is written.
    await Promise.all([...this.stack.workers, ...this.rawWorkers].map((w) => w.stop()));
    await this.raw?.connection.close();
    await this.stack.stop();
  }
}

export const profilesDir = (): string => path.resolve('.data/bench/profiles');
