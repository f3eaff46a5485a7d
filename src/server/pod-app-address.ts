/**
 * Where a pod's app listens, for skiff's in-process stand-ins for app containers (the
 * activator's data plane, the autoscaler's metrics endpoint): its pod IP, or — for a meshed
 * pod in the loopback pod network, whose pod IP its sidecar holds — its inner address
 * (docs/runtime.md "Meshed pods"). The node's pod CIDR is read from the Node object, through
 * the Client, so this decides exactly as the runtime does.
 */
import type { Pod } from '../api/builtin/core/pod-readiness.ts';
import type { KubeObject } from '../api/object.ts';
import { Informer } from '../client/informer.ts';
import type { Client } from '../client/types.ts';
import { innerAddressOf, isMeshedPod } from '../runtime/network/inner-address.ts';
import type { Logger } from '../util/log.ts';

export class PodAppAddresses {
  readonly #nodes: Informer<KubeObject & { spec?: { podCIDR?: string } }>;

  constructor(client: Client, log: Logger) {
    this.#nodes = new Informer(client, { apiVersion: 'v1', kind: 'Node' }, {}, log);
  }

  /** `onChange`: the node (and so its pod CIDR) appeared or changed. */
  async start(onChange?: () => void): Promise<void> {
    if (onChange) this.#nodes.addHandlers({ add: onChange, update: onChange, delete: onChange });
    await this.#nodes.start();
  }

  stop(): void {
    this.#nodes.stop();
  }

  /** The address the pod's app binds: the inner address of a meshed pod, else its pod IP. */
  of(pod: Pod, podIP: string): string {
    const cidr = this.#nodes.list()[0]?.spec?.podCIDR;
    if (!cidr?.startsWith('127.') || !isMeshedPod(pod)) return podIP;
    try {
      return innerAddressOf(podIP, cidr);
    } catch {
      // A pod IP from another range (an older skiff's upper half): it has no inner address.
      return podIP;
    }
  }
}
