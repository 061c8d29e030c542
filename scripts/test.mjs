#!/usr/bin/env node
// `npm test`: installs what is missing, builds the Temporal CLI if needed,
// runs the static checks (types, lint, format), then jest against a real
// Temporal dev server, PostgreSQL and an in-process SMTP server. Ends with
// `N passed, N failed`.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ensureChromium, ensureDependencies } from './lib/deps.mjs';

const log = (m) => console.log(`[test] ${m}`);
const results = { passed: 0, failed: 0 };

function step(name, cmd, args) {
  const t0 = Date.now();
  log(`${name}…`);
  const res = spawnSync(cmd, args, { stdio: 'inherit' });
  const ok = res.status === 0;
  results[ok ? 'passed' : 'failed']++;
  log(`${name}: ${ok ? 'ok' : 'FAILED'} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return ok;
}

try {
  ensureDependencies(log);
  ensureChromium(log);
  const { ensureTemporalCli } = await import('./lib/temporal.mjs');
  if (!process.env.TEST_TEMPORAL_ADDRESS) await ensureTemporalCli(log);
} catch (err) {
  console.error(`[test] ${err.message ?? err}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

step('type check (tsc)', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']);
step('lint (eslint)', 'npx', ['eslint', '.']);
step('format (prettier)', 'npx', ['prettier', '--check', '.', '--log-level', 'warn']);

mkdirSync('.data/test', { recursive: true });
const report = path.resolve('.data/test/jest-results.json');
const jestArgs = ['jest', '--json', `--outputFile=${report}`, ...process.argv.slice(2)];
log('jest…');
// Everything the tests, the workers and the API print goes to the screen and
// to a log file, which is then searched for learners' personal data.
const logFile = path.resolve('.data/test/run.log');
const jest = await new Promise((resolve) => {
  const out = createWriteStream(logFile);
  const child = spawn('npx', jestArgs, { stdio: ['inherit', 'pipe', 'pipe'] });
  child.stdout.on('data', (d) => (process.stdout.write(d), out.write(d)));
  child.stderr.on('data', (d) => (process.stderr.write(d), out.write(d)));
  child.on('exit', (status) => out.end(() => resolve({ status })));
});
try {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  results.passed += json.numPassedTests;
  results.failed += json.numFailedTests + (json.numRuntimeErrorTestSuites ?? 0);
  if (json.numTotalTests === 0) results.failed++;
} catch {
  results.failed++;
}
if (jest.status !== 0 && results.failed === 0) results.failed++;

// The test learners' names and emails have recognisable shapes (test/support/stack.ts).
const personal = /Prenom[0-9a-f]{8}|Nom[0-9a-f]{8}|learner-[0-9a-f]{8}@learners\.test/g;
const leaks = [...new Set(readFileSync(logFile, 'utf8').match(personal) ?? [])];
results[leaks.length ? 'failed' : 'passed']++;
log(
  leaks.length
    ? `logs: FAILED, personal data of ${leaks.length} value(s) found in ${path.relative(process.cwd(), logFile)}`
    : 'logs: no learner name or email in the output of the whole run',
);
console.log(`${results.passed} passed, ${results.failed} failed`);
process.exit(results.failed === 0 ? 0 : 1);
