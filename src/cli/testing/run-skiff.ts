/** Helpers for CLI tests: run `skiff` as a real process, or in-process with captured output. */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
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

/** A `skiff up` running in the background. */
export interface StartedUp {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/**
 * Spawns `node <nodeArgs…>` (a `skiff up` command line) and resolves once it has printed its
 * ready message (the `export KUBECONFIG=` hint, or the whole JSON document under `-o json`);
 * rejects with its stderr if it exits first. The caller stops the child.
 */
export async function startUpProcess(nodeArgs: readonly string[], env: Record<string, string>, onSpawn: (child: ChildProcess) => void): Promise<StartedUp> {
  const child = spawn(process.execPath, [...nodeArgs], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  onSpawn(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (chunk: Buffer) => { err += chunk.toString(); });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (/export KUBECONFIG=.*\n/.test(out) || /^\{[\s\S]*\}\n$/.test(out)) resolve();
    });
    void exited.then((code) => reject(new Error(`skiff up exited with ${code} before it was ready:\n${err}`)));
  });
  return { child, stdout: () => out, stderr: () => err, exited };
}
