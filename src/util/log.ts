/**
 * Structured logging (pino). Every component takes a Logger so tests can silence or capture
 * it; `createLogger` is the production default (JSON lines on stderr, level from
 * SKIFF_LOG_LEVEL, default `info`).
 */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(name: string, destination?: NodeJS.WritableStream): Logger {
  const level = process.env.SKIFF_LOG_LEVEL ?? 'info';
  return pino({ name, level }, (destination ?? process.stderr) as pino.DestinationStream);
}

/** A logger that drops everything (tests that do not inspect logs). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
