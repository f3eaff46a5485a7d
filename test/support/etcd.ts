/**
 * Starts a private single-member etcd (Debian's `etcd` binary, installed by
 * scripts/ensure-tools.sh) on free loopback ports with a temporary data directory, for tests
 * that need the etcd store. Ready means etcd's /health says so, not that some time passed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export interface TestEtcd {
  /** Store URL for openStore: `etcd://127.0.0.1:PORT`. */
  url: string;
  /** `127.0.0.1:PORT` of the client listener. */
  endpoint: string;
  /** Process id of the etcd server (benchmarks read its CPU time). */
  pid: number;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;
const POLL_INTERVAL_MS = 50;
const START_ATTEMPTS = 3;

export async function startEtcd(): Promise<TestEtcd> {
  let lastError: unknown;
  // Free ports are found by binding port 0 and releasing it; another process may grab one
  // in between, so a start that fails on its ports is retried with new ones.
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    try {
      return await startOnce();
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

async function startOnce(): Promise<TestEtcd> {
  const dataDir = await mkdtemp(join(tmpdir(), 'skiff-etcd-'));
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const endpoint = `127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const child = spawn(
    'etcd',
    [
      '--name', 'skiff-test',
      '--data-dir', dataDir,
      '--listen-client-urls', `http://${endpoint}`,
      '--advertise-client-urls', `http://${endpoint}`,
      '--listen-peer-urls', peer,
      '--initial-advertise-peer-urls', peer,
      '--initial-cluster', `skiff-test=${peer}`,
      '--initial-cluster-state', 'new',
      '--logger', 'zap',
      '--log-level', 'error',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    await terminate(child, exited);
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await waitHealthy(endpoint, child, () => stderr);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `etcd://${endpoint}`, endpoint, pid: child.pid!, stop };
}

async function waitHealthy(endpoint: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`etcd exited (${child.exitCode ?? child.signalCode}) before it was healthy: ${stderr()}`);
    }
    try {
      const response = await fetch(`http://${endpoint}/health`);
      const body = (await response.json()) as { health?: string };
      if (body.health === 'true') return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`etcd on ${endpoint} was not healthy after ${READY_TIMEOUT_MS} ms: ${stderr()}`);
    await delay(POLL_INTERVAL_MS);
  }
}

async function terminate(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(killer);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
