#!/usr/bin/env node
// `npm run build`: the workflow bundle used by workers outside development.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

export async function buildWorkflowBundle(outFile = path.resolve('dist/workflow-bundle.js')) {
  const { code } = await bundleWorkflowCode({
    workflowsPath: path.resolve('workflows/index.ts'),
    logger: { info() {}, warn: console.warn, error: console.error, debug() {}, trace() {}, log() {} },
  });
  await mkdir(path.dirname(outFile), { recursive: true });
  await writeFile(outFile, code);
  return outFile;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = await buildWorkflowBundle();
  console.log(`Workflow bundle written to ${path.relative(process.cwd(), out)}`);
}
