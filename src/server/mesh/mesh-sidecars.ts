/**
 * The sidecars of every meshed pod (annotation `sidecar.istio.io/status`), each played by a
 * SidecarProxy on the pod's own IP in front of the app, which the runtime binds to the pod's
 * inner address (src/runtime/network/inner-address.ts): the ports it captures (declared,
 * targeted by Services, or found listening), each with the mTLS mode PeerAuthentication gives
 * it, the workload's AuthorizationPolicies, and the pod's SPIFFE certificate. A pod outside
 * every mesh (its namespace left the member roll) keeps a plaintext sidecar so its ports stay
 * reachable. A deleted pod's sidecar drains for terminationDrainDuration while the app stops.
 */
import { accessLogSettingsFromMeshConfig } from '../../dataplane/telemetry/access-log-writer.ts';
import type { ProxyOutput } from './proxy-output.ts';
import type { Pod } from '../../api/builtin/core/pod-readiness.ts';
import { podIPv4 } from '../../api/builtin/core/pod-readiness.ts';
import { compileSidecarInboundFor, compileSidecarProxy, type ProxyConfig } from '../../dataplane/config/compile-proxy.ts';
import { GatewayProxy } from '../../dataplane/gateway/gateway-proxy.ts';
import { effectiveMtlsMode } from '../../dataplane/config/peer-authentication.ts';
import { planInboundPorts } from '../../dataplane/config/sidecar-ports.ts';
import { gatewayPeerOf } from '../../dataplane/gateway/peers.ts';
import { terminationDrainMs } from '../../dataplane/gateway/workload.ts';
import type { WorkloadPeer } from '../../dataplane/request-record.ts';
import { ListeningPortsWatcher } from '../../dataplane/sidecar/listening-ports.ts';
import { SidecarProxy } from '../../dataplane/sidecar/sidecar-proxy.ts';
import { ProxyTelemetry } from '../../dataplane/telemetry/proxy-telemetry.ts';
import type { EventRecorder } from '../../runtime/events/recorder.ts';
import { innerAddressOf, isMeshedPod } from '../../runtime/network/inner-address.ts';
import type { Logger } from '../../util/log.ts';
import { PodProxies, type ProxyInstance } from './pod-proxies.ts';
import { ProblemReporter } from './problem-reporter.ts';
import { configVersionOf } from './proxy-sync.ts';
import { serviceAccountOf, type MeshView } from './mesh-view.ts';

/** How often the app's listening sockets are looked for (what iptables would capture without asking). */
const LISTEN_POLL_MS = 1_000;

export interface SidecarStatus { pod: string; address: string; appAddress: string; ports: number[]; problems: string[]; draining: boolean }

/**
 * Both halves of a meshed pod's sidecar: inbound on the pod's IP in front of the app, and
 * outbound for the HTTP the pod's own processes send to Services (the service proxy hands
 * those connections over, sidecar-outbound.ts), routed by the mesh's VirtualServices.
 */
class MeshedPodProxy {
  constructor(readonly inbound: SidecarProxy, readonly outbound: GatewayProxy, readonly telemetry: ProxyTelemetry) {}

  get address(): string {
    return this.inbound.address;
  }

  async stop(deadlineMs: number): Promise<void> {
    await Promise.all([this.inbound.stop(deadlineMs), this.outbound.stop(deadlineMs)]);
    // Shared by both halves: closed once neither can report any more.
    await this.telemetry.close();
  }
}

interface Instance extends ProxyInstance<MeshedPodProxy> {
  appAddress: string;
}

export class MeshSidecars extends PodProxies<MeshedPodProxy, Instance> {
  readonly #listening: ListeningPortsWatcher;
  #cidr = '';
  #podsByIP = new Map<string, Pod>();

  constructor(private readonly view: MeshView, private readonly events: EventRecorder, log: Logger, onChange: () => void, private readonly output: ProxyOutput) {
    super(log, 'sidecar');
    this.#listening = new ListeningPortsWatcher({ intervalMs: LISTEN_POLL_MS, onChange });
  }

  async reconcile(): Promise<void> {
    const cidr = this.view.podCidr();
    // Only the loopback pod network has inner addresses; netns pods are not intercepted yet.
    if (!cidr?.startsWith('127.')) return;
    this.#cidr = cidr;
    const pods = this.view.pods.list();
    this.#podsByIP = new Map(pods.filter((p) => podIPv4(p) !== '').map((p) => [podIPv4(p), p]));
    await this.reconcilePods(pods);
    if ([...this.instances.values()].some((i) => !i.draining)) this.#listening.start();
    else this.#listening.stop();
  }

  #trustDomain(mesh: string | undefined): string | undefined {
    const meshConfig = mesh ? this.view.meshConfig(mesh) : undefined;
    return typeof meshConfig?.trustDomain === 'string' ? meshConfig.trustDomain : mesh ? 'cluster.local' : undefined;
  }

  /** Source workloads of inbound connections, by their address (pods connect from their own IP). */
  #peerOf(trustDomain: string | undefined): (ip: string) => WorkloadPeer | undefined {
    return (ip) => {
      const pod = this.#podsByIP.get(ip);
      return pod ? gatewayPeerOf(pod, trustDomain) : undefined;
    };
  }

  protected selects(pod: Pod): boolean {
    return isMeshedPod(pod);
  }

  protected serving(): boolean {
    return true;
  }

  protected drainMs(pod: Pod): number {
    const mesh = this.view.meshOfNamespace(pod.metadata.namespace ?? '');
    return terminationDrainMs(mesh ? this.view.podMeshConfig(mesh, pod) : undefined);
  }

  protected create(pod: Pod, address: string): Instance {
    const trustDomain = this.#trustDomain(this.view.meshOfNamespace(pod.metadata.namespace ?? ''));
    const appAddress = innerAddressOf(address, this.#cidr);
    // One Envoy per pod: its inbound (reporter destination) and outbound (reporter source)
    // series share one stats store, served on the pod's :15090.
    const telemetry = new ProxyTelemetry({ stdout: this.output.stdoutOf(pod) });
    return {
      pod, appAddress, ports: [], problems: new ProblemReporter(this.events, this.log, 'sidecar', 'SidecarConfigRejected'),
      proxy: new MeshedPodProxy(
        new SidecarProxy({ address, appAddress, drainMs: this.drainMs(pod), self: gatewayPeerOf(pod, trustDomain), peerOf: this.#peerOf(trustDomain), telemetry }),
        new GatewayProxy({ address, mode: 'outbound', chainDrainMs: this.drainMs(pod), self: gatewayPeerOf(pod, trustDomain), telemetry }),
        telemetry,
      ),
    };
  }

  protected async configure(inst: Instance, pod: Pod, key: string): Promise<void> {
    const namespace = pod.metadata.namespace ?? '';
    const mesh = this.view.meshOfNamespace(namespace);
    const workload = { namespace, labels: pod.metadata.labels ?? {} };
    const snapshot = mesh ? this.view.snapshot(mesh) : undefined;
    const inbound = snapshot ? compileSidecarInboundFor(snapshot, pod) : { ports: [], authorizationPolicies: [] };
    const detection = mesh ? this.view.protocolDetection(mesh) : undefined;
    const plan = planInboundPorts({
      pod, inbound, listening: this.#listening.portsOf(inst.appAddress), sniff: detection?.inbound ?? false,
      ...(detection?.timeoutMs !== undefined ? { detectionTimeoutMs: detection.timeoutMs } : {}),
      modeOf: (port) => (snapshot && mesh ? effectiveMtlsMode(snapshot.peerAuthentications ?? [], mesh, workload, port) : 'DISABLE'),
    });
    const identity = mesh ? await this.view.identity({ meshNamespace: mesh, namespace, serviceAccount: serviceAccountOf(pod) }).catch((err: unknown) => {
      this.log.warn({ err, pod: key }, 'sidecar: cannot issue the mesh certificate');
      return undefined;
    }) : undefined;
    const result = await inst.proxy.inbound.apply({
      ports: plan, identity,
      ...(mesh && inbound.authorizationPolicies.length > 0 ? { authz: { workload, rootNamespace: mesh, policies: inbound.authorizationPolicies } } : {}),
    });
    // Outbound HTTP: one route configuration per Service port the pod can see (Envoy's
    // 0.0.0.0_<port> outbound listeners), applied without listening.
    const outbound = snapshot ? outboundConfigOf(compileSidecarProxy(snapshot, workload), inst.proxy.address) : undefined;
    const outResult = outbound ? await inst.proxy.outbound.apply(outbound, identity) : { problems: [] };
    const problems = [...result.problems, ...outResult.problems];
    await inst.proxy.telemetry.reconfigure(accessLogSettingsFromMeshConfig(mesh ? this.view.podMeshConfig(mesh, pod) : undefined));
    inst.ports = result.ports;
    inst.problems.report(pod, problems);
    inst.applied = { mesh: mesh ?? '', version: snapshot ? configVersionOf(snapshot) : '0', at: new Date(), problems: problems.length };
  }

  /** The outbound half of the sidecar of the meshed pod at `ip`, when it routes HTTP for `port`. */
  outboundFor(ip: string, port: number): GatewayProxy | undefined {
    for (const inst of this.instances.values()) {
      if (inst.draining || inst.proxy.address !== ip) continue;
      return inst.proxy.outbound.ports.includes(port) ? inst.proxy.outbound : undefined;
    }
    return undefined;
  }

  statuses(): SidecarStatus[] {
    return [...this.instances.values()].map((i) => ({
      pod: `${i.pod.metadata.namespace}/${i.pod.metadata.name}`, address: i.proxy.address, appAddress: i.appAddress, ports: i.ports, problems: i.problems.problems, draining: i.draining !== undefined,
    }));
  }

  override async stop(): Promise<void> {
    this.#listening.stop();
    await super.stop();
  }
}

/** The sidecar's outbound configuration with an HTTP listener per route configuration (its port). */
function outboundConfigOf(config: ProxyConfig, address: string): ProxyConfig {
  const listeners = config.routeConfigs.map((rc) => ({
    name: `0.0.0.0_${rc.name}`, bind: address, port: Number(rc.name), protocol: 'HTTP' as const, http2: false,
    filterChains: [{ kind: 'http' as const, serverNames: [], routeConfigName: rc.name, hosts: [], servers: [] }],
  }));
  return { ...config, listeners };
}

