/**
 * A pod's network "sandbox". Two implementations: loopback (the default; every pod gets
 * its own address in 127.0.0.0/8 on the host's `lo`, no privileges needed) and netns
 * (root; a network namespace per pod, see netns-network.ts).
 */
import { DEFAULT_LOOPBACK_POD_CIDR, IpAllocator } from './ip-allocator.ts';

export type PodNetworkMode = 'loopback' | 'netns';

export interface PodSandboxNetwork {
  /** The pod's address (status.podIP); probes and port-forward reach it. */
  ip: string;
  /** The pod's network namespace, when it has one. */
  netns?: string;
  /** The address built-in programs bind (SKIFF_LISTEN_ADDRESS). */
  listenAddress: string;
}

export interface PodRef {
  uid: string;
  namespace: string;
  name: string;
  /** The pod's hostname (spec.hostname or its name). */
  hostname: string;
}

export interface PodNetwork {
  readonly mode: PodNetworkMode;
  /** The node's pod CIDR (Node spec.podCIDR). */
  readonly cidr: string;
  /** The node's address as pods see it (status.hostIP). */
  readonly hostIP: string;
  /** Address (and namespace) for a pod; `preferredIP` is the one it had before a restart. */
  setUp(pod: PodRef, preferredIP?: string): Promise<PodSandboxNetwork>;
  tearDown(uid: string): Promise<void>;
  /** Reserves a pod's address while it is known but not set up (terminal pods). */
  reserve(uid: string, ip: string): void;
  stop(): Promise<void>;
}

export class LoopbackNetwork implements PodNetwork {
  readonly mode = 'loopback' as const;
  readonly hostIP = '127.0.0.1';
  readonly cidr: string;
  readonly #ips: IpAllocator;

  constructor(cidr = DEFAULT_LOOPBACK_POD_CIDR) {
    if (!cidr.startsWith('127.')) throw new Error(`the loopback pod network needs a CIDR inside 127.0.0.0/8, not ${cidr}`);
    this.cidr = cidr;
    this.#ips = new IpAllocator(cidr);
  }

  async setUp(pod: PodRef, preferredIP?: string): Promise<PodSandboxNetwork> {
    const ip = this.#ips.allocate(pod.uid, preferredIP);
    return { ip, listenAddress: ip };
  }

  reserve(uid: string, ip: string): void {
    this.#ips.allocate(uid, ip);
  }

  async tearDown(uid: string): Promise<void> {
    this.#ips.release(uid);
  }

  async stop(): Promise<void> {}
}
