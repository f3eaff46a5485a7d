/**
 * The gateway pods of every mesh, each played by a GatewayProxy on the pod's own IP: compiled
 * from what its mesh sees (src/dataplane/config), with the gateway's SPIFFE certificate when
 * a chain terminates ISTIO_MUTUAL or a cluster originates it. Lifecycle and drain:
 * pod-proxies.ts.
 */
import { accessLogSettingsFromMeshConfig } from '../../dataplane/telemetry/access-log-writer.ts';
import type { ProxyOutput } from './proxy-output.ts';
import type { Pod } from '../../api/builtin/core/pod-readiness.ts';
import { compileGatewayProxy } from '../../dataplane/config/compile-proxy.ts';
import { formatProblem } from '../../dataplane/config/problems.ts';
import { GatewayProxy } from '../../dataplane/gateway/index.ts';
import { gatewayPeerOf } from '../../dataplane/gateway/peers.ts';
import { gatewayWorkloadOf, isGatewayPod, meshNamespaceOf, needsMeshIdentity, terminationDrainMs } from '../../dataplane/gateway/workload.ts';
import type { EventRecorder } from '../../runtime/events/recorder.ts';
import type { Logger } from '../../util/log.ts';
import { PodProxies, type ProxyInstance } from './pod-proxies.ts';
import { ProblemReporter } from './problem-reporter.ts';
import { configVersionOf } from './proxy-sync.ts';
import { serviceAccountOf, type MeshView } from './mesh-view.ts';

export interface GatewayProxyStatus { pod: string; address: string; ports: number[]; problems: string[]; draining: boolean; inFlight: number }

type Instance = ProxyInstance<GatewayProxy>;

export class MeshGateways extends PodProxies<GatewayProxy, Instance> {
  constructor(private readonly view: MeshView, private readonly events: EventRecorder, log: Logger, private readonly output: ProxyOutput) {
    super(log, 'gateway');
  }

  reconcile(): Promise<void> {
    return this.reconcilePods(this.view.pods.list());
  }

  #meshConfig(pod: Pod): Record<string, unknown> | undefined {
    return this.view.podMeshConfig(meshNamespaceOf(pod), pod);
  }

  protected selects(pod: Pod): boolean {
    return isGatewayPod(pod);
  }

  protected serving(pod: Pod): boolean {
    return pod.status?.phase === 'Running';
  }

  protected drainMs(pod: Pod): number {
    return terminationDrainMs(this.#meshConfig(pod));
  }

  protected create(pod: Pod, address: string): Instance {
    const meshConfig = this.#meshConfig(pod);
    const trustDomain = typeof meshConfig?.trustDomain === 'string' ? meshConfig.trustDomain : undefined;
    const proxy = new GatewayProxy({ address, chainDrainMs: this.drainMs(pod), self: gatewayPeerOf(pod, trustDomain), accessLogOutput: this.output.stdoutOf(pod) });
    return { pod, proxy, ports: [], problems: new ProblemReporter(this.events, this.log, 'gateway', 'GatewayConfigRejected') };
  }

  protected async configure(inst: Instance, pod: Pod, key: string): Promise<void> {
    const rootNamespace = meshNamespaceOf(pod);
    const snapshot = this.view.snapshot(rootNamespace);
    const config = compileGatewayProxy(snapshot, gatewayWorkloadOf(pod));
    const identity = needsMeshIdentity(config) || config.clusters.some((c) => c.tls.mode === 'ISTIO_MUTUAL')
      ? await this.view.identity({ meshNamespace: rootNamespace, namespace: pod.metadata.namespace ?? '', serviceAccount: serviceAccountOf(pod) }).catch((err: unknown) => {
        this.log.warn({ err, pod: key }, 'gateway: cannot issue the mesh certificate');
        return undefined;
      })
      : undefined;
    const result = await inst.proxy.apply(config, identity, { workload: { namespace: pod.metadata.namespace ?? '', labels: pod.metadata.labels ?? {} }, rootNamespace });
    await inst.proxy.telemetry.reconfigure(accessLogSettingsFromMeshConfig(this.#meshConfig(pod)));
    inst.ports = result.ports;
    inst.problems.report(pod, [...config.problems.filter((p) => p.severity === 'error').map(formatProblem), ...result.problems]);
    inst.applied = { mesh: rootNamespace, version: configVersionOf(snapshot), at: new Date(), problems: inst.problems.problems.length };
  }

  statuses(): GatewayProxyStatus[] {
    return [...this.instances.values()].map((i) => ({
      pod: `${i.pod.metadata.namespace}/${i.pod.metadata.name}`, address: i.proxy.address, ports: i.ports, problems: i.problems.problems, draining: i.draining !== undefined, inFlight: i.proxy.inFlight,
    }));
  }
}
