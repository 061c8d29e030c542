// The worker process: `npm run worker`. Runs until SIGINT/SIGTERM, then lets
// running activities finish before it exits.
import { createMailer } from '../mail/mailer';
import { bundlePathFromEnv, type Config } from '../config/env';
import { connectWorker } from '../temporal/connections';
import { createDb } from '../prisma/client';
import type { Logger } from '../observability/logger';
import { runProcess } from '../observability/process';
import { createJourneyWorker } from './create-worker';
import { installWorkerRuntime } from './runtime';

async function main(logger: Logger, config: Config): Promise<void> {
  installWorkerRuntime({ logger, level: config.logLevel, metrics: config.workerMetrics });
  if (config.workerMetrics) {
    const { host, port } = config.workerMetrics;
    logger.info({ port }, `Temporal SDK metrics on http://${host}:${port}/metrics`);
  }
  const db = createDb(config.databaseUrl);
  const mailer = createMailer({ smtpUrl: config.smtpUrl, mailDir: config.mailDir });
  const connection = await connectWorker(config.temporal);
  const worker = await createJourneyWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    workflowBundlePath: bundlePathFromEnv(),
    encryption: config.encryption,
    maxCachedWorkflows: config.maxCachedWorkflows,
    db,
    mailer,
    mailFrom: config.mailFrom,
    publicBaseUrl: config.publicBaseUrl,
    webhookRetry: config.webhooks.retry,
    webhookRules: config.webhooks.rules,
    log: (m) => logger.warn(m),
  });
  logger.info(
    { taskQueue: config.temporal.taskQueue },
    `polling task queue ${config.temporal.taskQueue} on ${config.temporal.address}; mail to ${mailer.description}`,
  );
  try {
    await worker.run();
  } finally {
    await connection.close();
    await db.$disconnect();
    mailer.close();
    logger.info('stopped');
  }
}

runProcess('worker', main);
