// How `npm start` lays Parcours out on one machine: which Temporal server it
// runs (TEMPORAL_SERVER) and how many worker processes (WORKERS). Plain
// JavaScript, read by the npm scripts before dependencies are installed.
export const TOPOLOGY_DEFAULTS = Object.freeze({
  temporalServer: 'dev',
  workers: 1,
  temporalDatabase: 'parcours_temporal',
  visibilityDatabase: 'parcours_temporal_visibility',
});

const SERVERS = {
  dev: 'the Temporal dev server, its data in one SQLite file; the default',
  postgresql: 'a Temporal server built from go.temporal.io/server, its data in PostgreSQL',
};
const MAX_WORKERS = 32;

function databaseName(env, name, fallback) {
  const value = env[name] || fallback;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(value)) {
    throw new Error(
      `${name} must be a PostgreSQL database name in lower case (letters, digits, _), not "${value}".`,
    );
  }
  return value;
}

/** The topology the environment asks for; a clear error for a value that is not one. */
export function topologyFromEnv(env = process.env) {
  const temporalServer = env.TEMPORAL_SERVER || TOPOLOGY_DEFAULTS.temporalServer;
  if (!Object.hasOwn(SERVERS, temporalServer)) {
    throw new Error(
      `TEMPORAL_SERVER must be one of: ${Object.entries(SERVERS)
        .map(([k, v]) => `"${k}" (${v})`)
        .join(', ')}; not "${temporalServer}".`,
    );
  }
  if (temporalServer === 'postgresql' && env.TEMPORAL_ADDRESS) {
    throw new Error(
      `TEMPORAL_ADDRESS (${env.TEMPORAL_ADDRESS}) names a Temporal server to use, and ` +
        'TEMPORAL_SERVER=postgresql asks npm start to run one: set only one of them.',
    );
  }
  const workers = env.WORKERS || String(TOPOLOGY_DEFAULTS.workers);
  if (!/^\d{1,3}$/.test(workers) || Number(workers) < 1 || Number(workers) > MAX_WORKERS) {
    throw new Error(
      `WORKERS must be a number of worker processes from 1 to ${MAX_WORKERS}, not "${workers}".`,
    );
  }
  return {
    temporalServer,
    workers: Number(workers),
    temporalDatabase: databaseName(env, 'TEMPORAL_SERVER_DB', TOPOLOGY_DEFAULTS.temporalDatabase),
    visibilityDatabase: databaseName(
      env,
      'TEMPORAL_SERVER_VISIBILITY_DB',
      TOPOLOGY_DEFAULTS.visibilityDatabase,
    ),
  };
}

/**
 * The WORKER_METRICS_PORT each of `workers` worker processes gets: the port
 * given, plus the worker's index (9464, 9465…), since two workers cannot
 * share one; none when it is unset.
 */
export function workerMetricsPorts(env = process.env, workers = 1) {
  const value = env.WORKER_METRICS_PORT;
  if (value === undefined || value === '') return Array.from({ length: workers }, () => undefined);
  const base = Number(value);
  if (!/^\d{1,5}$/.test(value) || base < 1 || base + workers - 1 > 65535) {
    throw new Error(
      `WORKER_METRICS_PORT must be a port number from 1 to ${65536 - workers} with WORKERS=${workers} ` +
        `(worker i serves its metrics on WORKER_METRICS_PORT + i), not "${value}".`,
    );
  }
  return Array.from({ length: workers }, (_, i) => base + i);
}
