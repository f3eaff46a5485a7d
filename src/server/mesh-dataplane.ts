/**
 * The mesh data plane in `skiff up` (docs/gateways.md): skiff's node proxy plays Envoy for
 * every gateway pod on this node. Like istiod, it watches the configuration (Pods,
 * Namespaces, Services, EndpointSlices, Secrets, the mesh ConfigMaps, Istio's networking
 * kinds and AuthorizationPolicies) through the Client only, debounces bursts of changes,
 * compiles each gateway pod's ProxyConfig (src/dataplane/config) from what its mesh sees
 * (Maistra: its control plane's namespace and its members) and pushes it to that pod's
 * GatewayProxy, which listens on the pod's own IP. Problems (a missing credential, a port that cannot be bound)
 * go to the log and, once each, to a Warning Event on the gateway pod. A deleted gateway
 * pod stops accepting and drains for terminationDrainDuration (within its grace period).
 */
import type { Pod } from '../api/builtin/core/pod-readiness.ts';
import { podIPv4 } from '../api/builtin/core/pod-readiness.ts';
import { ENDPOINT_SLICE, SERVICE, type EndpointSlice, type Service } from '../api/builtin/core/service-view.ts';
import type { KubeObject } from '../api/object.ts';
import { Informer } from '../client/informer.ts';
import type { Client } from '../client/types.ts';
import { meshConfigMapName, parseMeshConfig } from '../controllers/mesh/controlplane/resources/mesh-config.ts';
import { compileGatewayProxy, type MeshSnapshot } from '../dataplane/config/compile-proxy.ts';
import type { AuthorizationPolicy, DestinationRule, Gateway, Secret, ServiceEntry, VirtualService } from '../dataplane/config/istio-specs.ts';
import { formatProblem } from '../dataplane/config/problems.ts';
import { meshOptionsFrom } from '../dataplane/config/mesh-options.ts';
import { GatewayProxy, type MeshIdentity } from '../dataplane/gateway/index.ts';
import { gatewayPeerOf } from '../dataplane/gateway/peers.ts';
import { meshNamespaces, scopeToMesh } from '../dataplane/gateway/mesh-scope.ts';
import { drainDeadlineMs, gatewayWorkloadOf, isGatewayPod, meshNamespaceOf, needsMeshIdentity, terminationDrainMs } from '../dataplane/gateway/workload.ts';
import { issueWorkloadCertificate, loadMeshCa, type WorkloadCertificate } from '../mesh/pki/index.ts';
import { EventRecorder } from '../runtime/events/recorder.ts';
import type { Logger } from '../util/log.ts';
import type { ComponentHealth } from './types.ts';

/** istiod's PILOT_DEBOUNCE_AFTER is 100 ms; changes arrive in bursts (kubectl apply of a file). */
const DEBOUNCE_MS = 75;

const KINDS = {
  pod: { apiVersion: 'v1', kind: 'Pod' },
  namespace: { apiVersion: 'v1', kind: 'Namespace' },
  secret: { apiVersion: 'v1', kind: 'Secret' },
  configMap: { apiVersion: 'v1', kind: 'ConfigMap' },
  gateway: { apiVersion: 'networking.istio.io/v1beta1', kind: 'Gateway' },
  virtualService: { apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService' },
  destinationRule: { apiVersion: 'networking.istio.io/v1beta1', kind: 'DestinationRule' },
  serviceEntry: { apiVersion: 'networking.istio.io/v1beta1', kind: 'ServiceEntry' },
  authorizationPolicy: { apiVersion: 'security.istio.io/v1beta1', kind: 'AuthorizationPolicy' },
} as const;

export interface GatewayProxyStatus { pod: string; address: string; ports: number[]; problems: string[]; draining: boolean; inFlight: number }

export interface RunningMeshDataplane {
  health(): ComponentHealth;
  gateways(): GatewayProxyStatus[];
  /** Resolves once the latest change has been compiled and applied. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

interface Instance {
  pod: Pod;
  proxy: GatewayProxy;
  ports: number[];
  problems: string[];
  /** Problems already reported as events: each once while it lasts. */
  reported: Set<string>;
  identity?: WorkloadCertificate;
  draining?: Promise<void>;
}

export async function startMeshDataplane(client: Client, log: Logger): Promise<RunningMeshDataplane> {
  const events = new EventRecorder(client, { component: 'istio-proxy' }, log);
  const informer = <T extends KubeObject>(type: { apiVersion: string; kind: string }) => new Informer<T>(client, type, {}, log);
  const pods = informer<Pod>(KINDS.pod);
  const namespaces = informer<KubeObject>(KINDS.namespace);
  const services = informer<Service>(SERVICE);
  const slices = informer<EndpointSlice>(ENDPOINT_SLICE);
  const secrets = informer<Secret>(KINDS.secret);
  const configMaps = informer<KubeObject & { data?: Record<string, string> }>(KINDS.configMap);
  const gateways = informer<Gateway>(KINDS.gateway);
  const virtualServices = informer<VirtualService>(KINDS.virtualService);
  const destinationRules = informer<DestinationRule>(KINDS.destinationRule);
  const serviceEntries = informer<ServiceEntry>(KINDS.serviceEntry);
  const authorizationPolicies = informer<AuthorizationPolicy>(KINDS.authorizationPolicy);
  const all = [pods, namespaces, services, slices, secrets, configMaps, gateways, virtualServices, destinationRules, serviceEntries, authorizationPolicies];

  const instances = new Map<string, Instance>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const meshConfigOf = (pod: Pod) => {
    const revision = pod.metadata.labels?.['istio.io/rev'] ?? 'basic';
    const cm = configMaps.get(`${meshNamespaceOf(pod)}/${meshConfigMapName(revision)}`);
    try {
      return parseMeshConfig(cm?.data);
    } catch {
      return undefined;
    }
  };

  const identityFor = async (inst: Instance): Promise<MeshIdentity | undefined> => {
    const now = new Date();
    if (inst.identity && inst.identity.renewAt > now) return inst.identity;
    const ca = await loadMeshCa(client, meshNamespaceOf(inst.pod), now);
    if (!ca) return undefined;
    const serviceAccount = typeof inst.pod.spec?.serviceAccountName === 'string' ? inst.pod.spec.serviceAccountName : 'default';
    inst.identity = await issueWorkloadCertificate(ca, { namespace: inst.pod.metadata.namespace ?? '', serviceAccount }, { now });
    // Renewal: recompile at the renewal time so new handshakes get the fresh certificate.
    setTimeout(changed, Math.max(1_000, inst.identity.renewAt.getTime() - now.getTime())).unref();
    return inst.identity;
  };

  const report = (inst: Instance, problems: string[]) => {
    inst.problems = problems;
    const current = new Set(problems);
    for (const p of problems) {
      if (inst.reported.has(p)) continue;
      inst.reported.add(p);
      log.warn({ pod: `${inst.pod.metadata.namespace}/${inst.pod.metadata.name}` }, `gateway: ${p}`);
      const pod = inst.pod;
      events.event({ apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name ?? '', namespace: pod.metadata.namespace ?? '', uid: pod.metadata.uid ?? '' }, 'Warning', 'GatewayConfigRejected', p);
    }
    for (const p of inst.reported) if (!current.has(p)) inst.reported.delete(p);
  };

  const drain = (key: string, inst: Instance, deadlineMs: number) => {
    if (inst.draining) return;
    log.info({ pod: key, deadlineMs }, 'gateway pod terminating: draining');
    inst.draining = inst.proxy.stop(deadlineMs).finally(() => {
      if (instances.get(key) === inst) instances.delete(key);
    });
  };

  /** What the mesh whose control plane is in `rootNamespace` sees (Maistra: its member roll only). */
  const snapshot = (rootNamespace: string, meshConfig: Record<string, unknown> | undefined): MeshSnapshot => scopeToMesh({
    rootNamespace, mesh: meshOptionsFrom(meshConfig), services: services.list(), endpointSlices: slices.list(), pods: pods.list(), secrets: secrets.list(),
    gateways: gateways.list(), virtualServices: virtualServices.list(), destinationRules: destinationRules.list(), serviceEntries: serviceEntries.list(),
    authorizationPolicies: authorizationPolicies.list(),
  }, meshNamespaces(rootNamespace, namespaces.list()));

  const reconcile = async () => {
    const seen = new Set<string>();
    for (const pod of pods.list()) {
      if (!isGatewayPod(pod)) continue;
      const key = `${pod.metadata.namespace}/${pod.metadata.name}/${pod.metadata.uid}`;
      const address = podIPv4(pod);
      let inst = instances.get(key);
      seen.add(key);
      if (pod.metadata.deletionTimestamp || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') {
        if (inst) drain(key, inst, pod.metadata.deletionTimestamp ? drainDeadlineMs(pod, terminationDrainMs(meshConfigOf(pod))) : 0);
        continue;
      }
      if (pod.status?.phase !== 'Running' || address === '') continue;
      if (inst?.draining) continue;
      if (inst && inst.proxy.address !== address) {
        drain(key, inst, 0);
        inst = undefined;
      }
      const drainMs = terminationDrainMs(meshConfigOf(pod));
      if (!inst) {
        const meshConfig = meshConfigOf(pod);
        const trustDomain = typeof meshConfig?.trustDomain === 'string' ? meshConfig.trustDomain : undefined;
        inst = { pod, proxy: new GatewayProxy({ address, chainDrainMs: drainMs, self: gatewayPeerOf(pod, trustDomain) }), ports: [], problems: [], reported: new Set() };
        instances.set(key, inst);
      }
      inst.pod = pod;
      try {
        const config = compileGatewayProxy(snapshot(meshNamespaceOf(pod), meshConfigOf(pod)), gatewayWorkloadOf(pod));
        const identity = needsMeshIdentity(config) ? await identityFor(inst).catch((err: unknown) => {
          log.warn({ err, pod: key }, 'gateway: cannot issue the mesh certificate');
          return undefined;
        }) : undefined;
        const rootNamespace = meshNamespaceOf(pod);
        const result = await inst.proxy.apply(config, identity, { workload: { namespace: pod.metadata.namespace ?? '', labels: pod.metadata.labels ?? {} }, rootNamespace });
        inst.ports = result.ports;
        report(inst, [...config.problems.filter((p) => p.severity === 'error').map(formatProblem), ...result.problems]);
      } catch (err) {
        log.error({ err, pod: key }, 'gateway: cannot apply the configuration');
      }
    }
    // A pod whose containers exit at once can be gone before a pass saw it terminating: its
    // proxy still gets the drain it would have had (terminationDrainDuration within the grace period).
    for (const [key, inst] of instances) if (!seen.has(key)) drain(key, inst, drainDeadlineMs(inst.pod, terminationDrainMs(meshConfigOf(inst.pod))));
  };

  const run = () => {
    timer = undefined;
    if (stopped) return;
    running = running.then(reconcile).catch((err: unknown) => log.error({ err }, 'gateway data plane reconcile failed'));
  };
  function changed(): void {
    if (!stopped && !timer) timer = setTimeout(run, DEBOUNCE_MS);
  }
  const handlers = { add: changed, update: changed, delete: changed };
  try {
    for (const i of all) {
      i.addHandlers(handlers);
      await i.start();
    }
  } catch (err) {
    for (const i of all) i.stop();
    throw err;
  }
  run();

  const statuses = (): GatewayProxyStatus[] => [...instances.values()].map((i) => ({
    pod: `${i.pod.metadata.namespace}/${i.pod.metadata.name}`, address: i.proxy.address, ports: i.ports, problems: i.problems, draining: i.draining !== undefined, inFlight: i.proxy.inFlight,
  }));
  return {
    gateways: statuses,
    health: () => {
      const list = statuses();
      const text = list.map((g) => `${g.pod} ${g.address}:[${g.ports.join(',')}]${g.inFlight > 0 ? ` ${g.inFlight} in flight` : ''}${g.draining ? ' draining' : ''}${g.problems.length > 0 ? ` (${g.problems.length} problems)` : ''}`).join('; ');
      return { name: 'mesh-gateways', healthy: true, message: list.length === 0 ? 'no gateway pods' : text };
    },
    settled: async () => {
      if (timer) {
        clearTimeout(timer);
        run();
      }
      await running;
    },
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      for (const i of all) i.stop();
      await running;
      await Promise.all([...instances.values()].map((i) => i.draining ?? i.proxy.stop(0)));
      instances.clear();
      await events.flush();
    },
  };
}
