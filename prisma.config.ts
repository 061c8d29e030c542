import { defineConfig } from 'prisma/config';

// The CLI is used for `prisma generate` only; migrations go through
// scripts/db-migrate.mjs (Prisma's WebAssembly schema engine, offline).
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
