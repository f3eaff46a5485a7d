/**
 * Wires kubectl's streaming subresources: starts the kubelet's HTTPS server (logs, exec),
 * reports its port in the Node's daemonEndpoints, and registers the API server's pods/log
 * handler and its pods/exec upgrade listener, which proxy to it — the path kube-apiserver → kubelet takes in Kubernetes.
 * The API server authenticates to the kubelet with the admin client certificate (the
 * kubelet accepts only certificates from the cluster CA); the kubelet serves with the API
 * server's certificate, which is valid for 127.0.0.1.
 */
import type { IncomingMessage } from 'node:http';
import type { Server } from 'node:https';
import type { KubeObject } from '../api/object.ts';
import { podLogHandler, type PodLogHandlerDeps } from '../apiserver/http/pod-log-handler.ts';
import { podUpgradeProxy } from '../apiserver/http/pod-upgrade-proxy.ts';
import type { ClusterPki } from '../pki/cluster-pki.ts';
import type { KubeletPods } from '../runtime/server/container-logs.ts';
import { startKubeletServer } from '../runtime/server/kubelet-server.ts';
import type { Logger } from '../util/log.ts';
import type { ApiServerCore } from './api-server-core.ts';

export interface PodStreamingOptions {
  core: Pick<ApiServerCore, 'registry' | 'objects' | 'client' | 'subresources'>;
  /** The kubelet (KubeletHandle) or anything that finds pods and their logs. */
  kubelet: KubeletPods & { setKubeletPort?(port: number): Promise<void> };
  pki: Pick<ClusterPki, 'caPem' | 'servingCertPem' | 'servingKeyPem' | 'adminCertPem' | 'adminKeyPem'>;
  log: Logger;
  /** The API server's HTTPS server: pods/exec arrives as an upgrade ('upgrade' event). */
  apiServer?: { server: Server; authenticate(req: IncomingMessage): unknown };
}

export interface PodStreaming {
  readonly kubeletPort: number;
  stop(): Promise<void>;
}

export async function startPodStreaming(opts: PodStreamingOptions): Promise<PodStreaming> {
  const server = await startKubeletServer({
    pods: opts.kubelet, certPem: opts.pki.servingCertPem, keyPem: opts.pki.servingKeyPem, caPem: opts.pki.caPem, log: opts.log,
  });
  await opts.kubelet.setKubeletPort?.(server.port);
  const pods = opts.core.registry.resolve('', 'v1', 'pods');
  if (!pods) throw new Error('the pods kind is not registered');
  const deps: PodLogHandlerDeps = {
    getPod: (namespace, name) => opts.core.objects.get({ ...pods, namespace, name, subresource: undefined }),
    locateKubelet: async (nodeName) => {
      const node = await opts.core.client.get<KubeObject>({ apiVersion: 'v1', kind: 'Node' }, undefined, nodeName);
      const port = (node?.status as { daemonEndpoints?: { kubeletEndpoint?: { Port?: number } } } | undefined)?.daemonEndpoints?.kubeletEndpoint?.Port;
      // One machine: the kubelet server listens on loopback whatever the Node's InternalIP.
      return port ? { host: server.host, port } : undefined;
    },
    tls: { caPem: opts.pki.caPem, certPem: opts.pki.adminCertPem, keyPem: opts.pki.adminKeyPem },
  };
  opts.core.subresources.set('/pods/log', podLogHandler(deps));
  const upgrade = opts.apiServer ? podUpgradeProxy({ ...deps, authenticate: opts.apiServer.authenticate }) : undefined;
  if (upgrade) opts.apiServer?.server.on('upgrade', upgrade);
  return {
    kubeletPort: server.port,
    stop: async () => {
      opts.core.subresources.delete('/pods/log');
      if (upgrade) opts.apiServer?.server.off('upgrade', upgrade);
      await server.stop();
    },
  };
}
