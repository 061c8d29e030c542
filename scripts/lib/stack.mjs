// Brings up what Parcours needs on one machine: Temporal (an address, a dev
// server from a local CLI, or a Temporal server on PostgreSQL) and PostgreSQL
// (migrated).
import path from 'node:path';
import { DEFAULTS } from '../../config/defaults.mjs';
import { ensureDatabase } from './database.mjs';
import { ensureTemporalCli, portOpen, startDevServer, waitForTemporal } from './temporal.mjs';

/**
 * TEMPORAL_ADDRESS when set; with `topology.temporalServer` "postgresql", a
 * Temporal server on PostgreSQL (its databases next to `databaseUrl`'s,
 * its config in `dataDir`); otherwise a dev server on `port` (journeys kept
 * in `dbFile`), or the one already running there.
 */
export async function provisionTemporal({
  port = DEFAULTS.temporalPort,
  uiPort = DEFAULTS.temporalUiPort,
  dbFile,
  logFile,
  log = console.log,
  topology,
  databaseUrl,
  dataDir,
  namespace,
} = {}) {
  if (process.env.TEMPORAL_ADDRESS) {
    log(`Temporal: using TEMPORAL_ADDRESS=${process.env.TEMPORAL_ADDRESS}`);
    await waitForTemporal(process.env.TEMPORAL_ADDRESS, 15_000);
    return { address: process.env.TEMPORAL_ADDRESS, uiUrl: null, stop: async () => {} };
  }
  if (topology?.temporalServer === 'postgresql') {
    const { startPostgresServer } = await import('./temporal-server.mjs');
    return startPostgresServer({ databaseUrl, databases: topology, port, dataDir, namespace, log });
  }
  const cli = await ensureTemporalCli(log);
  if (await portOpen(port)) {
    try {
      await waitForTemporal(`127.0.0.1:${port}`, 5_000);
    } catch {
      throw new Error(
        `Port ${port} is taken by something that is not a Temporal server.\n` +
          `  Stop it, set TEMPORAL_PORT to a free port, or set TEMPORAL_ADDRESS to a running Temporal server.`,
      );
    }
    log(`Temporal: a server already answers on 127.0.0.1:${port}; using it.`);
    return { address: `127.0.0.1:${port}`, uiUrl: `http://127.0.0.1:${uiPort}`, stop: async () => {} };
  }
  if (uiPort && (await portOpen(uiPort))) {
    throw new Error(
      `Port ${uiPort} (Temporal Web UI) is taken. Free it, set TEMPORAL_UI_PORT to a free port, or set TEMPORAL_ADDRESS.`,
    );
  }
  log(
    `Temporal: starting the dev server (${path.relative(process.cwd(), cli)}), data in ${dbFile ?? 'memory'}…`,
  );
  return startDevServer({ cli, port, uiPort, dbFile, logFile });
}

/** Creates the database if needed and applies the migrations. */
export async function provisionDatabase(databaseUrl, { recreate = false, log = console.log } = {}) {
  const { created } = await ensureDatabase(databaseUrl, { recreate });
  if (created) log(`PostgreSQL: created database ${new URL(databaseUrl).pathname.slice(1)}`);
  const { migrate } = await import('../db-migrate.mjs');
  const applied = await migrate(databaseUrl, { quiet: true });
  for (const name of applied) log(`PostgreSQL: applied migration ${name}`);
}
