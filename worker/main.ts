// The worker process: `npm run worker`. Runs until SIGINT/SIGTERM, then lets
// running activities finish before it exits.
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createMailer } from '../mail/mailer';
import { bundlePathFromEnv, loadConfig } from '../config/env';
import { connectWorker } from '../temporal/connections';
import { createDb } from '../prisma/client';
import { createJourneyWorker } from './create-worker';

async function main(): Promise<void> {
  const config = loadConfig();
  Runtime.install({ logger: new DefaultLogger(config.logLevel) });
  const db = createDb(config.databaseUrl);
  const mailer = createMailer({ smtpUrl: config.smtpUrl, mailDir: config.mailDir });
  const connection = await connectWorker(config.temporal);
  const worker = await createJourneyWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    workflowBundlePath: bundlePathFromEnv(),
    encryption: config.encryption,
    db,
    mailer,
    mailFrom: config.mailFrom,
    publicBaseUrl: config.publicBaseUrl,
    webhookRetry: config.webhooks.retry,
    webhookRules: config.webhooks.rules,
    log: (m) => console.warn(`[worker] ${m}`),
  });
  console.log(
    `[worker] polling task queue ${config.temporal.taskQueue} on ${config.temporal.address}; mail to ${mailer.description}`,
  );
  try {
    await worker.run();
  } finally {
    await connection.close();
    await db.$disconnect();
    mailer.close();
    console.log('[worker] stopped');
  }
}

main().catch((err: unknown) => {
  console.error(`[worker] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
