/**
 * A pool of warm Node processes (zygote-main.ts) that turn into containers running a
 * built-in program. Spawning Node costs ~60 ms of CPU; a warm zygote specialises in a few
 * milliseconds, so pods of built-in images start almost at once while the pool refills in
 * the background. Idle zygotes carry the runtime marker, so the watchdog and the reaper
 * treat them like containers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import type { Logger } from '../../util/log.ts';

export interface Zygote {
  readonly child: ChildProcess;
  /** Sends the program to become; the zygote closes the channel and runs it. */
  specialise(spec: { entry: string; args: string[]; env: Record<string, string>; cwd: string; title?: string }): void;
}

export interface ZygotePoolOptions {
  script: string;
  /** Warm zygotes kept idle. */
  size: number;
  /** Zygotes starting at once when the pool refills (bounded by CPU, not by demand). */
  concurrency: number;
  /** The environment of idle zygotes (the runtime marker and PATH). */
  env: Record<string, string>;
  log: Logger;
}

const START_TIMEOUT_MS = 30_000;

export class ZygotePool {
  readonly #opts: ZygotePoolOptions;
  readonly #idle: Zygote[] = [];
  readonly #waiters: Array<{ resolve: (z: Zygote) => void; reject: (e: Error) => void }> = [];
  #starting = 0;
  #stopped = false;
  #started = false;
  #failures = 0;

  constructor(opts: ZygotePoolOptions) {
    this.#opts = opts;
  }

  /** Starts filling the pool (the first take() does it too, so an idle skiff keeps none). */
  start(): void {
    this.#started = true;
    this.#refill();
  }

  /** A warm zygote (waits for one while the pool refills). */
  take(): Promise<Zygote> {
    if (this.#stopped) return Promise.reject(new Error('the runtime is stopping'));
    this.#started = true;
    const ready = this.#idle.shift();
    if (ready) {
      this.#refill();
      return Promise.resolve(ready);
    }
    return new Promise((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
      this.#refill();
    });
  }

  get idle(): number {
    return this.#idle.length;
  }

  /** Kills idle zygotes and fails pending takers. */
  stop(): void {
    this.#stopped = true;
    for (const z of this.#idle.splice(0)) killGroup(z.child);
    for (const w of this.#waiters.splice(0)) w.reject(new Error('the runtime is stopping'));
  }

  #refill(): void {
    if (this.#stopped || !this.#started) return;
    const wanted = this.#opts.size + this.#waiters.length;
    while (this.#idle.length + this.#starting < wanted && this.#starting < this.#opts.concurrency) {
      this.#starting++;
      this.#spawnOne().then((z) => {
        this.#starting--;
        this.#failures = 0;
        if (this.#stopped) return killGroup(z.child);
        const waiter = this.#waiters.shift();
        if (waiter) waiter.resolve(z);
        else this.#idle.push(z);
        this.#refill();
      }, (err: Error) => {
        this.#starting--;
        this.#failures++;
        this.#opts.log.warn({ err }, 'a warm process for built-in images failed to start');
        // Persistent failure (e.g. no node binary): fail the takers rather than spin.
        if (this.#failures >= 3) for (const w of this.#waiters.splice(0)) w.reject(err);
        else this.#refill();
      });
    }
  }

  #spawnOne(): Promise<Zygote> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [this.#opts.script], {
        detached: true,
        env: this.#opts.env,
        stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
      });
      const control = child.stdio[3] as Socket;
      let done = false;
      const fail = (err: Error) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        killGroup(child);
        reject(err);
      };
      const timer = setTimeout(() => fail(new Error('a warm process did not become ready in time')), START_TIMEOUT_MS);
      child.once('error', fail);
      child.once('exit', (code, signal) => {
        fail(new Error(`a warm process exited (${signal ?? code}) before it was used`));
        // An idle zygote that dies leaves the pool.
        const at = this.#idle.findIndex((z) => z.child === child);
        if (at >= 0) {
          this.#idle.splice(at, 1);
          this.#refill();
        }
      });
      control.setEncoding('utf8');
      control.once('data', (chunk: string) => {
        if (done || !chunk.startsWith('ready')) return;
        done = true;
        clearTimeout(timer);
        resolve({
          child,
          specialise: (spec) => {
            control.end(`${JSON.stringify(spec)}\n`);
          },
        });
      });
    });
  }
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
