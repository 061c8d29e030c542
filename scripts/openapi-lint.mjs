#!/usr/bin/env node
// Lints client/openapi.json with Redocly's recommended rules (redocly.yaml)
// and fails on any problem, warnings included: `redocly lint` alone fails on
// errors only. Prints the count, and Redocly's own report when there is one.
import { spawnSync } from 'node:child_process';

const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
const lint = (format) =>
  spawnSync('npx', ['redocly', 'lint', 'client/openapi.json', `--format=${format}`], {
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });

const res = lint('json');
let totals;
try {
  totals = JSON.parse(res.stdout).totals;
} catch {
  console.error(res.stdout, res.stderr);
  console.error('redocly lint gave no report');
  process.exit(1);
}
console.log(`OpenAPI lint: ${totals.errors} errors, ${totals.warnings} warnings, ${totals.ignored} ignored`);
if (totals.errors + totals.warnings + totals.ignored > 0) {
  console.log(lint('stylish').stdout);
  process.exit(1);
}
