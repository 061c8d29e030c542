// A worker as production runs it: its own process (`worker/main.ts`), so a
// test can kill it with SIGKILL in the middle of its work.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { TestStack } from './stack';

const ROOT = path.resolve(__dirname, '../..');

export class WorkerProcess {
  private child?: ChildProcess;
  private output = '';

  /** `name` shows in PostgreSQL (application_name) and in SMTP (EHLO), to tell workers apart. */
  /** `env` overrides the test stack's settings, such as DATABASE_URL or TEMPORAL_ADDRESS. */
  constructor(
    readonly name: string,
    private readonly stack: Pick<TestStack, 'taskQueue' | 'inbox'>,
    private readonly env: Record<string, string> = {},
    /** The worker's program (the benchmark's raw baseline has its own), and node's own options before it. */
    private readonly program: string[] = ['worker/main.ts'],
  ) {}

  /** Starts the process and waits until it polls the task queue. */
  async start(timeoutMs = 60_000): Promise<void> {
    const db = new URL(this.env.DATABASE_URL ?? (process.env.DATABASE_URL as string));
    db.searchParams.set('application_name', this.name);
    const child = (this.child = spawn(process.execPath, ['--import', 'tsx', ...this.program], {
      cwd: ROOT,
      env: {
        ...process.env,
        ...this.env,
        DATABASE_URL: db.toString(),
        TEMPORAL_TASK_QUEUE: this.stack.taskQueue,
        SMTP_URL: `${this.stack.inbox.url}/?name=${this.name}`,
        MAIL_FROM: 'Parcours <no-reply@parcours.test>',
        PUBLIC_BASE_URL: 'http://parcours.test',
        LOG_LEVEL: 'ERROR',
        // As TEST_WEBHOOK_RETRY: webhook retries milliseconds apart.
        WEBHOOK_RETRY_INITIAL: 'PT0.1S',
        WEBHOOK_RETRY_MAX: 'PT1S',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    }));
    const collect = (d: Buffer) => (this.output += d.toString());
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const deadline = Date.now() + timeoutMs;
    while (!this.output.includes('polling task queue')) {
      if (child.exitCode !== null) throw new Error(`worker ${this.name} exited: ${this.output}`);
      if (Date.now() > deadline) throw new Error(`worker ${this.name} not polling after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** The process id, while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** What the worker printed (ids and codes only: it logs no personal data). */
  get log(): string {
    return this.output;
  }

  /** Stops the process as Ctrl-C would (SIGTERM: running activities finish); resolves once it is gone. */
  stop(): Promise<void> {
    return this.signal('SIGTERM');
  }

  /** Kills the process at once, as the kernel or a failed machine would; resolves once it is gone. */
  kill(): Promise<void> {
    return this.signal('SIGKILL');
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await gone;
  }
}
