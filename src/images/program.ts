/**
 * How a built-in image's program meets the world: through a ProgramIO (environment,
 * arguments, stdout/stderr, signals, exit) rather than Node's global `process`. Run alone
 * (`main.ts`), the ProgramIO is the real process; run by skiff's image host, many programs
 * share one Node process, each with its own ProgramIO, and `close()` frees what an
 * instance holds when it is killed. Imports nothing of skiff.
 */
export type ProgramSignal = 'SIGTERM' | 'SIGINT';

export interface ProgramIO {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The arguments after the program's name. */
  readonly args: readonly string[];
  readonly stdout: { write(text: string): void };
  readonly stderr: { write(text: string): void };
  /** Handles a signal; without a handler the signal ends the program (exit 128 + its number). */
  onSignal(signal: ProgramSignal, handler: () => void): void;
  exit(code: number): void;
}

export interface RunningProgram {
  /** Releases every socket and timer the program holds (the instance was killed). */
  close(): void;
}

export type Program = (io: ProgramIO) => RunningProgram;

/** Runs a program as its own process. */
export function runStandalone(program: Program): void {
  const io: ProgramIO = {
    env: process.env,
    args: process.argv.slice(2),
    stdout: process.stdout,
    stderr: process.stderr,
    onSignal: (signal, handler) => {
      process.on(signal, handler);
    },
    exit: (code) => process.exit(code),
  };
  program(io);
}
