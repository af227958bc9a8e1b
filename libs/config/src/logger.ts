import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import type { KizukiConfig } from './config.schema';

const ORDER: LogLevel[] = ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'];

/** Structured JSON logs in production, readable lines in development; levels from LOG_LEVEL. */
export function createLogger(config: KizukiConfig): ConsoleLogger {
  return new ConsoleLogger({
    json: config.NODE_ENV === 'production',
    colors: config.NODE_ENV !== 'production',
    logLevels: ORDER.slice(ORDER.indexOf(config.LOG_LEVEL)),
  });
}
