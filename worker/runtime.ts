// The Temporal runtime of a worker process, installed once per process before
// any connection: the SDK's messages (its own, the workflow and activity
// loggers', and the native core's, forwarded) become the worker's JSON lines,
// and with a metrics port the SDK's metrics are served for Prometheus.
import { Runtime, type LogLevel, type LogMetadata, type Logger as TemporalLogger } from '@temporalio/worker';
import type { Logger } from '../observability/logger';

const RANK: Record<LogLevel, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 };

/** The SDK's messages at `threshold` and above, as pino lines with their metadata (ids, types, durations). */
export class TemporalLogBridge implements TemporalLogger {
  constructor(
    private readonly logger: Logger,
    private readonly threshold: LogLevel,
  ) {}

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    if (RANK[level] < RANK[this.threshold]) return;
    const method = level.toLowerCase() as 'trace' | 'debug' | 'info' | 'warn' | 'error';
    // At TRACE or DEBUG the logger's own level must let the line through too.
    if (!this.logger.isLevelEnabled(method)) return;
    this.logger[method]({ ...meta }, message);
  }
  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}

export interface WorkerRuntimeOptions {
  logger: Logger;
  /** The SDK's threshold (LOG_LEVEL). */
  level: LogLevel;
  /** Where to serve the SDK's Prometheus metrics (`/metrics`); none, no exporter. */
  metrics?: { host: string; port: number };
}

/** Runtime.install: once per process, before the first connection or worker (it throws otherwise). */
export function installWorkerRuntime(options: WorkerRuntimeOptions): void {
  Runtime.install({
    logger: new TemporalLogBridge(options.logger, options.level),
    telemetryOptions: {
      logging: { filter: { core: options.level, other: 'ERROR' }, forward: {} },
      ...(options.metrics
        ? { metrics: { prometheus: { bindAddress: `${options.metrics.host}:${options.metrics.port}` } } }
        : {}),
    },
  });
}
