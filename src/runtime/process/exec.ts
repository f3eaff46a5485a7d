/**
 * Runs a command "inside" a running container: with the container's environment, working
 * directory, network namespace and path mapping (mount-paths.ts), in its own process group
 * with the runtime marker. Used by exec probes, exec lifecycle hooks and `kubectl exec`.
 */
import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { RUNTIME_ID_ENV } from './proc.ts';
import { cgroupOf, exitCodeOf, resolveExecutable, StartError } from './launcher.ts';
import { joiningCgroup } from './cgroup-entry.ts';
import { withResolvConf } from './resolv-conf.ts';

export interface ExecContext {
  env: Record<string, string>;
  cwd: string;
  netns?: string;
  /** The pod's resolv.conf (loopback pod network with cluster DNS; resolv-conf.ts). */
  resolvConf?: string;
  /** The pod's cgroup.procs, made on first use (cgroup-entry.ts): what runs in the container is the pod's. */
  podCgroup?: () => Promise<string>;
  runtimeId: string;
  /** Rewrites container paths (volume mounts) to host paths. */
  mapPath(text: string): string;
}

export interface ExecResult {
  exitCode: number;
  output: string;
  timedOut: boolean;
}

const MAX_OUTPUT = 10 * 1024;

export interface ExecProcess {
  pid: number;
  stdin: Writable;
  stdout: Readable;
  stderr: Readable;
  exited: Promise<number>;
  kill(signal: NodeJS.Signals): void;
}

/** Starts `argv` in the container; throws StartError if the command cannot be found. */
export async function startInContainer(ctx: ExecContext, argv: readonly string[]): Promise<ExecProcess> {
  const mapped = argv.map((a) => ctx.mapPath(a));
  const env: Record<string, string> = { ...ctx.env, [RUNTIME_ID_ENV]: ctx.runtimeId };
  let full = [await resolveExecutable(mapped[0] ?? '', env.PATH ?? '', ctx.cwd), ...mapped.slice(1)];
  if (ctx.netns) full = ['ip', 'netns', 'exec', ctx.netns, ...full];
  else if (ctx.resolvConf) full = withResolvConf(mapped, ctx.resolvConf);
  const cgroupProcs = ctx.podCgroup ? await cgroupOf(ctx.podCgroup) : undefined;
  if (cgroupProcs) full = joiningCgroup(full, cgroupProcs);
  const wrapped = ctx.netns !== undefined || ctx.resolvConf !== undefined || cgroupProcs !== undefined;
  const child = spawn(full[0]!, full.slice(1), { cwd: ctx.cwd, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'], ...(wrapped ? {} : { argv0: mapped[0]! }) });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (err) => reject(new StartError(`exec: "${mapped[0]}": ${err.message}`)));
  });
  const pid = child.pid!;
  child.stdin.on('error', () => undefined);
  const kill = (signal: NodeJS.Signals) => {
    try { process.kill(-pid, signal); } catch { /* gone */ }
  };
  const exited = new Promise<number>((resolve) => child.once('exit', (code, signal) => {
    kill('SIGKILL');
    resolve(exitCodeOf(code, signal));
  }));
  return { pid, stdin: child.stdin, stdout: child.stdout, stderr: child.stderr, exited, kill };
}

/** Runs `argv` to completion (or the timeout), collecting stdout and stderr together. */
export async function execInContainer(ctx: ExecContext, argv: readonly string[], timeoutMs: number): Promise<ExecResult> {
  const proc = await startInContainer(ctx, argv);
  proc.stdin.end();
  let output = '';
  const collect = (chunk: Buffer) => {
    if (output.length < MAX_OUTPUT) output += chunk.toString('utf8');
  };
  proc.stdout.on('data', collect);
  proc.stderr.on('data', collect);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    proc.kill('SIGKILL');
  }, timeoutMs);
  const exitCode = await proc.exited;
  clearTimeout(timer);
  return { exitCode, output: output.slice(0, MAX_OUTPUT), timedOut };
}
