#!/usr/bin/env node
// `npm start`: Parcours on one machine with nothing to configure. Installs
// what is missing, starts Temporal (the dev server, or with
// TEMPORAL_SERVER=postgresql a Temporal server on PostgreSQL) and migrates
// PostgreSQL, creates demo organisations on first run, then runs the workers
// (WORKERS, default 1) and the API. Ctrl-C stops everything it started.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULTS } from '../config/defaults.mjs';
import { topologyFromEnv, workerMetricsPorts } from '../config/topology.mjs';
import { ensureDependencies } from './lib/deps.mjs';

// Where `npm start` keeps its state (Temporal's journeys, keys, mail).
const DATA = path.resolve(process.env.PARCOURS_DATA_DIR || DEFAULTS.dataDir);
const MAIL_DIR = path.resolve(process.env.MAIL_DIR || path.join(DATA, 'mail'));
const port = (name, fallback) => {
  const value = process.env[name] || String(fallback);
  if (!/^\d{1,5}$/.test(value) || Number(value) < 1 || Number(value) > 65535) {
    fail(new Error(`${name} must be a port number (1-65535), not "${value}".`));
  }
  return Number(value);
};
const log = (m) => console.log(`[start] ${m}`);

function fail(err) {
  console.error(`\n[start] ${err.message ?? err}`);
  process.exit(1);
}

/** A folder 0700 and the files in it 0600, as an earlier version may have left them open. */
function keepPrivate(dir) {
  if (!existsSync(dir)) return;
  chmodSync(dir, 0o700);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile()) chmodSync(path.join(dir, entry.name), 0o600);
  }
}

async function main() {
  const t0 = Date.now();
  const topology = topologyFromEnv();
  // Each worker its own metrics port (base + i): two on one port, the second would stop.
  const metricsPorts = workerMetricsPorts(process.env, topology.workers);
  ensureDependencies(log);
  const { provisionDatabase, provisionTemporal } = await import('./lib/stack.mjs');
  const { databaseUrlFromEnv } = await import('./lib/database.mjs');
  // Everything kept here (the dev server's journeys, keys, emails with names
  // and survey links) is for this machine's owner only: files 0600, folders
  // 0700, those our children create too.
  process.umask(0o077);
  mkdirSync(DATA, { recursive: true, mode: 0o700 });
  keepPrivate(DATA);
  keepPrivate(MAIL_DIR);

  const children = [];
  let temporal;
  let stopping = false;
  const stopAll = async (code = 0) => {
    if (stopping) return;
    stopping = true;
    log('stopping…');
    // The worker and the API first, while Temporal still answers them; then Temporal.
    await Promise.all(
      children.map(
        (c) =>
          new Promise((resolve) => {
            if (c.exitCode !== null) return resolve();
            c.once('exit', resolve);
            c.kill('SIGTERM');
            setTimeout(() => c.kill('SIGKILL'), 15_000).unref();
          }),
      ),
    );
    await temporal?.stop();
    log('stopped.');
    process.exit(code);
  };
  // From the start: a Ctrl-C while provisioning stops what was started too.
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  const databaseUrl = databaseUrlFromEnv();
  temporal = await provisionTemporal({
    port: port('TEMPORAL_PORT', DEFAULTS.temporalPort),
    uiPort: port('TEMPORAL_UI_PORT', DEFAULTS.temporalUiPort),
    dbFile: path.join(DATA, 'temporal.db'),
    logFile: path.join(DATA, 'temporal.log'),
    log,
    topology,
    databaseUrl,
    dataDir: DATA,
    namespace: process.env.TEMPORAL_NAMESPACE || 'default',
  });
  if (stopping) return;

  try {
    await provisionDatabase(databaseUrl, { log });

    const adminKeyFile = path.join(DATA, 'admin-api-key');
    let adminKey = process.env.ADMIN_API_KEY;
    if (!adminKey) {
      // 32 random bytes, as the API requires; a shorter key an older version wrote is replaced.
      const saved = existsSync(adminKeyFile) ? readFileSync(adminKeyFile, 'utf8').trim() : '';
      if (!/^adm_[A-Za-z0-9_-]{43}$/.test(saved)) {
        if (saved) log(`Replacing the admin key in ${adminKeyFile}: it was shorter than 32 random bytes.`);
        writeFileSync(adminKeyFile, `adm_${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
      }
      adminKey = readFileSync(adminKeyFile, 'utf8').trim();
    }
    const apiPort = String(port('PORT', DEFAULTS.port));
    const env = {
      ...process.env,
      PARCOURS_DATA_DIR: DATA,
      TEMPORAL_ADDRESS: temporal.address,
      DATABASE_URL: databaseUrl,
      ADMIN_API_KEY: adminKey,
      PORT: apiPort,
      MAIL_DIR,
    };

    const seed = spawn(process.execPath, ['--import', 'tsx', 'scripts/seed-demo.ts'], {
      env,
      stdio: 'inherit',
    });
    const seedCode = await new Promise((r) => seed.on('exit', r));
    if (seedCode !== 0) throw new Error('Creating the demo organisations failed (see above).');

    const polling = new Set();
    const parts = [...Array.from({ length: topology.workers }, () => 'worker'), 'api'];
    for (const [i, part] of parts.entries()) {
      const name = topology.workers > 1 && part === 'worker' ? `worker ${i + 1}` : part;
      const metricsPort = part === 'worker' ? metricsPorts[i] : undefined;
      const child = spawn(process.execPath, ['--import', 'tsx', `${part}/main.ts`], {
        env: metricsPort ? { ...env, WORKER_METRICS_PORT: String(metricsPort) } : env,
        stdio: ['inherit', part === 'worker' ? 'pipe' : 'inherit', 'inherit'],
      });
      // A worker says when it polls (after bundling the workflows): only then is Parcours running.
      child.stdout?.on('data', (chunk) => {
        process.stdout.write(chunk);
        if (chunk.toString().includes('polling task queue')) polling.add(i);
      });
      child.on('exit', (code) => {
        if (!stopping) {
          console.error(`[start] the ${name} stopped (exit code ${code}); stopping everything.`);
          void stopAll(1);
        }
      });
      children.push(child);
    }

    const base = `http://localhost:${apiPort}`;
    const deadline = Date.now() + 120_000;
    let ready = false;
    const workersPolling = () => polling.size === topology.workers;
    while (!(ready && workersPolling()) && Date.now() < deadline && !stopping) {
      ready =
        ready ||
        (await fetch(`${base}/readyz`)
          .then((r) => r.ok)
          .catch(() => false));
      if (!(ready && workersPolling())) await new Promise((r) => setTimeout(r, 500));
    }
    // Ctrl-C while starting: stopAll is under way, and nothing timed out.
    if (stopping) return;
    if (!ready) throw new Error(`The API did not become ready on ${base}/readyz within 2 minutes.`);
    if (!workersPolling()) {
      throw new Error(`${topology.workers - polling.size} worker(s) did not start polling within 2 minutes.`);
    }
    const temporalKind = process.env.TEMPORAL_ADDRESS
      ? 'TEMPORAL_ADDRESS'
      : topology.temporalServer === 'postgresql'
        ? `Temporal server on PostgreSQL (log in ${path.relative(process.cwd(), path.join(DATA, 'temporal-server.log'))})`
        : 'dev server';
    console.log(`
Parcours is running (ready in ${Math.round((Date.now() - t0) / 1000)} s).
  Web app      ${base}/  (sign in as a demo member: addresses in ${path.relative(process.cwd(), path.join(DATA, 'demo-members.json'))};
               type one on ${base}/connexion, then open the link in the newest .eml of ${path.relative(process.cwd(), env.MAIL_DIR)}/
               titled "Votre lien de connexion à Parcours")
  API          ${base}/v1
  API docs     ${base}/docs
  Readiness    ${base}/readyz
  Temporal     ${temporal.address}, ${temporalKind} (${topology.workers} worker process${topology.workers > 1 ? 'es' : ''})
  Temporal UI  ${temporal.uiUrl ?? (process.env.TEMPORAL_ADDRESS ? '(external Temporal: see your cluster)' : 'none with this server: temporal workflow list --address ' + temporal.address)}
  Emails       ${env.SMTP_URL ? 'through SMTP_URL' : `written to ${path.relative(process.cwd(), env.MAIL_DIR)}/`}
  Admin key    in ${path.relative(process.cwd(), adminKeyFile)} (ADMIN_API_KEY)
  Demo keys    in ${path.relative(process.cwd(), path.join(DATA, 'demo-keys.json'))}
Press Ctrl-C to stop.
`);
  } catch (err) {
    console.error(`\n[start] ${err.message ?? err}`);
    await stopAll(1);
  }
}

main().catch(fail);
