// Temporal provisioning: an address from TEMPORAL_ADDRESS, or a local dev
// server started from a `temporal` CLI found on this machine or built here
// with the Go toolchain (its usual download site is out of reach).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';
export const toolsBin = path.resolve('.tools/bin');

function onPath(cmd) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    const candidate = path.join(dir, cmd);
    if (dir && existsSync(candidate)) return candidate;
  }
  return null;
}

export function findGo() {
  return onPath('go') || (existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : null);
}

/** TEMPORAL_CLI, then PATH, then .tools/bin; otherwise null. */
export function findTemporalCli() {
  if (process.env.TEMPORAL_CLI) {
    if (!existsSync(process.env.TEMPORAL_CLI)) {
      throw new Error(`TEMPORAL_CLI points to ${process.env.TEMPORAL_CLI}, which does not exist.`);
    }
    return process.env.TEMPORAL_CLI;
  }
  const local = path.join(toolsBin, 'temporal');
  return onPath('temporal') || (existsSync(local) ? local : null);
}

/** Finds the CLI or builds it into .tools/bin (several minutes the first time). */
export async function ensureTemporalCli(log = console.log) {
  const found = findTemporalCli();
  if (found) return found;
  if (!findGo()) {
    throw new Error(
      'No Temporal server available: TEMPORAL_ADDRESS is not set, no `temporal` CLI was found ' +
        '(TEMPORAL_CLI, PATH, .tools/bin), and Go is not installed to build one.\n' +
        '  Install Go 1.22 or newer (Debian: apt-get install golang, or https://go.dev/dl), ' +
        'or put the temporal CLI on PATH, or set TEMPORAL_ADDRESS to a running server.',
    );
  }
  await goInstall([CLI_MODULE], { gobin: toolsBin, what: 'the Temporal CLI', log });
  return path.join(toolsBin, 'temporal');
}

/**
 * `go install` of `modules` into `gobin`, saying what it builds and, every
 * 30 s, that it is still compiling (a cold build takes minutes).
 */
export async function goInstall(modules, { gobin, what, log = console.log, env = {} }) {
  const go = findGo();
  if (!go) throw new Error(`Go is needed to build ${what}, and it is not installed.`);
  mkdirSync(gobin, { recursive: true });
  log(`Building ${what} with Go (${modules.join(' ')}) into ${path.relative(process.cwd(), gobin)}.`);
  log('This takes several minutes the first time; Go caches make later builds fast.');
  const started = Date.now();
  const ticker = setInterval(
    () => log(`  ... still compiling (${Math.round((Date.now() - started) / 1000)} s)`),
    30_000,
  );
  try {
    await new Promise((resolve, reject) => {
      const child = spawn(go, ['install', ...modules], {
        env: { ...process.env, GOBIN: gobin, GOFLAGS: process.env.GOFLAGS || '-trimpath', ...env },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      child.on('error', reject);
      child.on('exit', (code) =>
        code === 0
          ? resolve()
          : reject(new Error(`go install ${modules.join(' ')} failed with exit code ${code}`)),
      );
    });
  } finally {
    clearInterval(ticker);
  }
  log(`Built ${what} in ${Math.round((Date.now() - started) / 1000)} s.`);
}

/** Resolves true when something accepts TCP connections on host:port. */
export function portOpen(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/**
 * A TCP port nobody listens on right now, and that the kernel will not hand
 * out again for a minute. Linux draws ephemeral ports at random, so a port
 * merely closed may be given straight back to the next bind(:0), such as one
 * of the internal ports the Temporal dev server draws for itself (its own
 * GetFreePort), and then two processes want it. As that function does, a
 * connection to the port closed from the listening side leaves it in
 * TIME_WAIT, which bind(:0) skips; binding it by number still works, both
 * Node and Go setting SO_REUSEADDR.
 */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => socket.destroy());
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      const client = net.connect(port, '127.0.0.1');
      client.once('error', reject);
      client.once('close', () => server.close(() => resolve(port)));
      client.resume();
    });
  });
}

/** Waits until a Temporal frontend answers a gRPC call on `address` (while `alive()` says to go on). */
export async function waitForTemporal(address, timeoutMs = 60_000, alive = () => true) {
  const { Connection } = await import('@temporalio/client');
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline && alive()) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  throw new Error(
    `Temporal did not answer at ${address} within ${timeoutMs / 1000} s: ${lastError?.message}`,
  );
}

/**
 * Starts `temporal server start-dev`. With `dbFile`, journeys survive a
 * restart; without it the server keeps everything in memory (tests).
 */
export async function startDevServer({ cli, port, uiPort, dbFile, logFile, namespace = 'default' }) {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--namespace', namespace];
  args.push('--log-level', 'error');
  if (uiPort) args.push('--ui-port', String(uiPort));
  else args.push('--headless');
  if (dbFile) {
    mkdirSync(path.dirname(dbFile), { recursive: true });
    args.push('--db-filename', dbFile);
  }
  const server = await runServerProcess(cli, args, {
    address: `127.0.0.1:${port}`,
    logFile,
    name: 'dev server',
  });
  return { ...server, uiUrl: uiPort ? `http://127.0.0.1:${uiPort}` : null };
}

/**
 * Runs a Temporal server process and resolves once its frontend answers at
 * `address`; rejects with the end of its output if it exits first.
 */
export async function runServerProcess(command, args, { address, logFile, name, env = process.env }) {
  // A process group of its own: Ctrl-C in the terminal reaches the workers
  // first, and the server is stopped after them (stop()), so that they can
  // still report to it while they shut down.
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env });
  // The head (a Go panic's reason comes first) and the tail of what it printed.
  let head = '';
  let output = '';
  let printedLength = 0;
  const keep = (chunk) => {
    const text = chunk.toString();
    printedLength += text.length;
    if (head.length < 1500) head = (head + text).slice(0, 1500);
    output = (output + text).slice(-3000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  if (logFile) {
    const { createWriteStream } = await import('node:fs');
    const stream = createWriteStream(logFile, { flags: 'a' });
    child.stdout.pipe(stream);
    child.stderr.pipe(stream);
  }
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  // Its own group does not die with ours: whatever way this process exits, the server goes too.
  const stopOnExit = () => child.kill('SIGTERM');
  process.once('exit', stopOnExit);
  void exited.then(() => process.removeListener('exit', stopOnExit));
  const ready = waitForTemporal(address, 90_000, () => child.exitCode === null && child.signalCode === null);
  const first = await Promise.race([ready.then(() => 'ready'), exited.then(() => 'exited')]);
  if (first === 'exited') {
    const printed = printedLength <= output.length ? output : `${head}\n[…]\n${output}`;
    throw new Error(`The Temporal ${name} exited at start:\n${printed}`);
  }
  return {
    address,
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export function cliVersion(cli) {
  const res = spawnSync(cli, ['--version'], { encoding: 'utf8' });
  return (res.stdout || '').trim();
}
