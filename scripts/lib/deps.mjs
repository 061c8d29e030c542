// Installs npm dependencies when missing and generates the Prisma client.
// Only Node built-ins here: this runs before node_modules exists.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

function run(cmd, args, env = {}) {
  const res = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (res.error) throw res.error;
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed with exit code ${res.status}`);
}

const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0);

export function ensureDependencies(log = console.log) {
  const lock = path.resolve('package-lock.json');
  const marker = path.resolve('node_modules/.package-lock.json');
  if (!existsSync(marker) || mtime(marker) < mtime(lock)) {
    log('Installing npm dependencies (npm ci)…');
    run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error']);
  }
  const schema = path.resolve('prisma/schema.prisma');
  const client = path.resolve('prisma/generated/client.ts');
  if (mtime(client) < mtime(schema)) {
    log('Generating the Prisma client…');
    // The native schema engine cannot be downloaded here; generate does not need it.
    run('npx', ['prisma', 'generate'], {
      PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING: '1',
      PRISMA_SCHEMA_ENGINE_BINARY: path.resolve('node_modules/prisma/build/schema_engine_bg.wasm'),
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
    });
  }
}

/**
 * Chromium for the web app's tests (Debian's `chromium`, driven by
 * playwright-core). Installed with apt-get when missing and running as root;
 * otherwise stops with what to install.
 */
export function ensureChromium(
  log = console.log,
  {
    chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    isRoot = typeof process.getuid === 'function' && process.getuid() === 0,
  } = {},
) {
  if (existsSync(chromium)) return;
  if (!isRoot) {
    throw new Error(
      `Chromium is missing (${chromium}); the web app's tests drive it. Install it with ` +
        '`sudo apt-get update && sudo apt-get install -y chromium` (Debian), or set CHROMIUM_PATH to a Chromium binary.',
    );
  }
  log(
    'Installing Chromium for the web tests (apt-get update && apt-get install -y chromium), a few minutes…',
  );
  run('apt-get', ['update'], { DEBIAN_FRONTEND: 'noninteractive' });
  run('apt-get', ['install', '-y', 'chromium'], { DEBIAN_FRONTEND: 'noninteractive' });
  if (!existsSync(chromium)) throw new Error(`apt-get installed chromium, but ${chromium} is still missing.`);
  log('Chromium installed.');
}
