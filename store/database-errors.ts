// PostgreSQL out of reach (stopped, restarting, recovering after a crash, or
// out of connections) is not a bug in the request: the caller is told to send
// it again, and nothing is logged as unexpected.

/** Prisma's own codes for a database it cannot reach or that dropped the connection. */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
/** What @prisma/adapter-pg reports for the same. */
const ADAPTER_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
]);

/**
 * What node-postgres throws, unwrapped, for a query in flight when the server
 * went away: it has no code, only these fixed messages.
 */
const DROPPED =
  /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect)/;

interface PrismaLike {
  code?: unknown;
  meta?: { driverAdapterError?: { cause?: { kind?: unknown; code?: unknown } } };
}

/** True when `err` says PostgreSQL cannot be reached for now, whatever the query was. */
export function databaseUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  if (err instanceof Error && err.name === 'Error' && DROPPED.test(err.message)) return true;
  const { code, meta } = err as PrismaLike;
  if (typeof code === 'string' && PRISMA_CODES.has(code)) return true;
  const cause = meta?.driverAdapterError?.cause;
  if (!cause) return false;
  if (typeof cause.kind === 'string' && ADAPTER_KINDS.has(cause.kind)) return true;
  // SQLSTATE class 08 (connection exception) and 57P (shutting down, starting up, in recovery).
  return (
    cause.kind === 'postgres' &&
    typeof cause.code === 'string' &&
    (cause.code.startsWith('08') || cause.code.startsWith('57P'))
  );
}

/** True when `err` is Prisma's unique-constraint violation: the row exists already. */
export function uniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'P2002';
}
