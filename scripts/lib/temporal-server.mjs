// The production topology's Temporal server on one machine: go.temporal.io/server
// built from Go modules into .tools/bin (like the CLI), its persistence and
// visibility in two PostgreSQL databases, its config in the data folder.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ensureDatabase } from './database.mjs';
import { findGo, goInstall, runServerProcess, toolsBin } from './temporal.mjs';
import { DYNAMIC_CONFIG, serverConfig, serverPorts } from './temporal-server-config.mjs';

export const SERVER_VERSION = '1.32.1';
/** The Go it needs (its go.mod); GOTOOLCHAIN=local keeps Go from fetching another. */
const GO_NEEDED = '1.26.8';
const MODULES = {
  'temporal-server': `go.temporal.io/server/cmd/server@v${SERVER_VERSION}`,
  'temporal-sql-tool': `go.temporal.io/server/cmd/tools/sql@v${SERVER_VERSION}`,
};
/** What `go install` names each binary (the last element of its package path). */
const INSTALLED_AS = { 'temporal-server': 'server', 'temporal-sql-tool': 'sql' };
const run = promisify(execFile);

/** The binaries in .tools/bin when they are there and of this version; otherwise null. */
export function findTemporalServer(bin = toolsBin) {
  const server = path.join(bin, 'temporal-server');
  const sqlTool = path.join(bin, 'temporal-sql-tool');
  if (!existsSync(server) || !existsSync(sqlTool)) return null;
  const version = spawnSync(server, ['--version'], { encoding: 'utf8' }).stdout ?? '';
  return version.includes(SERVER_VERSION) ? { server, sqlTool } : null;
}

function goVersion(go) {
  const out = spawnSync(go, ['env', 'GOVERSION'], { encoding: 'utf8' }).stdout?.trim() ?? '';
  return /^go(\d+(?:\.\d+){1,2})/.exec(out)?.[1] ?? null;
}

function atLeast(version, wanted) {
  const a = version.split('.').map(Number);
  const b = wanted.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}

/**
 * Finds `temporal-server` and `temporal-sql-tool` in .tools/bin, or builds
 * them there (about 10 minutes on 2 cores the first time; Go's build cache
 * makes a rebuild take well under a minute).
 */
export async function ensureTemporalServer(log = console.log, bin = toolsBin) {
  const found = findTemporalServer(bin);
  if (found) return found;
  const go = findGo();
  const version = go && goVersion(go);
  if (!go || !version || !atLeast(version, GO_NEEDED)) {
    throw new Error(
      `TEMPORAL_SERVER=postgresql builds the Temporal server (go.temporal.io/server v${SERVER_VERSION}) ` +
        `from Go modules, and it needs Go ${GO_NEEDED} or newer: ` +
        `${go ? `${go} is Go ${version ?? 'of an unknown version'}` : 'Go is not installed'}.\n` +
        `  Install Go ${GO_NEEDED}+ (https://go.dev/dl, into /usr/local/go), or run the default ` +
        'TEMPORAL_SERVER=dev, or set TEMPORAL_ADDRESS to a running Temporal server.',
    );
  }
  mkdirSync(bin, { recursive: true });
  // Built beside .tools/bin, then moved in: an interrupted build leaves nothing half there.
  const staging = mkdtempSync(path.join(path.dirname(bin), 'go-build-'));
  try {
    await goInstall(Object.values(MODULES), {
      gobin: staging,
      what: `the Temporal server v${SERVER_VERSION} and its SQL schema tool`,
      log,
      env: { GOTOOLCHAIN: 'local' },
    });
    for (const [name, built] of Object.entries(INSTALLED_AS)) {
      renameSync(path.join(staging, built), path.join(bin, name));
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  const built = findTemporalServer(bin);
  if (!built) throw new Error(`The Temporal server built into ${bin} does not say it is v${SERVER_VERSION}.`);
  return built;
}

/** Where the server's databases live: the PostgreSQL of `databaseUrl`, under the given names. */
export function serverDatabases(databaseUrl, { temporalDatabase, visibilityDatabase }) {
  const url = new URL(databaseUrl);
  return {
    host: url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username) || process.env.PGUSER || os.userInfo().username,
    password: decodeURIComponent(url.password),
    temporal: temporalDatabase,
    visibility: visibilityDatabase,
  };
}

/**
 * Creates the two databases if needed and brings their schemas to the
 * versions this server expects (each step does nothing when already done).
 */
export async function migrateServerDatabases(sqlTool, db, log = console.log) {
  const env = {
    ...process.env,
    SQL_PLUGIN: 'postgres12',
    SQL_HOST: db.host,
    SQL_PORT: String(db.port),
    SQL_USER: db.user,
    // In the environment rather than on the command line, where `ps` shows it.
    SQL_PASSWORD: db.password,
  };
  const steps = (name, schema) =>
    [['create-database'], ['setup-schema', '-v', '0.0'], ['update-schema', '--schema-name', schema]].map(
      (args) => ['--db', name, ...args],
    );
  await Promise.all(
    [
      [db.temporal, 'postgresql/v12/temporal'],
      [db.visibility, 'postgresql/v12/visibility'],
    ].map(async ([name, schema]) => {
      for (const args of steps(name, schema)) {
        try {
          await run(sqlTool, args, { env });
        } catch (err) {
          throw new Error(
            `The Temporal SQL tool failed on database ${name} at ${db.host}:${db.port} ` +
              `(${args.slice(2).join(' ')}):\n${err.stderr || err.message}`,
            { cause: err },
          );
        }
      }
      log(`Temporal server: database ${name} ready (schema ${schema})`);
    }),
  );
}

/** Resolves when nothing holds 127.0.0.1:port, so that the server may bind it. */
function canBind(port) {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** A port nothing holds, drawn from [from, to] (membership ports must stay under 32768). */
export async function freePortBetween(from, to, avoid = []) {
  for (let i = 0; i < 200; i++) {
    const port = from + Math.floor(Math.random() * (to - from + 1));
    if (!avoid.includes(port) && (await canBind(port))) return port;
  }
  throw new Error(`No free port between ${from} and ${to} after 200 tries.`);
}

async function refuseTakenPorts(ports) {
  for (const [role, port] of Object.entries(ports)) {
    if (!(await canBind(port))) {
      throw new Error(
        `Port ${port} (the Temporal server's ${role} port) is taken. Stop what holds it, or set ` +
          `TEMPORAL_PORT to move all the server's ports (now ${Object.values(ports).join(', ')}).`,
      );
    }
  }
}

/** Registers the namespace; one that already exists is left as it is. */
export async function registerNamespace(address, namespace, retentionDays = 3) {
  const { Connection } = await import('@temporalio/client');
  const connection = await Connection.connect({ address });
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: { seconds: retentionDays * 86_400 },
    });
    return true;
  } catch (err) {
    // gRPC ALREADY_EXISTS
    if (err.code === 6) return false;
    throw new Error(`Registering the Temporal namespace ${namespace} failed: ${err.message}`, { cause: err });
  } finally {
    await connection.close();
  }
}

/**
 * Builds the server if needed, migrates its databases, writes its config
 * into `dataDir` and starts it; resolves once the frontend answers and the
 * namespace is there. The result has the dev server's shape (address, stop).
 */
export async function startPostgresServer({
  databaseUrl,
  databases,
  port,
  ports: given,
  dataDir,
  logFile = path.join(dataDir, 'temporal-server.log'),
  namespace = 'default',
  log = console.log,
}) {
  const ports = serverPorts(port, given);
  await refuseTakenPorts(ports);
  // Says clearly when PostgreSQL does not answer or refuses the login, before the server's tool does.
  await ensureDatabase(databaseUrl);
  const { server, sqlTool } = await ensureTemporalServer(log);
  const db = serverDatabases(databaseUrl, databases);
  await migrateServerDatabases(sqlTool, db, log);
  const dir = path.join(dataDir, 'temporal-server');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const configFile = path.join(dir, 'config.yaml');
  const dynamicConfigFile = path.join(dir, 'dynamic-config.yaml');
  writeFileSync(dynamicConfigFile, DYNAMIC_CONFIG, { mode: 0o600 });
  writeFileSync(configFile, serverConfig({ ports, db, dynamicConfigFile }), { mode: 0o600 });
  log(
    `Temporal server: starting v${SERVER_VERSION} on 127.0.0.1:${ports.frontend}, log in ${path.relative(process.cwd(), logFile)}…`,
  );
  const running = await runServerProcess(server, ['--config-file', configFile, '--allow-no-auth', 'start'], {
    address: `127.0.0.1:${ports.frontend}`,
    logFile,
    name: 'server',
    env: { ...process.env, TEMPORAL_SQL_PASSWORD: db.password },
  });
  try {
    if (await registerNamespace(running.address, namespace)) {
      log(`Temporal server: namespace ${namespace} registered`);
    }
  } catch (err) {
    await running.stop();
    throw err;
  }
  return { ...running, uiUrl: null, ports };
}
