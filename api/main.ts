// The API process: `npm run api`.
import { createMailer } from '../mail/mailer';
import { mailCopiesFor } from '../store/mail-copies';
import { loadConfig } from '../config/env';
import { connectClient } from '../temporal/connections';
import { createDb } from '../prisma/client';
import { closeApp, createApp } from './app';
import { startMissingWorkflows } from './referrals';

async function main(): Promise<void> {
  const config = loadConfig();
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
  });
  const server = app.listen(config.port, () => {
    console.log(`[api] listening on http://localhost:${config.port} (docs: /docs)`);
  });
  // Referrals written just before an earlier API process stopped, whose workflow never started.
  startMissingWorkflows({ db, temporal, taskQueue: config.temporal.taskQueue, policy: config.policy }).then(
    (started) => {
      if (started)
        console.log(`[api] started ${started} journey workflow(s) an earlier stop had left unstarted`);
    },
    (err: unknown) =>
      console.error(
        `[api] could not check for unstarted journeys: ${err instanceof Error ? err.name : 'error'}`,
      ),
  );
  server.on('error', (err: NodeJS.ErrnoException) => {
    console.error(
      err.code === 'EADDRINUSE'
        ? `[api] port ${config.port} is taken; set PORT to another port`
        : `[api] ${err.message}`,
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

main().catch((err: unknown) => {
  console.error(`[api] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
