/**
 * `skiff up` as a child process for the serving benchmark, with the flags the shared
 * startSkiffProcess has no option for: the seed's apps domain (its wildcard certificate is for
 * `*.apps.openshift.example.com`) and router ports picked by the kernel (so a developer's skiff
 * on 18080/18443 does not collide). A child process, as the other benches use, so the
 * server's CPU is its own and not the load generator's.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InstanceInfo } from '../src/server/types.ts';

const SKIFF_BIN = fileURLToPath(new URL('../bin/skiff.js', import.meta.url));
const READY_TIMEOUT_MS = 60_000;

export interface ServingSkiff {
  kubeconfig: string;
  pid: number;
  /** The router's HTTPS port on 127.0.0.1 (passthrough Routes are matched by SNI). */
  routerHttpsPort: number;
  stop(): Promise<void>;
}

export async function startServingSkiff(domain: string): Promise<ServingSkiff> {
  const dataDir = await mkdtemp(join(tmpdir(), 'skiff-bench-serving-'));
  const args = [SKIFF_BIN, 'up', '--data-dir', dataDir, '--api-port', '0', '--domain', domain, '--router-http-port', '0', '--router-https-port', '0', '-o', 'json'];
  const child = spawn(process.execPath, args, { env: { ...process.env, SKIFF_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-20_000)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const info = await new Promise<InstanceInfo>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`skiff up was not ready after ${READY_TIMEOUT_MS} ms:\n${stderr}`)), READY_TIMEOUT_MS);
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const parsed = completeInfo(stdout);
        if (parsed === undefined) return;
        clearTimeout(timer);
        resolve(parsed);
      });
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`skiff up exited before it was ready:\n${stdout}\n${stderr}`));
      });
    });
    const https = info.ingress?.https.port;
    if (https === undefined) throw new Error('skiff up reported no router (instance info has no ingress)');
    return { kubeconfig: info.kubeconfig, pid: child.pid!, routerHttpsPort: https, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The instance info once stdout holds the whole JSON object, else undefined. */
function completeInfo(stdout: string): InstanceInfo | undefined {
  try {
    const value = JSON.parse(stdout) as InstanceInfo;
    return typeof value.kubeconfig === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
