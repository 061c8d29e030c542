// Parcours as production runs it, one process per part, each of which a test
// may kill with SIGKILL and start again: a PostgreSQL of its own
// (private-postgres.ts), a Temporal dev server keeping its data in a file (or
// the Temporal server of TEMPORAL_SERVER=postgresql, on that PostgreSQL),
// the API (`api/main.ts`) and worker processes (`worker/main.ts`), with a
// real SMTP server. The API reaches Temporal through a relay that a test can
// hold, to catch the API between two steps of a request.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { resolvePolicy, DEFAULT_POLICY, type TimingPolicy } from '../../domain/policy';
import { createDb, type Db } from '../../prisma/client';
import { encryptionKeysFromEnv } from '../../config/encryption-keys';
import { dataConverterFor } from '../../temporal/payload-codec';
import {
  findTemporalCli,
  freePort,
  startDevServer,
  type RunningServer,
} from '../../scripts/lib/temporal.mjs';
import { freePortBetween, startPostgresServer } from '../../scripts/lib/temporal-server.mjs';
import { PrivatePostgres } from './private-postgres';
import { Inbox } from './smtp';
import { WorkerProcess } from './worker-process';

const ROOT = path.resolve(__dirname, '../..');

/** Kills a process with SIGKILL and resolves once it is gone. */
async function killNow(child: ChildProcess | undefined, group = false): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  if (group && child.pid) process.kill(-child.pid, 'SIGKILL');
  else child.kill('SIGKILL');
  await gone;
}

/**
 * A loopback TCP relay. `hold()` stops passing bytes from its clients, so a
 * call in progress hangs as if the far side stopped answering.
 */
export class TcpRelay {
  private readonly clients = new Set<net.Socket>();
  private readonly server = net.createServer((client) => this.relay(client));
  private held = false;
  address = '';

  constructor(private readonly target: string) {}

  async open(): Promise<this> {
    const port = await freePort();
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.address = `127.0.0.1:${port}`;
    return this;
  }

  private relay(client: net.Socket): void {
    const [host, port] = this.target.split(':');
    const upstream = net.connect(Number(port), host);
    this.clients.add(client);
    if (this.held) client.pause();
    client.pipe(upstream).pipe(client);
    const end = () => {
      this.clients.delete(client);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  }

  hold(): void {
    this.held = true;
    for (const c of this.clients) c.pause();
  }

  release(): void {
    this.held = false;
    for (const c of this.clients) c.resume();
  }

  async close(): Promise<void> {
    for (const c of this.clients) c.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** The API as `npm run api` runs it. */
export class ApiProcess {
  private child?: ChildProcess;
  private output = '';

  constructor(
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get log(): string {
    return this.output;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(timeoutMs = 60_000): Promise<void> {
    const child = (this.child = spawn(process.execPath, ['--import', 'tsx', 'api/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, ...this.env, PORT: String(this.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    }));
    const collect = (d: Buffer) => (this.output += d.toString());
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the API exited at start: ${this.output}`);
      const ok = await fetch(`${this.url}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      if (Date.now() > deadline) throw new Error(`the API did not answer within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async kill(): Promise<void> {
    await killNow(this.child);
  }
}

export interface FaultOrg {
  id: string;
  key: string;
}

export class FaultStack {
  readonly inbox = new Inbox();
  readonly taskQueue = `fault-${randomUUID()}`;
  readonly adminKey = `adm_${randomBytes(32).toString('hex')}`;
  readonly policy: TimingPolicy;
  readonly workers: WorkerProcess[] = [];
  postgres!: PrivatePostgres;
  databaseUrl = '';
  /** Read-only checks: the read model, and the workflows through Queries. */
  db!: Db;
  client!: Client;
  api!: ApiProcess;
  relay!: TcpRelay;
  orgs!: { manager: FaultOrg; agency: FaultOrg; fabrique: FaultOrg };
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'parcours-fault-'));
  private temporal?: RunningServer;
  private temporalPort = 0;
  /** The ports of the Temporal server on PostgreSQL, kept for its restarts. */
  private serverPorts: Record<string, number> = {};
  private readonly encryptionEnv = `k1:${randomBytes(32).toString('base64')}`;

  /**
   * `temporalServer`: the dev server, or the Temporal server of TEMPORAL_SERVER=postgresql.
   * `relay: false`: the API reaches Temporal directly, as in production (the benchmark).
   */
  constructor(
    policy: Partial<TimingPolicy>,
    private readonly temporalServer: 'dev' | 'postgresql' = 'dev',
    private readonly options: { relay?: boolean } = {},
  ) {
    this.policy = resolvePolicy(policy, DEFAULT_POLICY);
  }

  get temporalAddress(): string {
    return `127.0.0.1:${this.temporalPort}`;
  }

  async start(workerCount: number): Promise<this> {
    await this.inbox.start();
    this.temporalPort = await freePort();
    if (this.temporalServer === 'postgresql') {
      // The server keeps its data in this PostgreSQL: it comes first.
      this.postgres = await PrivatePostgres.create();
      // Membership ports under 32768: the server keeps them in a smallint column.
      for (const role of ['history', 'matching', 'worker']) {
        this.serverPorts[role] = await freePort();
        this.serverPorts[`${role}Membership`] = await this.membershipPort();
      }
      this.serverPorts.frontendMembership = await this.membershipPort();
      await this.startTemporal();
    } else {
      [this.postgres] = await Promise.all([PrivatePostgres.create(), this.startTemporal()]);
    }
    this.databaseUrl = await this.postgres.createDatabase('parcours');
    await promisify(execFile)(process.execPath, ['scripts/db-migrate.mjs'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: this.databaseUrl },
    });
    this.db = createDb(this.databaseUrl);
    this.client = new Client({
      connection: await Connection.connect({ address: this.temporalAddress }),
      dataConverter: dataConverterFor(encryptionKeysFromEnv({ PAYLOAD_ENCRYPTION_KEYS: this.encryptionEnv })),
    });
    this.relay = await new TcpRelay(this.temporalAddress).open();
    const env = this.env();
    const apiTemporal = this.options.relay === false ? this.temporalAddress : this.relay.address;
    this.api = new ApiProcess(await freePort(), { ...env, TEMPORAL_ADDRESS: apiTemporal });
    for (let i = 0; i < workerCount; i++) {
      this.workers.push(new WorkerProcess(`worker-${String.fromCharCode(97 + i)}`, this, env));
    }
    await Promise.all([this.api.start(), ...this.workers.map((w) => w.start())]);
    const make = async (type: string, extra: Record<string, unknown> = {}): Promise<FaultOrg> => {
      const res = await fetch(`${this.api.url}/v1/organizations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          type,
          name: `${type} ${randomBytes(3).toString('hex')}`,
          email: `${type}-${randomBytes(3).toString('hex')}@orgs.test`,
          region: 'Île-de-France',
          ...extra,
        }),
      });
      const body = (await res.json()) as { id: string; apiKey: string };
      if (res.status !== 201) throw new Error(`creating ${type} failed: ${JSON.stringify(body)}`);
      return { id: body.id, key: body.apiKey };
    };
    this.orgs = {
      manager: await make('manager'),
      agency: await make('agency', { agencyKind: 'mission_locale' }),
      fabrique: await make('fabrique'),
    };
    return this;
  }

  /** A free port under 32768 (the server keeps membership ports in a smallint), not yet given out. */
  private membershipPort(): Promise<number> {
    return freePortBetween(20_000, 32_767, Object.values(this.serverPorts));
  }

  /** The Temporal server's process (the dev server, or the server on PostgreSQL), while it runs. */
  get temporalPid(): number | undefined {
    return this.temporal?.process?.pid;
  }

  /** The dev server's SQLite file (the server on PostgreSQL keeps its data in `postgres`). */
  get devServerFile(): string {
    return path.join(this.dir, 'temporal.db');
  }

  /** What the API and the workers are given, as an operator would set it. */
  env(): Record<string, string> {
    return {
      DATABASE_URL: this.databaseUrl,
      TEMPORAL_ADDRESS: this.temporalAddress,
      TEMPORAL_TASK_QUEUE: this.taskQueue,
      ADMIN_API_KEY: this.adminKey,
      PAYLOAD_ENCRYPTION_KEYS: this.encryptionEnv,
      JOURNEY_POLICY: JSON.stringify(this.policy),
      SMTP_URL: this.inbox.url,
      MAIL_FROM: 'Parcours <no-reply@parcours.test>',
      PUBLIC_BASE_URL: 'http://parcours.test',
      PARCOURS_DATA_DIR: path.join(this.dir, 'data'),
      LOG_LEVEL: 'ERROR',
    };
  }

  /** The Temporal server on its ports, keeping its data in a file or in PostgreSQL, so that it comes back with it. */
  async startTemporal(): Promise<void> {
    if (this.temporalServer === 'postgresql') {
      this.temporal = await startPostgresServer({
        databaseUrl: this.postgres.url('postgres'),
        databases: { temporalDatabase: 'temporal', visibilityDatabase: 'temporal_visibility' },
        port: this.temporalPort,
        ports: this.serverPorts,
        dataDir: this.dir,
        log: () => {},
      });
      return;
    }
    const cli = findTemporalCli();
    if (!cli) throw new Error('no Temporal CLI: run npm test, which builds it');
    this.temporal = await startDevServer({
      cli,
      port: this.temporalPort,
      dbFile: this.devServerFile,
    });
  }

  async killTemporal(): Promise<void> {
    await killNow(this.temporal?.process, true);
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.kill()));
    await this.api?.kill();
    await this.relay?.close();
    await this.client?.connection.close();
    await this.db?.$disconnect();
    await this.temporal?.stop();
    await this.postgres?.destroy();
    await this.inbox.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
