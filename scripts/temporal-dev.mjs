#!/usr/bin/env node
// `npm run temporal`: the Temporal dev server alone (data in .data/), for
// running `npm run worker` and `npm run api` separately.
import path from 'node:path';
import { DEFAULTS } from '../config/defaults.mjs';
import { ensureTemporalCli, startDevServer } from './lib/temporal.mjs';

const cli = await ensureTemporalCli();
const server = await startDevServer({
  cli,
  port: Number(process.env.TEMPORAL_PORT || DEFAULTS.temporalPort),
  uiPort: Number(process.env.TEMPORAL_UI_PORT || DEFAULTS.temporalUiPort),
  dbFile: path.resolve(DEFAULTS.dataDir, 'temporal.db'),
  logFile: path.resolve(DEFAULTS.dataDir, 'temporal.log'),
});
console.log(`Temporal dev server on ${server.address}, Web UI ${server.uiUrl}. Ctrl-C to stop.`);
const stop = () => void server.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
