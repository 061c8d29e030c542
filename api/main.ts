// The API process: `npm run api`.
import { createMailer } from '../mail/mailer';
import { mailCopiesFor } from '../store/mail-copies';
import type { Config } from '../config/env';
import { connectClient } from '../temporal/connections';
import { createDb } from '../prisma/client';
import type { Logger } from '../observability/logger';
import { runProcess } from '../observability/process';
import { closeApp, createApp } from './app';
import { startMissingWorkflows } from './referrals';

async function main(logger: Logger, config: Config): Promise<void> {
  const db = createDb(config.databaseUrl);
  const temporal = await connectClient(config.temporal, config.encryption);
  const app = createApp({
    db,
    temporal,
    taskQueue: config.temporal.taskQueue,
    policy: config.policy,
    publicBaseUrl: config.publicBaseUrl,
    adminApiKey: config.adminApiKey,
    trustProxy: config.trustProxy,
    startedTarget: config.startedTarget,
    limits: { corsOrigins: config.corsOrigins },
    encryption: config.encryption,
    mailCopies: mailCopiesFor({ smtpUrl: config.smtpUrl, mailDir: config.mailDir }),
    mailer: createMailer({ smtpUrl: config.smtpUrl, mailDir: config.mailDir }),
    mailFrom: config.mailFrom,
    csrfSecret: config.csrfSecret,
    webhookRules: config.webhooks.rules,
    logger,
    metricsAccess: { token: config.metricsToken, behindProxy: Boolean(config.trustProxy) },
  });
  const server = app.listen(config.port, () => {
    logger.info(
      { port: config.port },
      `listening on http://localhost:${config.port} (docs: /docs, metrics: /metrics)`,
    );
  });
  // Referrals written just before an earlier API process stopped, whose workflow never started.
  startMissingWorkflows({ db, temporal, taskQueue: config.temporal.taskQueue, policy: config.policy }).then(
    (started) => {
      if (started)
        logger.info({ started }, `started ${started} journey workflow(s) an earlier stop had left unstarted`);
    },
    (err: unknown) =>
      logger.error(`could not check for unstarted journeys: ${err instanceof Error ? err.name : 'error'}`),
  );
  server.on('error', (err: NodeJS.ErrnoException) => {
    logger.fatal(
      err.code === 'EADDRINUSE' ? `port ${config.port} is taken; set PORT to another port` : err.message,
    );
    process.exit(1);
  });
  const stop = () => {
    server.close(() => {
      void Promise.all([closeApp(app), temporal.connection.close(), db.$disconnect()]).finally(() =>
        process.exit(0),
      );
    });
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

runProcess('api', main);
