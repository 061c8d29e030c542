// The raw baseline's worker process: set up as the journey worker is
// (worker/main.ts: the same runtime, connection and worker options), on the
// task queue it is given (TEMPORAL_TASK_QUEUE), with activities that do nothing.
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { runProcess } from '../../observability/process';
import { connectWorker } from '../../temporal/connections';
import { installWorkerRuntime } from '../../worker/runtime';

runProcess('worker', async (logger, config) => {
  installWorkerRuntime({ logger, level: config.logLevel, metrics: config.workerMetrics });
  const connection = await connectWorker(config.temporal);
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    workflowsPath: path.resolve(__dirname, 'workflow.ts'),
    activities: { noop: async () => {} },
    shutdownGraceTime: '10 seconds',
    stickyQueueScheduleToStartTimeout: '3 seconds',
    ...(config.maxCachedWorkflows ? { maxCachedWorkflows: config.maxCachedWorkflows } : {}),
  });
  logger.info(`polling task queue ${config.temporal.taskQueue} (raw baseline)`);
  try {
    await worker.run();
  } finally {
    await connection.close();
  }
});
