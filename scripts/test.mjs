#!/usr/bin/env node
// `npm test`: installs what is missing, builds the Temporal CLI and server if needed,
// runs the static checks (types, lint, format), then jest against a real
// Temporal dev server, PostgreSQL and an in-process SMTP server, then searches
// the run's output for learners' personal data. Ends with one line:
// `N passed, N failed, N skipped, N todo; static checks N ok, N failed; log scan ok`.
// The counts are jest's tests only. The run fails when anything failed, when
// no test passed, and, in a run of the whole suite, when a test was skipped.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ensureChromium, ensureDependencies } from './lib/deps.mjs';

const log = (m) => console.log(`[test] ${m}`);
const checks = { ok: 0, failed: 0 };
/** Why the run fails, beside the failed tests jest counts. */
const problems = [];

function step(name, cmd, args) {
  const t0 = Date.now();
  log(`${name}…`);
  const res = spawnSync(cmd, args, { stdio: 'inherit' });
  const ok = res.status === 0;
  checks[ok ? 'ok' : 'failed']++;
  log(`${name}: ${ok ? 'ok' : 'FAILED'} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return ok;
}

try {
  ensureDependencies(log);
  ensureChromium(log);
  const { ensureTemporalCli } = await import('./lib/temporal.mjs');
  if (!process.env.TEST_TEMPORAL_ADDRESS) await ensureTemporalCli(log);
  // test/postgresql-server.test.ts runs the production topology's Temporal
  // server: built here once (minutes, with progress), then found in .tools/bin.
  const { ensureTemporalServer } = await import('./lib/temporal-server.mjs');
  await ensureTemporalServer(log);
} catch (err) {
  console.error(`[test] ${err.message ?? err}`);
  console.log('0 passed, 0 failed, 0 skipped, 0 todo; nothing ran: the stack could not be prepared');
  process.exit(1);
}

step('type check (tsc)', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']);
step('lint (eslint)', 'npx', ['eslint', '.']);
step('format (prettier)', 'npx', ['prettier', '--check', '.', '--log-level', 'warn']);
step('OpenAPI document and client up to date (npm run client)', 'npx', [
  'tsx',
  'scripts/client.ts',
  '--check',
]);
step("OpenAPI lint (Redocly's recommended rules)", 'node', ['scripts/openapi-lint.mjs']);

mkdirSync('.data/test', { recursive: true });
const report = path.resolve('.data/test/jest-results.json');
// A report left by an earlier run must never be read as this run's.
rmSync(report, { force: true });
const filtered = process.argv.length > 2;
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
  child.on('exit', (status, signal) => out.end(() => resolve({ status, signal })));
});
const tests = { passed: 0, failed: 0, skipped: 0, todo: 0 };
let json;
try {
  json = JSON.parse(readFileSync(report, 'utf8'));
} catch {
  problems.push(`jest wrote no report (exit ${jest.signal ?? jest.status})`);
}
if (json) {
  tests.passed = json.numPassedTests;
  tests.failed = json.numFailedTests;
  tests.skipped = json.numPendingTests;
  tests.todo = json.numTodoTests;
  if (json.numRuntimeErrorTestSuites)
    problems.push(`${json.numRuntimeErrorTestSuites} test file(s) failed to run`);
  if (tests.passed === 0) problems.push('no test passed');
  if (!filtered && tests.skipped + tests.todo > 0) problems.push('tests were skipped or left todo');
}
if (jest.status !== 0 && tests.failed === 0 && problems.length === 0) {
  problems.push(`jest exited with ${jest.signal ?? jest.status}`);
}

// The test learners' names and emails have recognisable shapes (test/support/stack.ts).
const personal = /Prenom[0-9a-f]{8}|Nom[0-9a-f]{8}|learner-[0-9a-f]{8}@learners\.test/g;
const leaks = [...new Set(readFileSync(logFile, 'utf8').match(personal) ?? [])];
if (leaks.length) problems.push('personal data in the logs');
log(
  leaks.length
    ? `logs: FAILED, personal data of ${leaks.length} value(s) found in ${path.relative(process.cwd(), logFile)}`
    : 'logs: no learner name or email in the output of the whole run',
);
for (const problem of problems) log(`FAILED: ${problem}`);
console.log(
  `${tests.passed} passed, ${tests.failed} failed, ${tests.skipped} skipped, ${tests.todo} todo; ` +
    `static checks ${checks.ok} ok, ${checks.failed} failed; log scan ${leaks.length ? 'FAILED' : 'ok'}`,
);
process.exit(tests.failed === 0 && checks.failed === 0 && problems.length === 0 ? 0 : 1);
