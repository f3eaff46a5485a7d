/**
 * What the node proxy does for every kind of pod it stands in for (gateway pods, meshed pods'
 * sidecars): one proxy instance per pod incarnation (namespace/name/uid), created once the pod
 * has its address, reconfigured on every pass, and drained when the pod goes — for
 * terminationDrainDuration within the pod's grace period when it is deleted, at once when its
 * containers ended or its address changed. A pod already gone when a pass runs still gets the
 * drain it would have had. Subclasses say which pods they take and how a proxy is made and
 * configured.
 */
import type { Pod } from '../../api/builtin/core/pod-readiness.ts';
import { podIPv4 } from '../../api/builtin/core/pod-readiness.ts';
import { drainDeadlineMs } from '../../dataplane/gateway/workload.ts';
import type { Logger } from '../../util/log.ts';
import type { ProblemReporter } from './problem-reporter.ts';
import { proxySyncStatus, type AppliedConfig, type ProxySyncStatus } from './proxy-sync.ts';

export interface PodProxy {
  readonly address: string;
  stop(deadlineMs: number): Promise<void>;
}

export interface ProxyInstance<P extends PodProxy> {
  pod: Pod;
  proxy: P;
  ports: number[];
  problems: ProblemReporter;
  /** What it last applied (proxy-sync.ts), for `skiff check`'s SYNCED/STALE. */
  applied?: AppliedConfig;
  draining?: Promise<void>;
}

export abstract class PodProxies<P extends PodProxy, I extends ProxyInstance<P>> {
  protected readonly instances = new Map<string, I>();

  constructor(protected readonly log: Logger, private readonly kind: 'gateway' | 'sidecar') {}

  /** Whether this kind of proxy stands in for the pod at all. */
  protected abstract selects(pod: Pod): boolean;
  /** Whether the pod is far enough along to be served (it has `address`). */
  protected abstract serving(pod: Pod, address: string): boolean;
  /** The pod's terminationDrainDuration. */
  protected abstract drainMs(pod: Pod): number;
  protected abstract create(pod: Pod, address: string): I;
  /** Compiles and applies the pod's configuration; errors are logged by the caller. */
  protected abstract configure(inst: I, pod: Pod, key: string): Promise<void>;

  protected async reconcilePods(pods: readonly Pod[]): Promise<void> {
    const seen = new Set<string>();
    for (const pod of pods) {
      if (!this.selects(pod)) continue;
      const key = `${pod.metadata.namespace}/${pod.metadata.name}/${pod.metadata.uid}`;
      const address = podIPv4(pod);
      let inst = this.instances.get(key);
      seen.add(key);
      if (pod.metadata.deletionTimestamp || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') {
        if (inst) this.#drain(key, inst, pod.metadata.deletionTimestamp ? drainDeadlineMs(pod, this.drainMs(pod)) : 0);
        continue;
      }
      if (address === '' || !this.serving(pod, address) || inst?.draining) continue;
      if (inst && inst.proxy.address !== address) {
        this.#drain(key, inst, 0);
        inst = undefined;
      }
      if (!inst) {
        inst = this.create(pod, address);
        this.instances.set(key, inst);
      }
      inst.pod = pod;
      try {
        await this.configure(inst, pod, key);
      } catch (err) {
        this.log.error({ err, pod: key }, `${this.kind}: cannot apply the configuration`);
      }
    }
    for (const [key, inst] of this.instances) if (!seen.has(key)) this.#drain(key, inst, drainDeadlineMs(inst.pod, this.drainMs(inst.pod)));
  }

  #drain(key: string, inst: I, deadlineMs: number): void {
    if (inst.draining) return;
    this.log.info({ pod: key, deadlineMs }, `${this.kind} of a terminating pod: draining`);
    inst.draining = inst.proxy.stop(deadlineMs).finally(() => {
      if (this.instances.get(key) === inst) this.instances.delete(key);
    });
  }

  /** What each proxy not draining last applied (none before its first apply). */
  proxySync(): ProxySyncStatus[] {
    return [...this.instances.values()].filter((i) => !i.draining).flatMap((i) => proxySyncStatus(`${i.pod.metadata.namespace}/${i.pod.metadata.name}`, this.kind, i.applied) ?? []);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.instances.values()].map((i) => i.draining ?? i.proxy.stop(0)));
    this.instances.clear();
  }
}
