/**
 * The sidecars of every meshed pod (annotation `sidecar.istio.io/status`), each played by a
 * SidecarProxy on the pod's own IP in front of the app, which the runtime binds to the pod's
 * inner address (src/runtime/network/inner-address.ts): the ports it captures (declared,
 * targeted by Services, or found listening), each with the mTLS mode PeerAuthentication gives
 * it, the workload's AuthorizationPolicies, and the pod's SPIFFE certificate. A pod outside
 * every mesh (its namespace left the member roll) keeps a plaintext sidecar so its ports stay
 * reachable. A deleted pod's sidecar drains for terminationDrainDuration while the app stops.
 */
import type { Pod } from '../../api/builtin/core/pod-readiness.ts';
import { podIPv4 } from '../../api/builtin/core/pod-readiness.ts';
import { compileSidecarInboundFor } from '../../dataplane/config/compile-proxy.ts';
import { effectiveMtlsMode } from '../../dataplane/config/peer-authentication.ts';
import { planInboundPorts } from '../../dataplane/config/sidecar-ports.ts';
import { gatewayPeerOf } from '../../dataplane/gateway/peers.ts';
import { drainDeadlineMs, terminationDrainMs } from '../../dataplane/gateway/workload.ts';
import type { WorkloadPeer } from '../../dataplane/request-record.ts';
import { ListeningPortsWatcher } from '../../dataplane/sidecar/listening-ports.ts';
import { SidecarProxy } from '../../dataplane/sidecar/sidecar-proxy.ts';
import type { EventRecorder } from '../../runtime/events/recorder.ts';
import { innerAddressOf } from '../../runtime/network/inner-address.ts';
import type { Logger } from '../../util/log.ts';
import { ProblemReporter } from './problem-reporter.ts';
import { type AppliedConfig, configVersionOf, proxySyncStatus, type ProxySyncStatus } from './proxy-sync.ts';
import { serviceAccountOf, type MeshView } from './mesh-view.ts';

const SIDECAR_STATUS = 'sidecar.istio.io/status';
/** How often the app's listening sockets are looked for (what iptables would capture without asking). */
const LISTEN_POLL_MS = 1_000;

export interface SidecarStatus { pod: string; address: string; appAddress: string; ports: number[]; problems: string[]; draining: boolean }

interface Instance {
  pod: Pod;
  proxy: SidecarProxy;
  appAddress: string;
  ports: number[];
  problems: ProblemReporter;
  /** What it last applied (proxy-sync.ts), for `skiff check`'s SYNCED/STALE. */
  applied?: AppliedConfig;
  draining?: Promise<void>;
}

export function isMeshedPod(pod: Pod): boolean {
  return pod.metadata.annotations?.[SIDECAR_STATUS] !== undefined;
}

export class MeshSidecars {
  readonly #instances = new Map<string, Instance>();
  readonly #listening: ListeningPortsWatcher;

  constructor(private readonly view: MeshView, private readonly events: EventRecorder, private readonly log: Logger, onChange: () => void) {
    this.#listening = new ListeningPortsWatcher({ intervalMs: LISTEN_POLL_MS, onChange });
  }

  #drainMs(pod: Pod): number {
    const mesh = this.view.meshOfNamespace(pod.metadata.namespace ?? '');
    return terminationDrainMs(mesh ? this.view.meshConfig(mesh, pod.metadata.labels?.['istio.io/rev'] ?? 'basic') : undefined);
  }

  #drain(key: string, inst: Instance, deadlineMs: number): void {
    if (inst.draining) return;
    this.log.info({ pod: key, deadlineMs }, 'meshed pod terminating: draining its sidecar');
    inst.draining = inst.proxy.stop(deadlineMs).finally(() => {
      if (this.#instances.get(key) === inst) this.#instances.delete(key);
    });
  }

  /** Source workloads of inbound connections, by their address (pods connect from their own IP). */
  #peerOf(podsByIP: Map<string, Pod>, trustDomain: string | undefined): (ip: string) => WorkloadPeer | undefined {
    return (ip) => {
      const pod = podsByIP.get(ip);
      return pod ? gatewayPeerOf(pod, trustDomain) : undefined;
    };
  }

  async reconcile(): Promise<void> {
    const cidr = this.view.podCidr();
    // Only the loopback pod network has inner addresses; netns pods are not intercepted yet.
    if (!cidr?.startsWith('127.')) return;
    const pods = this.view.pods.list();
    const podsByIP = new Map(pods.filter((p) => podIPv4(p) !== '').map((p) => [podIPv4(p), p]));
    const seen = new Set<string>();
    let watching = false;
    for (const pod of pods) {
      if (!isMeshedPod(pod)) continue;
      const key = `${pod.metadata.namespace}/${pod.metadata.name}/${pod.metadata.uid}`;
      const address = podIPv4(pod);
      let inst = this.#instances.get(key);
      seen.add(key);
      if (pod.metadata.deletionTimestamp || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') {
        if (inst) this.#drain(key, inst, pod.metadata.deletionTimestamp ? drainDeadlineMs(pod, this.#drainMs(pod)) : 0);
        continue;
      }
      if (address === '') continue;
      watching = true;
      if (inst?.draining) continue;
      if (inst && inst.proxy.address !== address) {
        this.#drain(key, inst, 0);
        inst = undefined;
      }
      const namespace = pod.metadata.namespace ?? '';
      const mesh = this.view.meshOfNamespace(namespace);
      const meshConfig = mesh ? this.view.meshConfig(mesh) : undefined;
      const trustDomain = typeof meshConfig?.trustDomain === 'string' ? meshConfig.trustDomain : mesh ? 'cluster.local' : undefined;
      if (!inst) {
        const appAddress = innerAddressOf(address, cidr);
        inst = {
          pod, appAddress, ports: [], problems: new ProblemReporter(this.events, this.log, 'sidecar', 'SidecarConfigRejected'),
          proxy: new SidecarProxy({ address, appAddress, drainMs: this.#drainMs(pod), self: gatewayPeerOf(pod, trustDomain), peerOf: this.#peerOf(podsByIP, trustDomain) }),
        };
        this.#instances.set(key, inst);
      }
      inst.pod = pod;
      try {
        const workload = { namespace, labels: pod.metadata.labels ?? {} };
        const snapshot = mesh ? this.view.snapshot(mesh) : undefined;
        const inbound = snapshot ? compileSidecarInboundFor(snapshot, pod) : { ports: [], authorizationPolicies: [] };
        const plan = planInboundPorts({
          pod, inbound, listening: this.#listening.portsOf(inst.appAddress),
          modeOf: (port) => (snapshot && mesh ? effectiveMtlsMode(snapshot.peerAuthentications ?? [], mesh, workload, port) : 'DISABLE'),
        });
        const identity = mesh ? await this.view.identity({ meshNamespace: mesh, namespace, serviceAccount: serviceAccountOf(pod) }).catch((err: unknown) => {
          this.log.warn({ err, pod: key }, 'sidecar: cannot issue the mesh certificate');
          return undefined;
        }) : undefined;
        const result = await inst.proxy.apply({
          ports: plan, identity,
          ...(mesh && inbound.authorizationPolicies.length > 0 ? { authz: { workload, rootNamespace: mesh, policies: inbound.authorizationPolicies } } : {}),
        });
        inst.ports = result.ports;
        inst.problems.report(pod, result.problems);
        inst.applied = { mesh: mesh ?? '', version: snapshot ? configVersionOf(snapshot) : '0', at: new Date(), problems: result.problems.length };
      } catch (err) {
        this.log.error({ err, pod: key }, 'sidecar: cannot apply the configuration');
      }
    }
    for (const [key, inst] of this.#instances) if (!seen.has(key)) this.#drain(key, inst, drainDeadlineMs(inst.pod, this.#drainMs(inst.pod)));
    if (watching) this.#listening.start();
    else this.#listening.stop();
  }

  statuses(): SidecarStatus[] {
    return [...this.#instances.values()].map((i) => ({
      pod: `${i.pod.metadata.namespace}/${i.pod.metadata.name}`, address: i.proxy.address, appAddress: i.appAddress, ports: i.ports, problems: i.problems.problems, draining: i.draining !== undefined,
    }));
  }

  /** What each sidecar not draining last applied (none before its first apply). */
  proxySync(): ProxySyncStatus[] {
    return [...this.#instances.values()].filter((i) => !i.draining).flatMap((i) => proxySyncStatus(`${i.pod.metadata.namespace}/${i.pod.metadata.name}`, 'sidecar', i.applied) ?? []);
  }

  async stop(): Promise<void> {
    this.#listening.stop();
    await Promise.all([...this.#instances.values()].map((i) => i.draining ?? i.proxy.stop(0)));
    this.#instances.clear();
  }
}
