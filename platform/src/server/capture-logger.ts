/**
 * A logger for tests that keeps every line as a parsed object, so a test can assert what a
 * server logged (and what it did not).
 */
import { pino } from 'pino';
import type { Logger } from '../telemetry/logger.js';

export interface CapturedLogs {
  readonly logger: Logger;
  readonly lines: Record<string, unknown>[];
}

export function captureLogger(): CapturedLogs {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'debug', base: {}, formatters: { level: (label) => ({ level: label }) } },
    { write: (line: string) => void lines.push(JSON.parse(line)) },
  );
  return { logger, lines };
}
