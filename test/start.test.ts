// `npm start` as a user runs it: on free ports and a data folder of its own
// (the defaults, 3000/7233/8233 and .data/, may be in use on a shared
// machine), it provisions everything, seeds the demo organisations, answers
// on /readyz, runs the README's walk-through from referral to admission, and
// stops everything on Ctrl-C. A second start keeps the journeys and the keys,
// and starts the workflow of a referral an earlier stop left half-done.
// TEMPORAL_SERVER=postgresql WORKERS=2 runs the walk-through on a Temporal
// server on PostgreSQL with two workers, and Ctrl-C stops the server last.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { writeReferral } from '../api/referrals';
import { createDb } from '../prisma/client';
import { freePort, portOpen } from '../scripts/lib/temporal.mjs';
import { ensureTemporalServer, freePortBetween } from '../scripts/lib/temporal-server.mjs';
import { DEFAULT_POLICY } from '../domain/policy';
import { dropDatabase, siblingDatabaseUrl } from './support/databases';

const ROOT = path.resolve(__dirname, '..');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'parcours-start-'));
const databaseUrl = siblingDatabaseUrl('start');
let ports: { api: number; temporal: number; ui: number };
/** Starts not stopped yet: killed, with their whole group, if a test fails half-way. */
const running = new Set<ChildProcess>();

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** The environment of a user's `npm start` on this test's ports, data folder and database. */
function userEnv(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PARCOURS_DATA_DIR: dataDir,
    PORT: String(ports.api),
    TEMPORAL_PORT: String(ports.temporal),
    TEMPORAL_UI_PORT: String(ports.ui),
    DATABASE_URL: databaseUrl,
  };
  // What jest and the test stack set must not leak into a user's start.
  for (const name of [
    'TEMPORAL_ADDRESS',
    'WORKFLOW_BUNDLE',
    'ADMIN_API_KEY',
    'NODE_ENV',
    'MAIL_DIR',
    'SMTP_URL',
  ]) {
    delete env[name];
  }
  return { ...env, ...overrides };
}

/** `npm start`, until it prints that Parcours is running. */
async function npmStart(overrides: NodeJS.ProcessEnv = {}): Promise<Started> {
  const env = userEnv(overrides);
  // A process group of its own, as in a terminal, so that Ctrl-C reaches all of it.
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  running.add(child);
  let text = '';
  child.stdout?.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  const deadline = Date.now() + 180_000;
  while (!text.includes('Parcours is running')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`npm start did not come up:\n${text}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { child, output: () => text, exited };
}

/** Whether any process of the group is still alive. */
function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Ctrl-C, which the terminal sends to the whole group. npm itself dies of the
 * signal; what counts is that every process it started is gone within a
 * minute, having said so, and that the ports are free again.
 */
async function ctrlC(started: Started, otherPorts: number[] = []): Promise<void> {
  const pid = started.child.pid as number;
  process.kill(-pid, 'SIGINT');
  const deadline = Date.now() + 60_000;
  while (groupAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  expect(groupAlive(pid)).toBe(false);
  await started.exited;
  expect(started.output()).toMatch(/\[start\] stopped\./);
  expect(started.output()).not.toMatch(/stopped \(exit code [1-9]|SIGKILL/);
  // Temporal went last: the worker never lost it while shutting down.
  expect(started.output()).not.toMatch(/tcp connect error|Connection refused/);
  for (const port of [ports.api, ports.temporal, ports.ui, ...otherPorts])
    expect(await portOpen(port)).toBe(false);
}

/** The README's walk-through, as written, pointed at this start's port and data folder. */
function walkThrough(dir = dataDir): string {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.split('## Walk-through')[1]?.split('\n## ')[0] ?? '';
  const script = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!script) throw new Error('the README has no walk-through script');
  return script
    .replaceAll('localhost:3000', `localhost:${ports.api}`)
    .replaceAll('./.data/', `${dir}/`)
    .replaceAll('.data/', `${dir}/`);
}

beforeAll(async () => {
  ports = { api: await freePort(), temporal: await freePort(), ui: await freePort() };
  await dropDatabase(databaseUrl);
});
afterAll(async () => {
  for (const child of running) process.kill(-(child.pid as number), 'SIGKILL');
  await dropDatabase(databaseUrl);
});

test('npm start provisions everything, runs the README walk-through to admission, and stops on Ctrl-C; a restart keeps it all', async () => {
  const first = await npmStart();
  let keys: Record<string, { id: string; apiKey: string }>;
  let journeyId: string;
  try {
    expect(first.output()).toMatch(/Demo organisations created/);
    const ready = await fetch(`http://localhost:${ports.api}/readyz`);
    expect(ready.status).toBe(200);
    keys = JSON.parse(readFileSync(path.join(dataDir, 'demo-keys.json'), 'utf8'));
    expect(Object.keys(keys).sort()).toEqual(['agency', 'fabrique', 'fabrique2', 'manager']);

    const work = mkdtempSync(path.join(os.tmpdir(), 'parcours-walk-'));
    const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', walkThrough()], {
      cwd: work,
      timeout: 120_000,
    });
    // The fabrique sees the referral with its actions, reviews it, then admits.
    expect(stdout).toMatch(/'referred'/);
    expect(stdout).toMatch(/'take-in-review'/);
    expect(stdout).toMatch(/^in_review$/m);
    expect(stdout).toMatch(/'admitted'/);
    journeyId = JSON.parse(readFileSync(path.join(work, 'journey.json'), 'utf8')).id;
    // The emails went out as .eml files in the data folder: referral (learner, fabrique),
    // review (learner), admission (learner, counsellor). The worker sends them just after.
    const mail = () => readdir(path.join(dataDir, 'mail')).catch(() => [] as string[]);
    for (let i = 0; i < 100 && (await mail()).length < 5; i++) await new Promise((r) => setTimeout(r, 200));
    expect((await mail()).length).toBe(5);
    expect(existsSync(path.join(dataDir, 'temporal.db'))).toBe(true);
    // Journeys, keys and emails (names, addresses, survey links) are the owner's alone.
    const mode = (p: string) => statSync(path.join(dataDir, p)).mode & 0o777;
    expect([mode('.'), mode('mail')]).toEqual([0o700, 0o700]);
    for (const file of [
      'temporal.db',
      'admin-api-key',
      'demo-keys.json',
      ...(await mail()).map((m) => `mail/${m}`),
    ]) {
      expect([file, mode(file)]).toEqual([file, 0o600]);
    }
  } finally {
    await ctrlC(first);
  }

  // While it is stopped: a referral whose rows were written but whose
  // workflow never started, as when the API stops between the two steps.
  const db = createDb(databaseUrl);
  let orphanId: string;
  try {
    const orphan = await writeReferral({ db, policy: DEFAULT_POLICY }, keys.agency?.id as string, {
      learner: {
        firstName: 'Inès',
        lastName: 'Recovery',
        email: 'ines.recovery@learners.test',
        birthDate: '2005-02-03',
        gender: 'female',
        postalCode: '59100',
        qpvResident: true,
        diplomaLevel: 'none',
      },
      fabriqueId: keys.fabrique?.id as string,
    });
    orphanId = orphan.id;
    await db.journey.update({
      where: { id: orphan.id },
      data: { createdAt: new Date(Date.now() - 120_000) },
    });
  } finally {
    await db.$disconnect();
  }

  // Again: no new demo organisations, the same keys work, the journey is
  // still there, and the orphan referral's workflow is started.
  const second = await npmStart();
  try {
    expect(second.output()).not.toMatch(/Demo organisations created/);
    let orphan: { timeline: { action: string }[] } = { timeline: [] };
    for (let i = 0; i < 100 && orphan.timeline.length === 0; i++) {
      const r = await fetch(`http://localhost:${ports.api}/v1/journeys/${orphanId}`, {
        headers: { authorization: `Bearer ${keys.fabrique?.apiKey}` },
      });
      orphan = (await r.json()) as typeof orphan;
      if (orphan.timeline.length === 0) await new Promise((r) => setTimeout(r, 200));
    }
    expect(orphan.timeline.map((t) => t.action)).toEqual(['refer']);
    expect(second.output()).toMatch(/started 1 journey workflow\(s\) an earlier stop had left unstarted/);
    const res = await fetch(`http://localhost:${ports.api}/v1/journeys/${journeyId}`, {
      headers: { authorization: `Bearer ${keys.fabrique?.apiKey}` },
    });
    expect(res.status).toBe(200);
    const journey = (await res.json()) as { status: string; allowedActions: string[] };
    expect(journey.status).toBe('admitted');
    expect(journey.allowedActions).toContain('confirm-start');
  } finally {
    await ctrlC(second);
  }
}, 420_000);

test('TEMPORAL_SERVER=postgresql WORKERS=2 npm start runs the walk-through on a Temporal server on PostgreSQL; Ctrl-C stops it all, the server last', async () => {
  await ensureTemporalServer((m) => process.stdout.write(`[postgresql server] ${m}\n`));
  const pgData = mkdtempSync(path.join(os.tmpdir(), 'parcours-start-pg-'));
  // Short names of this checkout's own (a database name holds at most 63 characters).
  const tag = createHash('sha1').update(ROOT).digest('hex').slice(0, 10);
  const databases = [`parcours_start_${tag}`, `temporal_${tag}`, `temporal_visibility_${tag}`];
  const url = (name: string) => Object.assign(new URL(databaseUrl), { pathname: `/${name}` }).toString();
  for (const name of databases) await dropDatabase(url(name));
  const frontend = await freePortBetween(20_300, 32_400);
  const started = await npmStart({
    TEMPORAL_SERVER: 'postgresql',
    WORKERS: '2',
    PARCOURS_DATA_DIR: pgData,
    DATABASE_URL: url(databases[0] as string),
    TEMPORAL_SERVER_DB: databases[1],
    TEMPORAL_SERVER_VISIBILITY_DB: databases[2],
    TEMPORAL_PORT: String(frontend),
  });
  try {
    expect(started.output()).toMatch(/Temporal server: namespace default registered/);
    expect(started.output().match(/polling task queue/g)).toHaveLength(2);
    const work = mkdtempSync(path.join(os.tmpdir(), 'parcours-walk-'));
    const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', walkThrough(pgData)], {
      cwd: work,
      timeout: 120_000,
    });
    expect(stdout).toMatch(/^in_review$/m);
    expect(stdout).toMatch(/'admitted'/);
    // Its journeys are in the server's databases, not in a dev server's file.
    expect(existsSync(path.join(pgData, 'temporal.db'))).toBe(false);
    expect(statSync(path.join(pgData, 'temporal-server', 'config.yaml')).mode & 0o777).toBe(0o600);
  } finally {
    await ctrlC(started, [frontend, frontend - 300]);
    for (const name of databases) await dropDatabase(url(name));
  }
}, 900_000);

test.each([
  ['TEMPORAL_PORT', '99999', /TEMPORAL_PORT must be a port number \(1-65535\), not "99999"/],
  [
    'TEMPORAL_SERVER',
    'sqlite',
    /TEMPORAL_SERVER must be one of: "dev" \(.*\), "postgresql" \(.*\); not "sqlite"/,
  ],
  ['WORKERS', '0', /WORKERS must be a number of worker processes from 1 to 32, not "0"/],
])(
  '%s=%s stops npm start at once, naming the variable, with nothing left running',
  async (name, value, says) => {
    const result = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        ['scripts/start.mjs'],
        {
          cwd: ROOT,
          env: userEnv({ [name]: value }),
          timeout: 60_000,
        },
        (_err, stdout, stderr) => resolve({ code: child.exitCode, output: stdout + stderr }),
      );
    });
    expect(result.code).toBe(1);
    expect(result.output).toMatch(says);
    expect(result.output).not.toMatch(/Parcours is running/);
    for (const port of [ports.api, ports.ui]) expect(await portOpen(port)).toBe(false);
  },
);
