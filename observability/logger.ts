// Structured logs: one JSON object a line on stdout ({"level","time","name","msg",…}),
// for the API and the worker alike. Lines carry ids, statuses, routes, status
// codes and durations, never a learner's name, contact or birth date: the
// fields below are masked should an object holding them ever be logged.
import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config/env';

export type { Logger };

/** Keys of personal data, at the top of a logged object or one level down (`learner.email`). */
const PERSONAL_KEYS = ['firstName', 'lastName', 'email', 'phone', 'birthDate', 'postalCode'];
// `name` one level down only (a referrer's name): the line's own `name` is the process's.
const PERSONAL_PATHS = [...PERSONAL_KEYS.flatMap((key) => [key, `*.${key}`]), '*.name'];

/** Parcours' own lines at INFO and above, and below that too when LOG_LEVEL asks for DEBUG or TRACE. */
export function ownLevel(level: LogLevel): pino.Level {
  return level === 'TRACE' || level === 'DEBUG' ? (level.toLowerCase() as pino.Level) : 'info';
}

export function createLogger(
  name: 'api' | 'worker',
  level: LogLevel,
  destination?: DestinationStream,
): Logger {
  return pino(
    {
      name,
      level: ownLevel(level),
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
      redact: { paths: PERSONAL_PATHS, censor: '[personal data]' },
    },
    destination,
  );
}

/** The message of a thrown value, for a log line. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Node's own warnings (deprecations, listeners) as JSON lines too, instead of plain text on stderr. */
export function logProcessWarnings(logger: Logger): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => logger.warn({ warning: warning.name }, warning.message));
}
