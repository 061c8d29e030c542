#!/usr/bin/env node
// `npm run worker` / `npm run api`: one part alone, against the services the
// environment names (TEMPORAL_ADDRESS, DATABASE_URL…; defaults: localhost).
import { spawn } from 'node:child_process';
import { ensureDependencies } from './lib/deps.mjs';

const part = process.argv[2];
if (part !== 'worker' && part !== 'api') {
  console.error('Usage: node scripts/run.mjs worker|api');
  process.exit(1);
}
ensureDependencies((m) => console.log(`[${part}] ${m}`));
const child = spawn(process.execPath, ['--import', 'tsx', `${part}/main.ts`], { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 1));
