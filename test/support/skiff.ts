/**
 * Starts a real skiff (the same composition root as `skiff up`) in this test process on a
 * random port with a temporary data directory, and hands out a kubectl bound to it.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSkiff } from '../../src/server/start.ts';
import type { RunningSkiff } from '../../src/server/types.ts';
import { silentLogger, createLogger } from '../../src/util/log.ts';
import { kubectlFor, type Kubectl } from './kubectl.ts';

export interface TestSkiff {
  skiff: RunningSkiff;
  kubectl: Kubectl;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * A Service range of the test's own (a /24 inside skiff's 127.96.0.0/16), so that tests run
 * beside each other, or beside a developer's skiff, do not bind the same `kubernetes`
 * Service and cluster DNS addresses. Derived from the data directory, so a restarted
 * instance keeps the range its stored Services were allocated from.
 */
function serviceCidrFor(dataDir: string): string {
  const n = 1 + (createHash('sha256').update(dataDir).digest()[0]! % 255);
  return `127.96.${n}.0/24`;
}

export async function startTestSkiff(opts: { store?: string; dataDir?: string; historyWindow?: number; podNetwork?: 'loopback' | 'netns'; domain?: string } = {}): Promise<TestSkiff> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'skiff-test-'));
  const log = process.env.SKIFF_TEST_LOG ? createLogger('skiff-test') : silentLogger();
  const skiff = await startSkiff({ dataDir, apiPort: 0, serviceCIDR: serviceCidrFor(dataDir), store: opts.store ?? 'embedded', ...(opts.historyWindow !== undefined ? { historyWindow: opts.historyWindow } : {}), ...(opts.podNetwork ? { podNetwork: opts.podNetwork } : {}), ...(opts.domain ? { domain: opts.domain } : {}), routerHttpPort: 0, routerHttpsPort: 0 }, log);
  return {
    skiff,
    dataDir,
    kubectl: kubectlFor(skiff.info.kubeconfig),
    stop: async () => {
      await skiff.stop();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
