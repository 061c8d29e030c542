#!/usr/bin/env node
// `npm run bench`: speed and memory, measured against real stacks of its own.
// - pages (bench/run.ts): the HTTP routes and web pages, on a Temporal dev
//   server on a free port, a fresh `parcours_bench` database, the prebuilt
//   workflow bundle;
// - ratios, lifecycle, asleep (bench/topology.ts): the production topology
//   (API and worker processes, PostgreSQL of its own) against raw Temporal,
//   once per server kind of BENCH_SERVERS (the dev server, the Temporal
//   server on PostgreSQL).
// Results go to the screen and to .data/bench/results.json, with a table in
// Markdown for the README in .data/bench/table.md.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchConfig } from '../config/bench.mjs';
import { ensureDependencies } from './lib/deps.mjs';
import { topologyTable } from './lib/bench-table.mjs';

const log = (m) => console.log(`[bench] ${m}`);
const BENCH_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/parcours_bench';
const DIR = path.resolve('.data/bench');

function runChild(args, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: 'inherit', env: { ...process.env, ...env } });
    const stop = (sig) => child.kill(sig);
    process.on('SIGINT', stop).on('SIGTERM', stop);
    child.on('exit', (code) => {
      process.off('SIGINT', stop).off('SIGTERM', stop);
      resolve(code ?? 1);
    });
  });
}

async function pages(bundle) {
  const { ensureTemporalCli, freePort, startDevServer } = await import('./lib/temporal.mjs');
  const { provisionDatabase } = await import('./lib/stack.mjs');
  const databaseUrl = process.env.BENCH_DATABASE_URL || BENCH_DATABASE_URL;
  log('pages: provisioning a Temporal dev server and a database…');
  const cli = await ensureTemporalCli(log);
  let temporal;
  try {
    [temporal] = await Promise.all([
      startDevServer({ cli, port: await freePort() }),
      provisionDatabase(databaseUrl, { recreate: true, log }),
    ]);
    return await runChild(['--expose-gc', '--import', 'tsx', 'bench/run.ts'], {
      TEMPORAL_ADDRESS: temporal.address,
      DATABASE_URL: databaseUrl,
      WORKFLOW_BUNDLE: bundle,
    });
  } finally {
    await temporal?.stop();
  }
}

let status = 0;
try {
  const config = benchConfig();
  ensureDependencies(log);
  mkdirSync(DIR, { recursive: true });
  const { buildWorkflowBundle } = await import('./build.mjs');
  const bundle = path.join(DIR, 'workflow-bundle.js');
  await buildWorkflowBundle(bundle);
  const results = { at: new Date().toISOString(), cpus: os.cpus().length, config };
  const pagesFile = path.join(DIR, 'pages.json');
  if (config.parts.includes('pages')) {
    rmSync(pagesFile, { force: true });
    status ||= await pages(bundle);
    if (existsSync(pagesFile)) results.pages = JSON.parse(readFileSync(pagesFile, 'utf8'));
  }
  if (config.parts.some((p) => p !== 'pages')) {
    const lines = path.join(DIR, 'topology.jsonl');
    rmSync(lines, { force: true });
    for (const server of config.servers) rmSync(`${lines}.${server}.partial.json`, { force: true });
    for (const server of config.servers) {
      if (server === 'postgresql') {
        const { ensureTemporalServer } = await import('./lib/temporal-server.mjs');
        await ensureTemporalServer(log);
      }
      status ||= await runChild(['--import', 'tsx', 'bench/topology.ts', server, lines], {
        WORKFLOW_BUNDLE: bundle,
      });
    }
    results.topology = existsSync(lines)
      ? readFileSync(lines, 'utf8')
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l))
      : [];
    // A server whose run stopped midway: the parts it finished.
    for (const server of config.servers) {
      const partial = `${lines}.${server}.partial.json`;
      if (!results.topology.some((r) => r.server === server) && existsSync(partial)) {
        results.topology.push({ ...JSON.parse(readFileSync(partial, 'utf8')), stopped: true });
      }
    }
    const table = topologyTable(results.topology);
    writeFileSync(path.join(DIR, 'table.md'), table);
    console.log(`\n${table}`);
  }
  writeFileSync(path.join(DIR, 'results.json'), JSON.stringify(results, null, 2));
  log(`results in ${path.relative(process.cwd(), path.join(DIR, 'results.json'))}`);
} catch (err) {
  console.error(`[bench] ${err.message ?? err}`);
  status = 1;
}
process.exit(status);
