// Builds the Temporal worker that runs journeys: the workflow code (a
// prebuilt bundle when one is given) and the activities with their deps.
import path from 'node:path';
import { existsSync } from 'node:fs';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { dataConverterFor, type EncryptionKeys } from '../config/codec';

export const WORKFLOWS_PATH = path.resolve(__dirname, '../workflows/index.ts');
export const DEFAULT_BUNDLE_PATH = path.resolve(__dirname, '../dist/workflow-bundle.js');

export interface JourneyWorkerOptions extends ActivityDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** A bundle made by `npm run build`; without it the workflows are bundled at start. */
  workflowBundlePath?: string;
  identity?: string;
  /** Payload encryption keys; the same as the clients'. */
  encryption?: EncryptionKeys;
}

/** The bundle to use: WORKFLOW_BUNDLE, or dist/ in production, or none (bundle at start). */
export function bundlePathFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  built: string = DEFAULT_BUNDLE_PATH,
): string | undefined {
  if (env.WORKFLOW_BUNDLE) return env.WORKFLOW_BUNDLE;
  if (env.NODE_ENV === 'production') {
    if (!existsSync(built)) {
      throw new Error(`NODE_ENV=production needs a prebuilt workflow bundle; run \`npm run build\` first.`);
    }
    return built;
  }
  return undefined;
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
    ...code,
  });
}
