#!/usr/bin/env node
// Lints client/openapi.json with Redocly's recommended rules (redocly.yaml)
// and fails on any problem, warnings included: `redocly lint` alone fails on
// errors only. Prints the count, and Redocly's own report when there is one.
// Then the project's own rules, which Redocly's do not cover: every request
// body has an example, every error response is application/problem+json.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'client/openapi.json';
const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
const lint = (format) =>
  spawnSync('npx', ['redocly', 'lint', file, `--format=${format}`], {
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

const document = JSON.parse(readFileSync(file, 'utf8'));
const own = [];
for (const [path, item] of Object.entries(document.paths)) {
  for (const [method, operation] of Object.entries(item)) {
    const where = `${method.toUpperCase()} ${path}`;
    for (const [type, media] of Object.entries(operation.requestBody?.content ?? {})) {
      if (media.example === undefined && media.examples === undefined)
        own.push(`${where}: no example for ${type}`);
    }
    for (const [status, response] of Object.entries(operation.responses)) {
      if (Number(status) >= 400 && !response.content?.['application/problem+json']) {
        own.push(`${where}: ${status} is not application/problem+json`);
      }
    }
  }
}
console.log(`OpenAPI own rules (examples, problem+json): ${own.length} problems`);
if (own.length) {
  for (const problem of own) console.log(`  ${problem}`);
  process.exit(1);
}
