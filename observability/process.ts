// How the API and the worker processes start: their JSON logger first, at INFO
// until the configuration is read (so a mistake in it is logged too), then at
// the level LOG_LEVEL gives; anything that stops `main` is logged as fatal.
import { loadConfig, type Config } from '../config/env';
import { createLogger, errorMessage, logProcessWarnings, ownLevel, type Logger } from './logger';

export function runProcess(
  name: 'api' | 'worker',
  main: (logger: Logger, config: Config) => Promise<void>,
): void {
  const logger = createLogger(name, 'INFO');
  logProcessWarnings(logger);
  const run = async () => {
    const config = loadConfig();
    logger.level = ownLevel(config.logLevel);
    await main(logger, config);
  };
  run().catch((err: unknown) => {
    logger.fatal(errorMessage(err));
    process.exit(1);
  });
}
