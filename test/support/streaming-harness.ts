/**
 * A real API server (store, PKI, HTTPS, authentication) with the pod streaming wiring of
 * src/server/pod-streaming.ts and a real kubelet server, whose pods are supplied by the
 * test: the API server → kubelet → log file path runs for real and the real kubectl drives
 * it, while container processes are replaced by log files the test writes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, appendFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { KubeObject } from '../../src/api/object.ts';
import { authenticate } from '../../src/pki/authenticate.ts';
import { ensureClusterPki } from '../../src/pki/cluster-pki.ts';
import { writeKubeconfig } from '../../src/pki/kubeconfig.ts';
import { containerLogPath, formatLogRecord, formatLogTimestamp, type LogStream } from '../../src/runtime/logs/layout.ts';
import type { ExecContext } from '../../src/runtime/process/exec.ts';
import type { KubeletPod, KubeletPods } from '../../src/runtime/server/container-logs.ts';
import { createApiServerCore } from '../../src/server/api-server-core.ts';
import { startPodStreaming } from '../../src/server/pod-streaming.ts';
import { ensureSystemNamespaces } from '../../src/server/system-namespaces.ts';
import { kubernetesVersionInfo } from '../../src/server/version.ts';
import { openStore } from '../../src/store/open.ts';
import { silentLogger } from '../../src/util/log.ts';
import { kubectlFor, type Kubectl } from './kubectl.ts';

export const NODE_NAME = 'harness-node';

/** A pod the fake kubelet knows: its log files are written by the test. */
export class HarnessPod implements KubeletPod {
  readonly #instances = new Map<string, { exec: ExecContext }>();
  constructor(readonly pod: KubeObject, readonly logsRoot: string) {}

  get uid(): string {
    return this.pod.metadata.uid ?? '';
  }

  instance(container: string): { exec: ExecContext } | undefined {
    return this.#instances.get(container);
  }

  /** Marks a container instance as running (logs -f follows it) or not. */
  setRunning(container: string, running: boolean): void {
    // exec runs on the host shell in the temp folder, with the test's PATH.
    if (running) this.#instances.set(container, { exec: { env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, cwd: tmpdir(), runtimeId: 'streaming-harness', mapPath: (text) => text } });
    else this.#instances.delete(container);
  }

  /** Appends CRI records to the log of instance `restartCount` of `container`. */
  async log(container: string, restartCount: number, lines: Array<{ content: string; stream?: LogStream; time?: Date; partial?: boolean }>): Promise<void> {
    const path = containerLogPath(this.logsRoot, { namespace: this.pod.metadata.namespace ?? '', name: this.pod.metadata.name ?? '', uid: this.uid }, container, restartCount);
    await mkdir(dirname(path), { recursive: true });
    const text = lines.map((l) => formatLogRecord({ timestamp: formatLogTimestamp(l.time ?? new Date()), stream: l.stream ?? 'stdout', partial: l.partial ?? false, content: l.content })).join('');
    await appendFile(path, text);
  }
}

export interface StreamingHarness {
  kubectl: Kubectl;
  /** Creates the pod in the API (bound to the harness node) and makes the kubelet know it. */
  addPod(manifest: KubeObject): Promise<HarnessPod>;
  /** Requests the kubelet server has answered for a pod (to wait for `-f` to be connected). */
  lookups(name: string): number;
  stop(): Promise<void>;
}

export async function startStreamingHarness(): Promise<StreamingHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-streaming-'));
  const log = silentLogger();
  const store = await openStore('embedded', { dataDir: dir, log });
  const pki = await ensureClusterPki(join(dir, 'pki'));
  const core = createApiServerCore({ store, log, version: kubernetesVersionInfo() });
  await core.start();
  const server: Server = createServer(pki.tlsServerOptions(), core.handler((req) => authenticate(req, pki)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  await ensureSystemNamespaces(core.client);
  // No controllers run here: make the account the ServiceAccount admission plugin requires.
  await core.client.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'default' } });

  const logsRoot = join(dir, 'pod-logs');
  const pods = new Map<string, HarnessPod>();
  const counts = new Map<string, number>();
  const kubelet: KubeletPods = {
    logsRoot,
    pod: (namespace, name) => {
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return pods.get(`${namespace}/${name}`);
    },
  };
  const node = await core.client.create<KubeObject>({ apiVersion: 'v1', kind: 'Node', metadata: { name: NODE_NAME } });
  const streaming = await startPodStreaming({
    core, pki, log,
    apiServer: { server, authenticate: (req) => authenticate(req, pki) },
    kubelet: {
      ...kubelet,
      pod: kubelet.pod,
      setKubeletPort: async (port) => {
        await core.client.updateStatus({ ...node, status: { daemonEndpoints: { kubeletEndpoint: { Port: port } }, addresses: [{ type: 'InternalIP', address: '127.0.0.1' }] } });
      },
    },
  });

  const kubeconfig = join(dir, 'kubeconfig');
  await writeKubeconfig(kubeconfig, { server: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, caPem: pki.caPem, token: pki.adminToken, clientCertPem: pki.adminCertPem, clientKeyPem: pki.adminKeyPem });
  return {
    kubectl: kubectlFor(kubeconfig),
    addPod: async (manifest) => {
      const created = await core.client.create<KubeObject>({ ...manifest, spec: { ...(manifest.spec as object), nodeName: NODE_NAME } });
      const withStatus = await core.client.updateStatus<KubeObject>({ ...created, status: { phase: 'Running', hostIP: '127.0.0.1', podIP: '127.0.0.1', podIPs: [{ ip: '127.0.0.1' }] } });
      const pod = new HarnessPod(withStatus, logsRoot);
      pods.set(`${created.metadata.namespace}/${created.metadata.name}`, pod);
      return pod;
    },
    lookups: (name) => counts.get(name) ?? 0,
    stop: async () => {
      await streaming.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      core.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
