// Databases of a test file's own, next to the test database (other files
// running at the same time would otherwise move its rows).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

/** The URL of a database named after the test database, with `suffix`. */
export function siblingDatabaseUrl(suffix: string): string {
  const url = new URL(process.env.DATABASE_URL as string);
  url.pathname = `${url.pathname}_${suffix}`;
  return url.toString();
}

export async function dropDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** A database of a test file's own next to the test database, created and migrated from nothing. */
export async function freshDatabase(suffix: string): Promise<string> {
  const url = siblingDatabaseUrl(suffix);
  await dropDatabase(url);
  await promisify(execFile)(process.execPath, ['scripts/db-migrate.mjs'], {
    cwd: path.resolve(__dirname, '../..'),
    env: { ...process.env, DATABASE_URL: url },
  });
  return url;
}
