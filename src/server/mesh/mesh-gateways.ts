/**
 * The gateway pods of every mesh, each played by a GatewayProxy on the pod's own IP: compiled
 * from what its mesh sees (src/dataplane/config), with the gateway's SPIFFE certificate when
 * a chain terminates ISTIO_MUTUAL. A deleted gateway pod stops accepting and drains for
 * terminationDrainDuration (within its grace period).
 */
import type { Pod } from '../../api/builtin/core/pod-readiness.ts';
import { podIPv4 } from '../../api/builtin/core/pod-readiness.ts';
import { compileGatewayProxy } from '../../dataplane/config/compile-proxy.ts';
import { formatProblem } from '../../dataplane/config/problems.ts';
import { GatewayProxy } from '../../dataplane/gateway/index.ts';
import { gatewayPeerOf } from '../../dataplane/gateway/peers.ts';
import { drainDeadlineMs, gatewayWorkloadOf, isGatewayPod, meshNamespaceOf, needsMeshIdentity, terminationDrainMs } from '../../dataplane/gateway/workload.ts';
import type { EventRecorder } from '../../runtime/events/recorder.ts';
import type { Logger } from '../../util/log.ts';
import { ProblemReporter } from './problem-reporter.ts';
import { type AppliedConfig, configVersionOf, proxySyncStatus, type ProxySyncStatus } from './proxy-sync.ts';
import { serviceAccountOf, type MeshView } from './mesh-view.ts';

export interface GatewayProxyStatus { pod: string; address: string; ports: number[]; problems: string[]; draining: boolean; inFlight: number }

interface Instance {
  pod: Pod;
  proxy: GatewayProxy;
  ports: number[];
  problems: ProblemReporter;
  /** What it last applied (proxy-sync.ts), for `skiff check`'s SYNCED/STALE. */
  applied?: AppliedConfig;
  draining?: Promise<void>;
}

export class MeshGateways {
  readonly #instances = new Map<string, Instance>();

  constructor(private readonly view: MeshView, private readonly events: EventRecorder, private readonly log: Logger) {}

  #meshConfig(pod: Pod): Record<string, unknown> | undefined {
    return this.view.meshConfig(meshNamespaceOf(pod), pod.metadata.labels?.['istio.io/rev'] ?? 'basic');
  }

  #drainMs(pod: Pod): number {
    return terminationDrainMs(this.#meshConfig(pod));
  }

  #drain(key: string, inst: Instance, deadlineMs: number): void {
    if (inst.draining) return;
    this.log.info({ pod: key, deadlineMs }, 'gateway pod terminating: draining');
    inst.draining = inst.proxy.stop(deadlineMs).finally(() => {
      if (this.#instances.get(key) === inst) this.#instances.delete(key);
    });
  }

  async reconcile(): Promise<void> {
    const seen = new Set<string>();
    for (const pod of this.view.pods.list()) {
      if (!isGatewayPod(pod)) continue;
      const key = `${pod.metadata.namespace}/${pod.metadata.name}/${pod.metadata.uid}`;
      const address = podIPv4(pod);
      let inst = this.#instances.get(key);
      seen.add(key);
      if (pod.metadata.deletionTimestamp || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') {
        if (inst) this.#drain(key, inst, pod.metadata.deletionTimestamp ? drainDeadlineMs(pod, this.#drainMs(pod)) : 0);
        continue;
      }
      if (pod.status?.phase !== 'Running' || address === '') continue;
      if (inst?.draining) continue;
      if (inst && inst.proxy.address !== address) {
        this.#drain(key, inst, 0);
        inst = undefined;
      }
      const rootNamespace = meshNamespaceOf(pod);
      if (!inst) {
        const meshConfig = this.#meshConfig(pod);
        const trustDomain = typeof meshConfig?.trustDomain === 'string' ? meshConfig.trustDomain : undefined;
        inst = { pod, proxy: new GatewayProxy({ address, chainDrainMs: this.#drainMs(pod), self: gatewayPeerOf(pod, trustDomain) }), ports: [], problems: new ProblemReporter(this.events, this.log, 'gateway', 'GatewayConfigRejected') };
        this.#instances.set(key, inst);
      }
      inst.pod = pod;
      try {
        const snapshot = this.view.snapshot(rootNamespace);
        const config = compileGatewayProxy(snapshot, gatewayWorkloadOf(pod));
        const identity = needsMeshIdentity(config) || config.clusters.some((c) => c.tls.mode === 'ISTIO_MUTUAL')
          ? await this.view.identity({ meshNamespace: rootNamespace, namespace: pod.metadata.namespace ?? '', serviceAccount: serviceAccountOf(pod) }).catch((err: unknown) => {
            this.log.warn({ err, pod: key }, 'gateway: cannot issue the mesh certificate');
            return undefined;
          })
          : undefined;
        const result = await inst.proxy.apply(config, identity, { workload: { namespace: pod.metadata.namespace ?? '', labels: pod.metadata.labels ?? {} }, rootNamespace });
        inst.ports = result.ports;
        inst.problems.report(pod, [...config.problems.filter((p) => p.severity === 'error').map(formatProblem), ...result.problems]);
        inst.applied = { mesh: rootNamespace, version: configVersionOf(snapshot), at: new Date(), problems: inst.problems.problems.length };
      } catch (err) {
        this.log.error({ err, pod: key }, 'gateway: cannot apply the configuration');
      }
    }
    // A pod whose containers exit at once can be gone before a pass saw it terminating: its
    // proxy still gets the drain it would have had (terminationDrainDuration within the grace period).
    for (const [key, inst] of this.#instances) if (!seen.has(key)) this.#drain(key, inst, drainDeadlineMs(inst.pod, this.#drainMs(inst.pod)));
  }

  statuses(): GatewayProxyStatus[] {
    return [...this.#instances.values()].map((i) => ({
      pod: `${i.pod.metadata.namespace}/${i.pod.metadata.name}`, address: i.proxy.address, ports: i.ports, problems: i.problems.problems, draining: i.draining !== undefined, inFlight: i.proxy.inFlight,
    }));
  }

  /** What each proxy not draining last applied (none before its first apply). */
  proxySync(): ProxySyncStatus[] {
    return [...this.#instances.values()].filter((i) => !i.draining).flatMap((i) => proxySyncStatus(`${i.pod.metadata.namespace}/${i.pod.metadata.name}`, 'gateway', i.applied) ?? []);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#instances.values()].map((i) => i.draining ?? i.proxy.stop(0)));
    this.#instances.clear();
  }
}
