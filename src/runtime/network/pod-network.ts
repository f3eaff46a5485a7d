/**
 * A pod's network "sandbox". Two implementations: loopback (the default; every pod gets
 * its own address in 127.0.0.0/8 on the host's `lo`, no privileges needed) and netns
 * (root; a network namespace per pod, see netns-network.ts).
 *
 * In loopback mode, when skiff may bind port 53 (root), a cluster DNS server answers on the
 * cluster DNS address (the Service range's .10) and each pod gets a resolv.conf of its own,
 * which the launcher mounts over /etc/resolv.conf for its host programs
 * (process/resolv-conf.ts). Without root pods still get the service environment variables.
 *
 * A meshed pod (one with a sidecar, inner-address.ts) in loopback mode has two addresses:
 * its pod IP, where the node proxy plays its sidecar, and an inner address its app
 * containers bind (the pod's "localhost"). Pod IPs therefore come from the lower half of
 * the CIDR only. In netns mode a pod's namespace is its localhost: one address, as before.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../util/log.ts';
import { podResolvConf } from '../process/resolv-conf.ts';
import { CLUSTER_DOMAIN, type ClusterObjects } from './dns/cluster-names.ts';
import { ClusterDnsServer } from './dns/dns-server.ts';
import { innerAddressOf } from './inner-address.ts';
import { DEFAULT_LOOPBACK_POD_CIDR, IpAllocator } from './ip-allocator.ts';
import { startPodSources, type PodSources } from './kernel/pod-sources.ts';

export type PodNetworkMode = 'loopback' | 'netns';

export interface PodSandboxNetwork {
  /** The pod's address (status.podIP); probes and port-forward reach it. */
  ip: string;
  /** The pod's network namespace, when it has one. */
  netns?: string;
  /** The address the app's built-in programs bind (SKIFF_LISTEN_ADDRESS): the app address, or every address in netns mode. */
  listenAddress: string;
  /** The address the sidecar's agent (the `istio-proxy` container) binds: the pod IP, or every address in netns mode. */
  sidecarListenAddress: string;
  /**
   * Where the pod's app containers are reached from inside the pod, bypassing its sidecar
   * (SKIFF_APP_ADDRESS; port-forward): the inner address of a meshed pod in loopback mode,
   * else the pod IP.
   */
  appAddress: string;
  /** A resolv.conf to mount over /etc/resolv.conf for the pod's processes (loopback mode with cluster DNS). */
  resolvConf?: string;
  /**
   * The pod's cgroup.procs file, made on first use: its processes join it before they run,
   * so the kernel gives their connections the pod IP as source (loopback mode as root;
   * kernel/pod-sources.ts). Lazy because a pod whose programs all run in the shared image
   * host (most built-in images) never starts a process of its own unless someone execs in.
   */
  podCgroup?: () => Promise<string>;
}

/** Whether the network can enforce NetworkPolicy, and if not, why. */
export type PolicySupport = { enforced: true } | { enforced: false; reason: string };

export interface PodRef {
  uid: string;
  namespace: string;
  name: string;
  /** The pod's hostname (spec.hostname or its name). */
  hostname: string;
  /** The pod has a sidecar (`sidecar.istio.io/status`): in loopback mode it gets an inner address. */
  meshed?: boolean;
}

export interface PodNetwork {
  readonly mode: PodNetworkMode;
  /** The node's pod CIDR (Node spec.podCIDR). */
  readonly cidr: string;
  /** The node's address as pods see it (status.hostIP). */
  readonly hostIP: string;
  readonly policySupport: PolicySupport;
  /** Address (and namespace) for a pod; `preferredIP` is the one it had before a restart. */
  setUp(pod: PodRef, preferredIP?: string): Promise<PodSandboxNetwork>;
  tearDown(uid: string): Promise<void>;
  /** Reserves a pod's address while it is known but not set up (terminal pods). */
  reserve(uid: string, ip: string): void;
  stop(): Promise<void>;
}

export interface LoopbackDnsOptions {
  /** The cluster DNS address (the Service range's .10). */
  address: string;
  /** Where the pods' resolv.conf files go. */
  dir: string;
  objects: ClusterObjects;
  log: Logger;
}

export class LoopbackNetwork implements PodNetwork {
  readonly mode = 'loopback' as const;
  readonly hostIP = '127.0.0.1';
  readonly cidr: string;
  readonly #ips: IpAllocator;
  readonly #dns: { server: ClusterDnsServer; address: string; dir: string } | undefined;
  readonly #sources: PodSources | undefined;
  readonly policySupport: PolicySupport;

  constructor(cidr = DEFAULT_LOOPBACK_POD_CIDR, dns?: { server: ClusterDnsServer; address: string; dir: string }, sources: PodSources | string = 'pod sources were not set up') {
    if (!cidr.startsWith('127.')) throw new Error(`the loopback pod network needs a CIDR inside 127.0.0.0/8, not ${cidr}`);
    this.cidr = cidr;
    this.#ips = new IpAllocator(cidr, 'lowerHalf');
    this.#dns = dns;
    this.#sources = typeof sources === 'string' ? undefined : sources;
    this.policySupport = typeof sources === 'string' ? { enforced: false, reason: sources } : { enforced: true };
  }

  /** A loopback network with cluster DNS and pod source addresses when it can have them (root). */
  static async create(cidr: string, runtimeId: string, dns: LoopbackDnsOptions | undefined, log: Logger): Promise<LoopbackNetwork> {
    const sources = await startPodSources(cidr, runtimeId, log);
    if (!dns || process.getuid?.() !== 0) {
      dns?.log.info('cluster DNS for pods needs root in the loopback pod network (port 53, a mount namespace per container): pods use the host resolver and the service environment variables');
      return new LoopbackNetwork(cidr, undefined, sources);
    }
    const server = new ClusterDnsServer({ address: dns.address, objects: dns.objects, log: dns.log });
    try {
      await server.start();
    } catch (err) {
      dns.log.warn({ address: `${dns.address}:53`, code: (err as NodeJS.ErrnoException).code }, 'cannot serve cluster DNS: pods use the host resolver');
      return new LoopbackNetwork(cidr, undefined, sources);
    }
    await mkdir(dns.dir, { recursive: true });
    return new LoopbackNetwork(cidr, { server, address: dns.address, dir: dns.dir }, sources);
  }

  async setUp(pod: PodRef, preferredIP?: string): Promise<PodSandboxNetwork> {
    const ip = this.#ips.allocate(pod.uid, preferredIP);
    const appAddress = pod.meshed ? innerAddressOf(ip, this.cidr) : ip;
    const sources = this.#sources;
    let made: Promise<string> | undefined;
    const podCgroup = () => (made ??= sources!.add(pod.uid, ip).catch((err: unknown) => {
      made = undefined;
      throw err;
    }));
    const addresses = { ip, listenAddress: appAddress, sidecarListenAddress: ip, appAddress, ...(sources ? { podCgroup } : {}) };
    if (!this.#dns) return addresses;
    const resolvConf = join(this.#dns.dir, `${pod.uid}.conf`);
    await writeFile(resolvConf, podResolvConf(this.#dns.address, pod.namespace, CLUSTER_DOMAIN));
    return { ...addresses, resolvConf };
  }

  reserve(uid: string, ip: string): void {
    this.#ips.allocate(uid, ip);
  }

  async tearDown(uid: string): Promise<void> {
    await this.#sources?.remove(uid);
    this.#ips.release(uid);
    if (this.#dns) await rm(join(this.#dns.dir, `${uid}.conf`), { force: true });
  }

  async stop(): Promise<void> {
    await this.#dns?.server.stop();
    await this.#sources?.stop();
  }
}
