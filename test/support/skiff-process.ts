/**
 * Runs `skiff up` as a real child process (`node bin/skiff.js up --api-port 0 -o json`), for
 * tests and benchmarks that must kill it (-9), restart it on the same data directory, or keep
 * its CPU apart from the client's. Ready means skiff printed its instance info (the same
 * object it writes to DIR/skiff.json), not that some time passed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { InstanceInfo } from '../../src/server/types.ts';

const SKIFF_BIN = fileURLToPath(new URL('../../bin/skiff.js', import.meta.url));
const READY_TIMEOUT_MS = 60_000;

export interface SkiffProcessOptions {
  dataDir: string;
  /** `embedded` (default) or `etcd://HOST:PORT`. */
  store?: string;
  /** SKIFF_LOG_LEVEL for the child (default `info`, so store recovery messages are logged). */
  logLevel?: string;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  /** Extra `skiff up` flags, e.g. `--event-ttl 2s`. */
  upArgs?: string[];
}

export interface SkiffProcess {
  readonly info: InstanceInfo;
  readonly pid: number;
  /** The JSON log lines skiff wrote on stderr so far, parsed (lines that are not JSON are skipped). */
  logLines(): Array<Record<string, unknown>>;
  /** `kill -9`: no shutdown code runs; resolves once the process is gone. */
  kill9(): Promise<void>;
  /** SIGTERM (a clean `skiff up` shutdown); resolves with the exit code. */
  stop(): Promise<number | null>;
}

export async function startSkiffProcess(opts: SkiffProcessOptions): Promise<SkiffProcess> {
  const args = [...(opts.nodeArgs ?? []), SKIFF_BIN, 'up', '--data-dir', opts.dataDir, '--api-port', '0', '--store', opts.store ?? 'embedded', '-o', 'json', ...(opts.upArgs ?? [])];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, SKIFF_LOG_LEVEL: opts.logLevel ?? 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let info: InstanceInfo;
  try {
    info = await new Promise<InstanceInfo>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`skiff up was not ready after ${READY_TIMEOUT_MS} ms:\n${stderr}`)), READY_TIMEOUT_MS);
      child.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const parsed = parseInfo(stdout);
        if (parsed !== undefined) {
          clearTimeout(timer);
          resolve(parsed);
        }
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`skiff up exited with ${code} before it was ready:\n${stdout}\n${stderr}`));
      });
    });
  } catch (error) {
    await killAndWait(child, exited);
    throw error;
  }
  return {
    info,
    pid: child.pid!,
    logLines: () => parseLogLines(stderr),
    kill9: () => killAndWait(child, exited),
    stop: async () => {
      if (isRunning(child)) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** The instance info once stdout holds the complete JSON object, else undefined. */
function parseInfo(stdout: string): InstanceInfo | undefined {
  try {
    const value = JSON.parse(stdout) as InstanceInfo;
    return typeof value.apiServer === 'string' && typeof value.kubeconfig === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

function parseLogLines(stderr: string): Array<Record<string, unknown>> {
  const lines: Array<Record<string, unknown>> = [];
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // a line cut short by kill -9
    }
  }
  return lines;
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

async function killAndWait(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (isRunning(child)) child.kill('SIGKILL');
  await exited;
}
