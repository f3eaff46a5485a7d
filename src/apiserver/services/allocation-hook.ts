/**
 * The write hook that gives Services their cluster IPs and node ports as they are created
 * or updated. What is in use is read from the stored Services at that moment, so a deleted
 * Service's values are free again as soon as it leaves the store (kube-apiserver releases
 * them in its delete path and repairs its bitmaps from the same source). Service writes in
 * this API server are serialised from the read to the end of the store write, so two
 * concurrent creates never pick the same value.
 *
 * Several API servers sharing one etcd do not coordinate their picks (kube-apiserver does,
 * through a RangeAllocation object); docs/services.md says so.
 */
import type { KindDefinition } from '../../api/kind.ts';
import type { KubeObject } from '../../api/object.ts';
import type { Store } from '../../store/types.ts';
import { resourcePrefix } from '../storage/keys.ts';
import type { WriteHook, WriteHookRequest } from '../storage/write-hooks.ts';
import { allocateServiceFields, heldBy, type InUse, type ServiceNetwork } from './service-allocation.ts';

const SERVICES = { group: '', plural: 'services' } as const;

/** A FIFO lock: `acquire` resolves to the release function once earlier holders released. */
class Lock {
  #tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const ready = this.#tail.then(() => release);
    this.#tail = this.#tail.then(() => held);
    return ready;
  }
}

export function serviceAllocationHook(store: Store, network: ServiceNetwork): WriteHook {
  const lock = new Lock();

  const inUseExcept = async (namespace: string | undefined, name: string | undefined): Promise<InUse> => {
    const clusterIPs = new Set<string>();
    const nodePorts = new Set<number>();
    const page = await store.list(resourcePrefix(SERVICES));
    for (const { value } of page.items) {
      if (value.metadata.namespace === namespace && value.metadata.name === name) continue;
      const held = heldBy(value);
      for (const ip of held.clusterIPs) clusterIPs.add(ip);
      for (const port of held.nodePorts) nodePorts.add(port);
    }
    return { clusterIPs, nodePorts };
  };

  return {
    handles: (def: KindDefinition, subresource: string | undefined) => def.group === '' && def.plural === 'services' && subresource === undefined,
    async begin(req: WriteHookRequest): Promise<() => void> {
      const release = await lock.acquire();
      try {
        const meta = req.object.metadata;
        allocateServiceFields(req.object as KubeObject & Record<string, unknown>, req.old, network, await inUseExcept(meta.namespace, meta.name));
        return release;
      } catch (err) {
        release();
        throw err;
      }
    },
  };
}
