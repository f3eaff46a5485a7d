/** Helpers for CLI tests: run `skiff` as a real process, or in-process with captured output. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CliContext } from '../context.ts';
import { runCli } from '../run.ts';

export const SKIFF_BIN = fileURLToPath(new URL('../../../bin/skiff.js', import.meta.url));
export const SKIFF_FIXTURE = fileURLToPath(new URL('./skiff-fixture.ts', import.meta.url));

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/skiff.js …` to completion; a non-zero exit is a result, not a failure. */
export function runSkiffProcess(args: readonly string[], env: Record<string, string>): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, [SKIFF_BIN, ...args], { env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}

/** Runs the CLI in this process with captured output. */
export async function runSkiffInProcess(args: readonly string[], env: Record<string, string>): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env };
  const code = await runCli(args, ctx);
  return { code, stdout, stderr };
}
