#!/usr/bin/env node
// `npm run bench`: speed and memory, measured against a real stack of its own
// (a Temporal dev server on a free port, a fresh `parcours_bench` database,
// the prebuilt workflow bundle). The measures themselves are in bench/run.ts;
// results go to the screen and to .data/bench/results.json.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ensureDependencies } from './lib/deps.mjs';

const log = (m) => console.log(`[bench] ${m}`);
const BENCH_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/parcours_bench';

let temporal;
let status = 1;
try {
  ensureDependencies(log);
  const { ensureTemporalCli, freePort, startDevServer } = await import('./lib/temporal.mjs');
  const { provisionDatabase } = await import('./lib/stack.mjs');
  const { buildWorkflowBundle } = await import('./build.mjs');
  const databaseUrl = process.env.BENCH_DATABASE_URL || BENCH_DATABASE_URL;
  const bundle = path.resolve('.data/bench/workflow-bundle.js');
  log('provisioning: Temporal dev server, database, workflow bundle…');
  const cli = await ensureTemporalCli(log);
  [temporal] = await Promise.all([
    startDevServer({ cli, port: await freePort() }),
    provisionDatabase(databaseUrl, { recreate: true, log }),
    buildWorkflowBundle(bundle),
  ]);
  status = await new Promise((resolve) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/run.ts'], {
      stdio: 'inherit',
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: temporal.address,
        DATABASE_URL: databaseUrl,
        WORKFLOW_BUNDLE: bundle,
      },
    });
    for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
    child.on('exit', (code) => resolve(code ?? 1));
  });
} catch (err) {
  console.error(`[bench] ${err.message ?? err}`);
} finally {
  await temporal?.stop();
}
process.exit(status);
