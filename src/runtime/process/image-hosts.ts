/**
 * The runtime's side of the image hosts (image-host-main.ts): up to one host per CPU, each
 * running many built-in program instances. An instance looks like any container process
 * (ContainerProcess): its output streams, its exit, signals — only its pid is the host's.
 * Hosts start on first use, carry the runtime marker (so the watchdog and the reaper end
 * them like containers), and a host that dies takes its instances with it (exit 137).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import type { BuiltinProgram } from '../images/catalog.ts';
import type { ContainerProcess, ProcessExit } from './launcher.ts';

/** Instances on the least busy host before another host is started. */
const SPREAD = 16;

interface HostInstance {
  stdout: PassThrough;
  stderr: PassThrough;
  /** The host ran the program's start (or the instance already ended). */
  started(): void;
  resolve(exit: ProcessExit): void;
}

interface Host {
  child: ChildProcess;
  control: Socket;
  ready: Promise<void>;
  instances: Map<string, HostInstance>;
  send(msg: object): void;
}

export interface ImageHostOptions {
  script: string;
  maxHosts: number;
  /** The environment of the host processes (the runtime marker and PATH). */
  env: Record<string, string>;
}

export class ImageHostPool {
  readonly #opts: ImageHostOptions;
  readonly #hosts: Host[] = [];
  #stopped = false;

  constructor(opts: ImageHostOptions) {
    this.#opts = opts;
  }

  async start(program: BuiltinProgram, args: readonly string[], env: Record<string, string>): Promise<ContainerProcess> {
    if (this.#stopped) throw new Error('the runtime is stopping');
    const host = this.#pick();
    await host.ready;
    const id = randomBytes(8).toString('hex');
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const exited = new Promise<ProcessExit>((resolve) => host.instances.set(id, { stdout, stderr, started, resolve }));
    host.send({ op: 'start', id, program, args, env });
    // Return once the program runs, as a spawned process has begun when spawn() returns; a
    // probe sent earlier would find nothing listening and wait a whole period to retry.
    await Promise.race([running, exited]);
    return {
      pid: host.child.pid!,
      stdout,
      stderr,
      stdin: undefined,
      exited,
      signal: (signal) => host.send({ op: 'signal', id, signal }),
    };
  }

  get hosts(): number {
    return this.#hosts.length;
  }

  stop(): void {
    this.#stopped = true;
    for (const h of this.#hosts.splice(0)) {
      try {
        process.kill(-h.child.pid!, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }

  #pick(): Host {
    const least = [...this.#hosts].sort((a, b) => a.instances.size - b.instances.size)[0];
    if (least && (least.instances.size < SPREAD || this.#hosts.length >= this.#opts.maxHosts)) return least;
    const host = this.#spawn();
    this.#hosts.push(host);
    return host;
  }

  #spawn(): Host {
    const child = spawn(process.execPath, [this.#opts.script], { detached: true, env: this.#opts.env, stdio: ['ignore', 'ignore', 'inherit', 'pipe'] });
    const control = child.stdio[3] as Socket;
    const instances = new Map<string, HostInstance>();
    let resolveReady!: () => void;
    let rejectReady!: (err: Error) => void;
    const ready = new Promise<void>((resolve, reject) => {
      resolveReady = resolve;
      rejectReady = reject;
    });
    const host: Host = { child, control, ready, instances, send: (msg) => control.write(`${JSON.stringify(msg)}\n`) };
    control.on('error', () => undefined);
    let buffered = '';
    control.setEncoding('utf8');
    control.on('data', (chunk: string) => {
      buffered += chunk;
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const msg = JSON.parse(buffered.slice(0, nl)) as { op: string; id?: string; stream?: 'stdout' | 'stderr'; data?: string; code?: number; signal?: NodeJS.Signals };
        buffered = buffered.slice(nl + 1);
        if (msg.op === 'ready') resolveReady();
        const instance = msg.id !== undefined ? instances.get(msg.id) : undefined;
        if (!instance) continue;
        if (msg.op === 'started') instance.started();
        else if (msg.op === 'out') (msg.stream === 'stderr' ? instance.stderr : instance.stdout).write(msg.data ?? '');
        else if (msg.op === 'exit') {
          instances.delete(msg.id!);
          end(instance, { exitCode: msg.code ?? 1, ...(msg.signal ? { signal: msg.signal } : {}), finishedAt: new Date() });
        }
      }
    });
    child.once('error', (err) => rejectReady(err));
    child.once('exit', () => {
      rejectReady(new Error('an image host exited before it was ready'));
      const at = this.#hosts.indexOf(host);
      if (at >= 0) this.#hosts.splice(at, 1);
      for (const instance of instances.values()) end(instance, { exitCode: 137, signal: 'SIGKILL', finishedAt: new Date() });
      instances.clear();
    });
    return host;
  }
}

function end(instance: HostInstance, exit: ProcessExit): void {
  instance.stdout.end();
  instance.stderr.end();
  instance.resolve(exit);
}
