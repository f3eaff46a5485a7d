/**
 * Starts a container's process: a host command (looked up in the container's PATH, as a
 * container runtime would, so "not found" is a StartError with runc's wording), or a
 * built-in program (through a warm zygote, or a fresh `node` inside a network namespace).
 * Every process runs in its own session and process group (so signals reach the whole
 * container), carries the runtime marker (so nothing outlives skiff), and when its main
 * process ends the rest of its group is killed, as a container's PID namespace would be.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { constants as fsConstants } from 'node:fs';
import { access, stat, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { ContainerProgram } from '../images/catalog.ts';
import type { RuntimePrograms } from './bundler.ts';
import { RUNTIME_ID_ENV } from './proc.ts';
import { joiningCgroup } from './cgroup-entry.ts';
import { withResolvConf } from './resolv-conf.ts';
import type { ImageHostPool } from './image-hosts.ts';
import type { ZygotePool } from './zygote-pool.ts';

export interface LaunchSpec {
  program: ContainerProgram;
  env: Record<string, string>;
  cwd: string;
  /** Keep stdin open (container `stdin: true`); otherwise the process reads EOF. */
  stdin: boolean;
  /** Run inside this network namespace (`ip netns exec`). */
  netns?: string;
  /** The pod's resolv.conf to mount over /etc/resolv.conf (loopback pod network; resolv-conf.ts). */
  resolvConf?: string;
  /** The pod's cgroup.procs, made on first use: the process joins it before it runs (cgroup-entry.ts). */
  podCgroup?: () => Promise<string>;
  /** Process title for built-in programs (what `ps` shows). */
  title: string;
  /**
   * Built-in programs: `shared` runs them in an image host (the default), `process` in a
   * process of their own. Containers with stdin or a network namespace always get a process.
   */
  isolation?: 'shared' | 'process';
}

export interface ProcessExit {
  exitCode: number;
  signal?: NodeJS.Signals;
  finishedAt: Date;
}

export interface ContainerProcess {
  readonly pid: number;
  readonly stdout: Readable;
  readonly stderr: Readable;
  readonly stdin: Writable | undefined;
  readonly exited: Promise<ProcessExit>;
  /** Signals the container's process group. */
  signal(signal: NodeJS.Signals): void;
}

/** The process could not be started; `message` is what the kubelet would report. */
export class StartError extends Error {}

export interface LauncherOptions {
  runtimeId: string;
  programs: RuntimePrograms;
  zygotes?: ZygotePool;
  imageHosts?: ImageHostPool;
}

export class ProcessLauncher {
  readonly #opts: LauncherOptions;

  constructor(opts: LauncherOptions) {
    this.#opts = opts;
  }

  async launch(spec: LaunchSpec): Promise<ContainerProcess> {
    const env: Record<string, string> = { ...spec.env, [RUNTIME_ID_ENV]: this.#opts.runtimeId };
    if (spec.program.kind === 'builtin' && !spec.netns && !spec.stdin && spec.isolation !== 'process' && this.#opts.imageHosts) {
      return this.#opts.imageHosts.start(spec.program.program, spec.program.args, env);
    }
    // From here on the container gets a process of its own, which is its pod's (made before a
    // zygote is taken, so a cgroup that cannot be made leaves no zygote behind).
    const cgroupProcs = spec.podCgroup ? await cgroupOf(spec.podCgroup) : undefined;
    if (spec.program.kind === 'builtin' && !spec.netns && this.#opts.zygotes) {
      const zygote = await this.#opts.zygotes.take();
      // A warm zygote runs nothing of the container until specialised: it joins first.
      if (cgroupProcs) await joinCgroup(cgroupProcs, zygote.child);
      zygote.specialise({ entry: this.#opts.programs.images[spec.program.program], args: spec.program.args, env, cwd: spec.cwd, title: spec.title });
      return wrap(zygote.child, spec.stdin);
    }
    let argv: string[];
    if (spec.program.kind === 'builtin') argv = [process.execPath, this.#opts.programs.images[spec.program.program], ...spec.program.args];
    else argv = [await resolveExecutable(spec.program.argv[0] ?? '', env.PATH ?? '', spec.cwd), ...spec.program.argv.slice(1)];
    const wrapped = spec.netns !== undefined || spec.resolvConf !== undefined || cgroupProcs !== undefined;
    if (spec.netns) argv = ['ip', 'netns', 'exec', spec.netns, ...argv];
    else if (spec.resolvConf) argv = withResolvConf(spec.program.kind === 'host' ? [...spec.program.argv] : argv, spec.resolvConf);
    if (cgroupProcs) argv = joiningCgroup(argv, cgroupProcs);
    const child = spawn(argv[0]!, argv.slice(1), { cwd: spec.cwd, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'], argv0: spec.program.kind === 'host' && !wrapped ? spec.program.argv[0] : undefined });
    await new Promise<void>((resolveSpawn, reject) => {
      child.once('spawn', resolveSpawn);
      child.once('error', (err: NodeJS.ErrnoException) => reject(new StartError(`exec: "${argv[0]}": ${err.code === 'EACCES' ? 'permission denied' : err.message}`)));
    });
    return wrap(child, spec.stdin);
  }
}

/** The pod's cgroup.procs; a pod whose cgroup cannot be made does not start processes. */
export async function cgroupOf(podCgroup: () => Promise<string>): Promise<string> {
  try {
    return await podCgroup();
  } catch (err) {
    throw new StartError(`cannot set up the pod's cgroup: ${(err as Error).message}`);
  }
}

async function joinCgroup(cgroupProcs: string, child: ChildProcess): Promise<void> {
  try {
    await writeFile(cgroupProcs, `${child.pid}\n`);
  } catch (err) {
    child.kill('SIGKILL');
    throw new StartError(`cannot place the process in the pod's cgroup: ${(err as Error).message}`);
  }
}

/** exec.LookPath within the container's PATH, with runc's error wording. */
export async function resolveExecutable(file: string, path: string, cwd: string): Promise<string> {
  if (file === '') throw new StartError('exec: "": executable file not found in $PATH');
  if (file.includes('/')) {
    const full = isAbsolute(file) ? file : resolve(cwd, file);
    const info = await stat(full).catch(() => undefined);
    if (!info) throw new StartError(`exec: "${file}": stat ${file}: no such file or directory`);
    if (info.isDirectory() || !(await isExecutable(full))) throw new StartError(`exec: "${file}": permission denied`);
    return full;
  }
  for (const dir of path.split(':')) {
    if (dir === '') continue;
    const candidate = join(dir, file);
    const info = await stat(candidate).catch(() => undefined);
    if (info?.isFile() && (await isExecutable(candidate))) return candidate;
  }
  throw new StartError(`exec: "${file}": executable file not found in $PATH`);
}

async function isExecutable(path: string): Promise<boolean> {
  return access(path, fsConstants.X_OK).then(() => true, () => false);
}

function wrap(child: ChildProcess, keepStdin: boolean): ContainerProcess {
  const pid = child.pid!;
  if (!keepStdin) child.stdin?.end();
  child.stdin?.on('error', () => undefined);
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      try { child.kill(signal); } catch { /* gone */ }
    }
  };
  const exited = new Promise<ProcessExit>((resolveExit) => {
    child.once('exit', (code, signal) => {
      const finishedAt = new Date();
      // The main process is gone: so is the container, and everything it left behind.
      try { process.kill(-pid, 'SIGKILL'); } catch { /* nothing left */ }
      resolveExit({ exitCode: exitCodeOf(code, signal), ...(signal ? { signal } : {}), finishedAt });
    });
  });
  return { pid, stdout: child.stdout!, stderr: child.stderr!, stdin: keepStdin ? child.stdin ?? undefined : undefined, exited, signal: signalGroup };
}

/** A shell's view of how a process ended: its exit code, or 128 + the number of the signal that killed it. */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  return code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0);
}
