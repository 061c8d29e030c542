#!/usr/bin/env node
// `npm run db:migrate`: applies prisma/migrations offline, recorded in
// Prisma's `_prisma_migrations` table (the same as `prisma migrate deploy`).
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { databaseUrlFromEnv, ensureDatabase } from './lib/database.mjs';
import { noFilters, openSchemaEngine, readMigrationList, schemaPath } from './lib/schema-engine.mjs';

export async function migrate(databaseUrl, { quiet = false } = {}) {
  await ensureDatabase(databaseUrl);
  const engine = await openSchemaEngine(databaseUrl, await readFile(schemaPath, 'utf8'));
  const migrationsList = await readMigrationList();
  const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: noFilters });
  if (!quiet) {
    if (appliedMigrationNames.length === 0) console.log('Database schema is up to date.');
    for (const name of appliedMigrationNames) console.log(`Applied migration ${name}`);
  }
  return appliedMigrationNames;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  migrate(databaseUrlFromEnv()).catch((err) => {
    console.error(`Migration failed: ${err.message ?? err}`);
    process.exit(1);
  });
}
