#!/usr/bin/env node
// `npm run temporal`: the Temporal server alone (the dev server, data in
// .data/; or with TEMPORAL_SERVER=postgresql the Temporal server on
// PostgreSQL), for running `npm run worker` and `npm run api` separately.
import path from 'node:path';
import { DEFAULTS } from '../config/defaults.mjs';
import { topologyFromEnv } from '../config/topology.mjs';
import { databaseUrlFromEnv } from './lib/database.mjs';
import { provisionTemporal } from './lib/stack.mjs';

try {
  const server = await provisionTemporal({
    port: Number(process.env.TEMPORAL_PORT || DEFAULTS.temporalPort),
    uiPort: Number(process.env.TEMPORAL_UI_PORT || DEFAULTS.temporalUiPort),
    dbFile: path.resolve(DEFAULTS.dataDir, 'temporal.db'),
    logFile: path.resolve(DEFAULTS.dataDir, 'temporal.log'),
    topology: topologyFromEnv(),
    databaseUrl: databaseUrlFromEnv(),
    dataDir: path.resolve(process.env.PARCOURS_DATA_DIR || DEFAULTS.dataDir),
    namespace: process.env.TEMPORAL_NAMESPACE || 'default',
  });
  console.log(`Temporal on ${server.address}, Web UI ${server.uiUrl ?? 'none'}. Ctrl-C to stop.`);
  const stop = () => void server.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (err) {
  console.error(err.message ?? err);
  process.exit(1);
}
