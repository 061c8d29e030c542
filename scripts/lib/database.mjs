// PostgreSQL provisioning: use DATABASE_URL, or the local server with the
// database created on first use.
import pg from 'pg';
import { DEFAULTS } from '../../config/defaults.mjs';

export function databaseUrlFromEnv(defaultUrl = DEFAULTS.databaseUrl) {
  return process.env.DATABASE_URL || defaultUrl;
}

function describe(url) {
  const u = new URL(url);
  return `${u.hostname}:${u.port || 5432}/${u.pathname.slice(1)}`;
}

/** Creates the database if it is missing. Throws a readable error when no server answers. */
export async function ensureDatabase(url, { recreate = false } = {}) {
  const target = new URL(url);
  const dbName = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (err) {
    // SQLSTATE class 28: the server answered but refused the login.
    if (typeof err.code === 'string' && err.code.startsWith('28')) {
      const user = decodeURIComponent(target.username) || process.env.PGUSER || 'the current user';
      throw new Error(
        `PostgreSQL at ${describe(url)} refused the login of ${user} (${err.code}: ${err.message}).\n` +
          `  Put a user and password it accepts in DATABASE_URL, e.g. postgresql://postgres:secret@127.0.0.1:5432/parcours.`,
        { cause: err },
      );
    }
    throw new Error(
      `PostgreSQL does not answer at ${describe(url)} (${err.code || err.message}).\n` +
        `  Start it (on Debian: pg_ctlcluster <version> main start) or set DATABASE_URL to a reachable server.`,
      { cause: err },
    );
  }
  try {
    const quoted = '"' + dbName.replace(/"/g, '""') + '"';
    if (recreate) await client.query(`DROP DATABASE IF EXISTS ${quoted} WITH (FORCE)`);
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName]);
    if (rowCount === 0) {
      await client.query(`CREATE DATABASE ${quoted}`);
      return { created: true };
    }
    return { created: false };
  } catch (err) {
    // Without rights on the `postgres` database (managed servers), assume the
    // target database exists and let the migration say otherwise.
    if (err.code === '42501') return { created: false };
    throw err;
  } finally {
    await client.end();
  }
}
