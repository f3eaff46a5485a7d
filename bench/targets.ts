/**
 * What the benchmark runs against, each started fresh and stopped after its phase: `skiff up`
 * as a child process (so the server's CPU is its own, not the load generator's) on the
 * embedded store or on a private etcd, and a private etcd for the raw peer figures.
 * SKIFF_BENCH_CPU_PROF=DIR makes every skiff write a V8 CPU profile into DIR.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEtcd, type TestEtcd } from '../test/support/etcd.ts';
import { startSkiffProcess, type SkiffProcess } from '../test/support/skiff-process.ts';

export interface SkiffTarget {
  kubeconfig: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startSkiffTarget(store: string): Promise<SkiffTarget> {
  const dataDir = await mkdtemp(join(tmpdir(), 'skiff-bench-'));
  const profileDir = process.env.SKIFF_BENCH_CPU_PROF;
  let skiff: SkiffProcess;
  try {
    skiff = await startSkiffProcess({
      dataDir,
      store,
      logLevel: 'warn',
      ...(profileDir ? { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', profileDir] } : {}),
    });
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    kubeconfig: skiff.info.kubeconfig,
    pid: skiff.pid,
    stop: async () => {
      await skiff.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export function startEtcdTarget(): Promise<TestEtcd> {
  return startEtcd();
}
