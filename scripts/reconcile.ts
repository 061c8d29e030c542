// `npm run reconcile [-- --fix]`: after a database restore, compares each
// running journey's workflow (the source of truth) with the read model and
// lists the differences; `--fix` rewrites the rows from the workflows.
// Exits with 1 when differences remain.
import { loadConfig } from '../config/env';
import { createDb } from '../prisma/client';
import { connectClient } from '../temporal/connections';
import { reconcile } from '../worker/reconcile';

async function main(): Promise<number> {
  const fix = process.argv.includes('--fix');
  const config = loadConfig();
  const db = createDb(config.databaseUrl);
  const client = await connectClient(config.temporal, config.encryption);
  try {
    const report = await reconcile({ db, client, taskQueue: config.temporal.taskQueue }, { fix });
    for (const d of report.differences) {
      console.log(
        `journey ${d.journeyId}: ${d.field} is ${JSON.stringify(d.readModel)} in the read model, ${JSON.stringify(d.workflow)} in the workflow`,
      );
    }
    for (const id of report.withoutRow) {
      console.log(
        `journey ${id}: running workflow without a row (its learner's data is not in this database)`,
      );
    }
    const journeys = new Set(report.differences.map((d) => d.journeyId)).size;
    console.log(
      `[reconcile] ${report.checked} running journeys checked; ${journeys} differ` +
        (fix
          ? `, ${report.fixed.length} rewritten from their workflow`
          : ' (run with --fix to rewrite them)') +
        `; ${report.withoutRow.length} without a row`,
    );
    const remaining = fix ? report.withoutRow.length : journeys + report.withoutRow.length;
    return remaining === 0 ? 0 : 1;
  } finally {
    await client.connection.close();
    await db.$disconnect();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`[reconcile] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
