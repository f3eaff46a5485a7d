/**
 * Two kubelets of one name (two skiff API servers sharing one etcd) registering and
 * reporting at the same moment, over a real in-process API server: a write that meets the
 * other's conflicts is read and made again, so neither start fails.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../api/object.ts';
import { startInProcessApi, type InProcessApi } from '../../server/testing/in-process-api.ts';
import { silentLogger } from '../../util/log.ts';
import { NodeAgent } from './node-agent.ts';

let api: InProcessApi;
const dataDir = mkdtempSync(join(tmpdir(), 'skiff-node-agent-'));

before(async () => {
  api = await startInProcessApi('node-agent');
  await api.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-node-lease' } });
});

after(async () => {
  await api.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const agent = (kubeletPort: number) => new NodeAgent(api.client, {
  name: 'shared', internalIP: '127.0.0.1', podCIDR: '127.244.0.0/16', kubeletPort, kubeletVersion: 'v1.32.0', runtimeVersion: 'skiff://test', maxPods: 110,
}, dataDir, silentLogger());

test('two agents of one node start and report their kubelet ports at the same moment', async () => {
  const [a, b] = [agent(10250), agent(10251)];
  try {
    await Promise.all([a.start(), b.start()]);
    // Each reads the Node, then writes its status: the second write meets the first's.
    await Promise.all([a.setKubeletPort(20250), b.setKubeletPort(20251)]);
    const node = await api.client.get<KubeObject>({ apiVersion: 'v1', kind: 'Node' }, undefined, 'shared');
    const port = (node?.status as { daemonEndpoints?: { kubeletEndpoint?: { Port?: number } } }).daemonEndpoints?.kubeletEndpoint?.Port;
    assert.ok(port === 20250 || port === 20251, `the last report wins: ${port}`);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});
