// The Prisma client over the pg driver adapter (no native query engine).
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client.ts';

export type Db = PrismaClient;
export { Prisma } from './generated/client.ts';

/**
 * Errors in the minimal format: Parcours reads their codes, never their text,
 * and the other formats capture a stack trace at every query (to point a code
 * frame at the caller), which showed in the worker's CPU profile.
 */
export function createDb(databaseUrl: string): Db {
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString: databaseUrl }),
    errorFormat: 'minimal',
  });
}
