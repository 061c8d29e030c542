// Once per jest run: a Temporal dev server of our own (in memory, free port),
// a fresh test database, migrated, and one workflow bundle for every worker.
import path from 'node:path';
import { provisionDatabase } from '../../scripts/lib/stack.mjs';
import { ensureTemporalCli, freePort, startDevServer, waitForTemporal } from '../../scripts/lib/temporal.mjs';
import { buildWorkflowBundle } from '../../scripts/build.mjs';

/**
 * One test database per checkout, so that two checkouts side by side (git
 * worktrees) never recreate each other's database mid-run.
 */
export const TEST_DATABASE_URL = `postgresql://postgres@127.0.0.1:5432/parcours_test_${path
  .basename(process.cwd())
  .toLowerCase()
  .replace(/[^a-z0-9]+/g, '_')
  .slice(0, 40)}`;

export default async function globalSetup() {
  const log = (m) => process.stdout.write(`[test setup] ${m}\n`);
  const started = Date.now();
  // One bundle per run, so that parallel runs (TEST_DATABASE_URL set apart) do not collide.
  const bundle = path.resolve(`.data/test/workflow-bundle-${process.pid}.js`);
  globalThis.__parcoursBundle = bundle;
  const [temporal] = await Promise.all([
    (async () => {
      if (process.env.TEST_TEMPORAL_ADDRESS) {
        await waitForTemporal(process.env.TEST_TEMPORAL_ADDRESS, 15_000);
        return { address: process.env.TEST_TEMPORAL_ADDRESS, stop: async () => {} };
      }
      const cli = await ensureTemporalCli(log);
      return startDevServer({ cli, port: await freePort() });
    })(),
    provisionDatabase(process.env.TEST_DATABASE_URL || TEST_DATABASE_URL, { recreate: true, log }),
    buildWorkflowBundle(bundle),
  ]);
  globalThis.__parcoursTemporal = temporal;
  // Test workers are forked after this and inherit these.
  process.env.TEMPORAL_ADDRESS = temporal.address;
  process.env.DATABASE_URL = process.env.TEST_DATABASE_URL || TEST_DATABASE_URL;
  process.env.WORKFLOW_BUNDLE = bundle;
  log(`Temporal ${temporal.address}, database ready, workflows bundled in ${Date.now() - started} ms`);
}
