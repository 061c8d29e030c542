// A PostgreSQL server of a test's own: initdb into a temporary folder, on a
// free loopback port, so that a test can kill it with SIGKILL and start it
// again (crash recovery) without touching the machine's shared server.
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from '../../scripts/lib/temporal.mjs';

const run = promisify(execFile);

/** The newest server binaries Debian installed (/usr/lib/postgresql/<version>/bin). */
function serverBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const bin = versions.map((v) => path.join(root, v, 'bin')).find((b) => existsSync(path.join(b, 'initdb')));
  if (!bin) throw new Error(`no PostgreSQL server binaries under ${root} (apt install postgresql)`);
  return bin;
}

/** The server refuses to run as root: as root, its commands run as the `postgres` user. */
async function asServerUser(command: string, args: string[]): Promise<void> {
  const full = path.join(serverBin(), command);
  if (process.getuid?.() === 0) await run('runuser', ['-u', 'postgres', '--', full, ...args]);
  else await run(full, args);
}

export class PrivatePostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  /** Creates the cluster (trust on loopback, user postgres) and starts it. */
  static async create(): Promise<PrivatePostgres> {
    const dir = mkdtempSync(path.join(tmpdir(), 'parcours-pg-'));
    if (process.getuid?.() === 0) {
      const { stdout } = await run('id', ['-u', 'postgres']);
      const { stdout: gid } = await run('id', ['-g', 'postgres']);
      chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
    }
    const server = new PrivatePostgres(dir, await freePort());
    await asServerUser('initdb', [
      '-D',
      path.join(dir, 'data'),
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
    ]);
    await server.start();
    return server;
  }

  /** A database URL on this server. */
  url(database: string): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/${database}`;
  }

  async createDatabase(name: string): Promise<string> {
    const admin = new pg.Client({ connectionString: this.url('postgres') });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE "${name}"`);
    } finally {
      await admin.end();
    }
    return this.url(name);
  }

  /** Starts the server on its data (after a kill, PostgreSQL recovers from its WAL) and waits until it answers. */
  async start(): Promise<void> {
    await asServerUser('pg_ctl', [
      '-D',
      path.join(this.dir, 'data'),
      '-l',
      path.join(this.dir, 'server.log'),
      '-o',
      `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1`,
      '-w',
      '-t',
      '60',
      'start',
    ]);
  }

  /** The server's main process (its backends are its children). */
  get pid(): number {
    return Number(readFileSync(path.join(this.dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
  }

  /** SIGKILL to the server and every backend at once, as a crash of its machine. */
  async kill(): Promise<void> {
    const pid = this.pid;
    const { stdout } = await run('pgrep', ['-P', String(pid)]).catch(() => ({ stdout: '' }));
    const pids = [pid, ...stdout.split('\n').filter(Boolean).map(Number)];
    for (const p of pids) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    const alive = (p: number) => {
      try {
        process.kill(p, 0);
        return true;
      } catch {
        return false;
      }
    };
    const deadline = Date.now() + 10_000;
    while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  }

  async destroy(): Promise<void> {
    await asServerUser('pg_ctl', ['-D', path.join(this.dir, 'data'), '-m', 'immediate', 'stop']).catch(
      () => undefined,
    );
    rmSync(this.dir, { recursive: true, force: true });
  }
}
