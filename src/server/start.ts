/**
 * The composition root of `skiff up`: data-directory lock, store, cluster PKI, kinds, the
 * API server, the built-in namespaces, core controllers, the kubeconfig and the instance
 * file. `stop()` undoes it in reverse order.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { SkiffError } from '../errors/skiff-error.ts';
import { authenticate } from '../pki/authenticate.ts';
import { ensureClusterPki } from '../pki/cluster-pki.ts';
import { writeKubeconfig } from '../pki/kubeconfig.ts';
import { kubeconfigPathOf, pkiDirOf } from '../pki/layout.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/types.ts';
import type { Logger } from '../util/log.ts';
import { createApiServerCore, type ApiServerCore } from './api-server-core.ts';
import { ensureSystemNamespaces } from './system-namespaces.ts';
import { startCoreControllers } from './core-controllers.ts';
import { startMeshControllers } from './mesh-controllers.ts';
import { startRuntime } from '../runtime/kubelet.ts';
import { clusterDnsAddress, DEFAULT_LOAD_BALANCER_POOL, DEFAULT_NODE_PORT_RANGE, DEFAULT_SERVICE_CIDR, parseIpv4Range, parsePortRange } from '../api/builtin/core/service-network.ts';
import { startServiceProxy } from '../runtime/proxy/service-proxy.ts';
import { startMeshDataplane } from './mesh-dataplane.ts';
import { startServing } from './serving-controllers.ts';
import { startPodStreaming } from './pod-streaming.ts';
import { DEFAULT_ROUTER_HTTP_PORT, DEFAULT_ROUTER_HTTPS_PORT, startRouter } from './router.ts';
import { DEFAULT_APPS_DOMAIN } from '../dataplane/router/route-hosts.ts';
import { removeInstanceFile, writeInstanceFile } from './instance-file.ts';
import { acquireInstanceLock } from './instance-lock.ts';
import type { ComponentHealth, InstanceInfo, RunningSkiff, SkiffOptions } from './types.ts';
import { KUBERNETES_VERSION, SKIFF_VERSION, kubernetesVersionInfo } from './version.ts';

export async function startSkiff(opts: SkiffOptions, log: Logger): Promise<RunningSkiff> {
  const dataDir = resolve(opts.dataDir);
  const lock = await acquireInstanceLock(dataDir);
  const cleanups: Array<() => Promise<void>> = [() => lock.release()];
  const undo = async () => {
    for (const c of cleanups.reverse()) await c().catch((err: unknown) => log.warn({ err }, 'shutdown step failed'));
  };
  try {
    const store: Store = await openStore(opts.store, { dataDir, log: log.child({ component: 'store' }), ...(opts.historyWindow !== undefined ? { historyWindow: opts.historyWindow } : {}) });
    cleanups.push(() => store.close());

    const pki = await ensureClusterPki(pkiDirOf(dataDir));
    for (const change of pki.changes) log.info(change, 'cluster PKI');
    for (const warning of pki.warnings) log.warn(warning);

    const serviceNetwork = { serviceRange: parseIpv4Range(opts.serviceCIDR ?? DEFAULT_SERVICE_CIDR), nodePorts: parsePortRange(opts.nodePortRange ?? DEFAULT_NODE_PORT_RANGE) };
    const core: ApiServerCore = createApiServerCore({ store, log: log.child({ component: 'apiserver' }), version: kubernetesVersionInfo(), serviceNetwork, appsDomain: opts.domain ?? DEFAULT_APPS_DOMAIN, ...(opts.eventTtlMs !== undefined ? { eventTtlMs: opts.eventTtlMs } : {}) });
    await core.start();
    cleanups.push(async () => core.stop());

    const server: Server = createServer({ ...pki.tlsServerOptions(), keepAliveTimeout: 65_000 }, core.handler((req) => authenticate(req, pki)));
    await listen(server, opts.apiPort);
    cleanups.push(() => closeServer(server));
    const port = (server.address() as AddressInfo).port;
    const apiServer = `https://127.0.0.1:${port}`;

    // The API server itself creates the system namespaces (its managedFields name kube-apiserver).
    await ensureSystemNamespaces(core.clientAs('kube-apiserver'));
    const controlPlane = await core.startControlPlaneControllers(port);
    cleanups.push(() => controlPlane.stop());
    const controllerClients = { controllerManager: core.clientAs('kube-controller-manager'), scheduler: core.clientAs('kube-scheduler') };
    const controllers = await startCoreControllers(controllerClients, { rootCaPem: pki.caPem }, log.child({ component: 'controllers' }));
    cleanups.push(() => controllers.stop());
    // The mesh control plane (Maistra's operator and istiod's CA): docs/mesh.md.
    const meshControllers = await startMeshControllers(core.clientAs('istio-operator'), log.child({ component: 'mesh-controllers' }));
    cleanups.push(() => meshControllers.stop());
    const serviceProxy = await startServiceProxy(core.client, log.child({ component: 'service-proxy' }), { loadBalancerPool: opts.loadBalancerPool ?? DEFAULT_LOAD_BALANCER_POOL, strategy: opts.serviceBalancing ?? 'round-robin' });
    cleanups.push(() => serviceProxy.stop());
    // The mesh's gateway proxies on the gateway pods' IPs (docs/gateways.md).
    const meshDataplane = await startMeshDataplane(core.clientAs('istio-proxy'), log.child({ component: 'mesh-dataplane' }));
    cleanups.push(() => meshDataplane.stop());
    // Meshed pods' Service traffic leaves with their sidecar's auto mTLS (docs/sidecars.md).
    serviceProxy.setSidecarOutbound(meshDataplane.sidecarOutbound);
    // OpenShift's router for route.openshift.io Routes (docs/router.md).
    const domain = opts.domain ?? DEFAULT_APPS_DOMAIN;
    const router = await startRouter(core.clientAs('openshift-router'), log.child({ component: 'router' }), { domain, httpPort: opts.routerHttpPort ?? DEFAULT_ROUTER_HTTP_PORT, httpsPort: opts.routerHttpsPort ?? DEFAULT_ROUTER_HTTPS_PORT, randomPortsIfTaken: opts.routerHttpPort === undefined && opts.routerHttpsPort === undefined, ca: { certPem: pki.caPem, keyPem: pki.caKeyPem } });
    cleanups.push(() => router.stop());
    // Knative Serving: the operator, the serving and networking controllers, the autoscaler and activator (docs/serving.md).
    const serving = await startServing(core.clientAs('knative-serving'), log.child({ component: 'serving' }), { appsDomain: domain, meshTls: meshDataplane.meshTls });
    cleanups.push(() => serving.stop());

    // The kubelet: pods bound to this machine run as local processes (docs/runtime.md).
    const runtime = await startRuntime({
      client: core.clientAs('kubelet'), dataDir, log: log.child({ component: 'runtime' }),
      kubeletVersion: `v${KUBERNETES_VERSION.major}.${KUBERNETES_VERSION.minor}.${KUBERNETES_VERSION.patch}`,
      serviceAccountToken: () => pki.adminToken,
      ...(opts.podNetwork ? { podNetwork: opts.podNetwork } : {}),
      clusterDns: clusterDnsAddress(serviceNetwork.serviceRange),
    });
    cleanups.push(() => runtime.stop());
    // The proxies print (their access log) into their pods' istio-proxy containers' logs.
    meshDataplane.connectContainerStdout((pod, container, text) => {
      const worker = runtime.pod(pod.namespace, pod.name);
      return worker?.uid === pod.uid && (worker.instance(container)?.logs.writeLines('stdout', text) ?? false);
    });
    // kubectl logs and exec: the kubelet's own server and the API server's proxies to it (docs/streaming.md).
    const streaming = await startPodStreaming({ core, kubelet: runtime, pki, log: log.child({ component: 'kubelet-server' }), apiServer: { server, authenticate: (req) => authenticate(req, pki) } });
    cleanups.push(() => streaming.stop());

    const kubeconfig = kubeconfigPathOf(dataDir);
    await writeKubeconfig(kubeconfig, { server: apiServer, caPem: pki.caPem, token: pki.adminToken, clientCertPem: pki.adminCertPem, clientKeyPem: pki.adminKeyPem });

    const info: InstanceInfo = { pid: process.pid, apiServer, kubeconfig, dataDir, store: store.url, startedAt: new Date().toISOString(), version: SKIFF_VERSION, ingress: { http: router.http, https: router.https }, domain };
    await writeInstanceFile(dataDir, info);
    cleanups.push(() => removeInstanceFile(dataDir, process.pid));

    const health = (): ComponentHealth[] => [
      { name: 'apiserver', healthy: server.listening, message: apiServer },
      ...core.health().map((h) => ({ name: h.name, healthy: h.ok, ...(h.message ? { message: h.message } : {}) })),
      ...controllers.health(),
      ...meshControllers.health(),
      ...serving.health(),
      runtime.health(),
      { name: 'router', healthy: true, message: `http ${router.http.address}:${router.http.port}, https ${router.https.address}:${router.https.port}` },
      { name: 'service-proxy', healthy: true, ...(serviceProxy.problems().length > 0 ? { message: `cannot listen on ${serviceProxy.problems().join('; ')}` } : {}) },
      meshDataplane.health(),
    ];
    core.setStatusProvider(() => ({ apiServer, kubeconfig, dataDir, store: store.url, components: health(), mesh: { proxies: meshDataplane.proxies() }, networkPolicy: runtime.networkPolicy() }));
    let stopping: Promise<void> | undefined;
    return { info, health, stop: () => (stopping ??= undo()) };
  } catch (err) {
    await undo();
    throw err;
  }
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolveListen, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE' ? new SkiffError('SKF_CLI_PORT_IN_USE', `the API port ${port} on 127.0.0.1 is already in use`) : err);
    });
    server.listen(port, '127.0.0.1', () => resolveListen());
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolveClose) => {
    server.close(() => resolveClose());
    // Watches are long-lived: end them rather than wait up to an hour.
    server.closeAllConnections();
  });
}
