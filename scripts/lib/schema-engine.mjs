// Prisma's schema engine as WebAssembly, driven over the pg driver adapter.
// The native engine cannot be downloaded on our build machines, and this one
// records migrations in `_prisma_migrations` exactly like `prisma migrate deploy`.
import { readFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

export const migrationsDir = path.resolve('prisma/migrations');
export const schemaPath = path.resolve('prisma/schema.prisma');

async function loadWasmEngine() {
  // The package's main entry imports the .wasm file as an ES module, which
  // Node 20 refuses; wire the bindings by hand instead.
  const bg = await import('@prisma/schema-engine-wasm/schema_engine_bg');
  const wasmPath = path.join(
    path.dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')),
    'schema_engine_bg.wasm',
  );
  const module = new WebAssembly.Module(await readFile(wasmPath));
  const instance = new WebAssembly.Instance(module, { './schema_engine_bg.js': bg });
  bg.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
  return bg;
}

/** Builds a schema engine connected to `databaseUrl` (or to nothing, for diffs). */
export async function openSchemaEngine(databaseUrl, datamodel) {
  const { SchemaEngine } = await loadWasmEngine();
  const { PrismaPg } = await import('@prisma/adapter-pg');
  const { bindMigrationAwareSqlAdapterFactory } = await import('@prisma/driver-adapter-utils');
  const log = (line) => {
    if (process.env.PARCOURS_DEBUG_MIGRATIONS) console.error(line);
  };
  return SchemaEngine.new(
    { datamodels: [[path.basename(schemaPath), datamodel]] },
    log,
    bindMigrationAwareSqlAdapterFactory(new PrismaPg({ connectionString: databaseUrl })),
  );
}

/** Reads prisma/migrations in Prisma's layout. */
export async function readMigrationList() {
  const entries = await readdir(migrationsDir, { withFileTypes: true }).catch(() => []);
  const dirs = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const migrationDirectories = await Promise.all(
    dirs.map(async (dir) => {
      const file = path.join(migrationsDir, dir, 'migration.sql');
      let content;
      try {
        content = { tag: 'ok', value: await readFile(file, 'utf8') };
      } catch (err) {
        content = { tag: 'error', value: String(err) };
      }
      return { path: dir, migrationFile: { path: 'migration.sql', content } };
    }),
  );
  const lockContent = await readFile(path.join(migrationsDir, 'migration_lock.toml'), 'utf8').catch(
    () => null,
  );
  return {
    baseDir: migrationsDir,
    lockfile: { path: 'migration_lock.toml', content: lockContent },
    shadowDbInitScript: '',
    migrationDirectories,
  };
}

export const noFilters = { externalTables: [], externalEnums: [] };
