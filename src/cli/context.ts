/**
 * What a command needs from its surroundings, passed in so tests can run the CLI in-process
 * with captured output, their own environment, and (for `up`) their own server.
 */
import type { RunningSkiff, SkiffOptions } from '../server/types.ts';
import type { Logger } from '../util/log.ts';

export interface Writer {
  write(text: string): unknown;
}

export type StartSkiff = (options: SkiffOptions, log: Logger) => Promise<RunningSkiff>;

export interface CliContext {
  stdout: Writer;
  stderr: Writer;
  env: Readonly<Record<string, string | undefined>>;
  /** What `skiff up` runs; defaults to `startSkiff` from src/server/start.ts. */
  startSkiff?: StartSkiff;
}
