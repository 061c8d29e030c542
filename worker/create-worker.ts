// Builds the Temporal worker that runs journeys: the workflow code (a
// prebuilt bundle when one is given) and the activities with their deps.
import path from 'node:path';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { dataConverterFor, type EncryptionKeys } from '../temporal/payload-codec';

export const WORKFLOWS_PATH = path.resolve(__dirname, '../workflows/index.ts');

export interface JourneyWorkerOptions extends ActivityDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** A bundle made by `npm run build`; without it the workflows are bundled at start. */
  workflowBundlePath?: string;
  identity?: string;
  /** Payload encryption keys; the same as the clients'. */
  encryption?: EncryptionKeys;
  /** Workflows kept in memory between their tasks; the SDK's default (from the heap limit) without it. */
  maxCachedWorkflows?: number;
}

export async function createJourneyWorker(options: JourneyWorkerOptions): Promise<Worker> {
  const code: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> = options.workflowBundlePath
    ? { workflowBundle: { codePath: options.workflowBundlePath } }
    : { workflowsPath: WORKFLOWS_PATH };
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.identity ? { identity: options.identity } : {}),
    activities: createActivities(options),
    dataConverter: dataConverterFor(options.encryption),
    // On SIGINT/SIGTERM, running activities get this long to finish.
    shutdownGraceTime: '10 seconds',
    // A journey cached by a worker that died goes to another worker after
    // this long (10 s by default), so its next action is not held up.
    stickyQueueScheduleToStartTimeout: '3 seconds',
    ...(options.maxCachedWorkflows ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
    ...code,
  });
}
