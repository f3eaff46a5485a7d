/**
 * The network-namespace pod network (`skiff up --pod-network netns`, root and iproute2):
 * every pod gets its own namespace with an `eth0` (a veth pair into a bridge on the host),
 * an address from the node's pod CIDR, a default route via the bridge, and its own
 * resolv.conf and hosts (`ip netns exec` puts /etc/netns/<ns>/* over /etc/*) pointing at
 * skiff's cluster DNS server on the bridge address. Programs can bind 0.0.0.0:8080 and
 * resolve `*.svc.cluster.local` unmodified.
 *
 * Services keep their cluster IPs in 127.0.0.0/8 (skiff's service proxy listens there on
 * the host); a pod reaches them through the bridge: its namespace keeps only 127.0.0.0/16
 * local and routes the rest of 127.0.0.0/8 to the host, and `route_localnet` lets those
 * addresses cross the veth. There is no NAT: pods reach the host, each other and Services,
 * not the outside world.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { Logger } from '../../util/log.ts';
import type { ClusterObjects } from './dns/cluster-names.ts';
import { CLUSTER_DOMAIN } from './dns/cluster-names.ts';
import { ClusterDnsServer } from './dns/dns-server.ts';
import { podResolvConf } from '../process/resolv-conf.ts';
import { gatewayOf, IpAllocator } from './ip-allocator.ts';
import type { PodNetwork, PodRef, PodSandboxNetwork } from './pod-network.ts';

const exec = promisify(execFile);

async function ip(...args: string[]): Promise<string> {
  try {
    return (await exec('ip', args)).stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`ip ${args.join(' ')}: ${(e.stderr ?? e.message).trim()}`);
  }
}

export class NetnsNetwork implements PodNetwork {
  readonly mode = 'netns' as const;
  // Pods on the bridge reach each other at layer 2, where the ip-family policy table does
  // not look (that would take br_netfilter): not enforced rather than half enforced.
  readonly policySupport = { enforced: false, reason: 'NetworkPolicy is enforced in the loopback pod network only (the netns network bridges pods at layer 2)' } as const;
  readonly cidr: string;
  readonly hostIP: string;
  readonly #ips: IpAllocator;
  readonly #prefix: string;
  readonly #bridge: string;
  readonly #dns: ClusterDnsServer;
  readonly #log: Logger;
  readonly #namespaces = new Map<string, string>();

  private constructor(cidr: string, runtimeId: string, objects: ClusterObjects, log: Logger) {
    this.cidr = cidr;
    this.#ips = new IpAllocator(cidr);
    this.hostIP = gatewayOf(this.#ips.cidr);
    this.#prefix = `skiff-${runtimeId.slice(0, 8)}-`;
    this.#bridge = `skb${runtimeId.slice(0, 8)}`;
    this.#dns = new ClusterDnsServer({ address: this.hostIP, objects, log });
    this.#log = log;
  }

  /** Checks the privileges, clears what a crashed run left, and brings up the bridge and DNS. */
  static async create(cidr: string, runtimeId: string, objects: ClusterObjects, log: Logger): Promise<NetnsNetwork> {
    if (process.getuid?.() !== 0) throw new Error('the netns pod network needs root (it creates network namespaces, veth pairs and a bridge); run skiff as root or use --pod-network loopback');
    try {
      await exec('ip', ['-V']);
    } catch {
      throw new Error('the netns pod network needs iproute2 (`ip`), which is not installed');
    }
    const net = new NetnsNetwork(cidr, runtimeId, objects, log);
    await net.#removeLeftovers();
    await ip('link', 'add', net.#bridge, 'type', 'bridge');
    await ip('addr', 'add', `${net.hostIP}/${net.#ips.cidr.bits}`, 'dev', net.#bridge);
    await ip('link', 'set', net.#bridge, 'up');
    await writeFile(`/proc/sys/net/ipv4/conf/${net.#bridge}/route_localnet`, '1');
    await net.#dns.start();
    return net;
  }

  async setUp(pod: PodRef, preferredIP?: string): Promise<PodSandboxNetwork> {
    const address = this.#ips.allocate(pod.uid, preferredIP);
    const ns = this.#nameOf(pod.uid);
    if (this.#namespaces.has(pod.uid)) return { ip: address, netns: ns, listenAddress: '0.0.0.0', sidecarListenAddress: '0.0.0.0', appAddress: address };
    const hash = createHash('sha256').update(pod.uid).digest('hex');
    const hostSide = `sv${hash.slice(0, 12)}`;
    const podSide = `sp${hash.slice(0, 12)}`;
    await ip('netns', 'add', ns);
    try {
      await ip('link', 'add', hostSide, 'type', 'veth', 'peer', 'name', podSide);
      await ip('link', 'set', podSide, 'netns', ns);
      await ip('link', 'set', hostSide, 'master', this.#bridge, 'up');
      await ip('-n', ns, 'link', 'set', podSide, 'name', 'eth0');
      await ip('-n', ns, 'addr', 'add', `${address}/${this.#ips.cidr.bits}`, 'dev', 'eth0');
      await ip('-n', ns, 'link', 'set', 'eth0', 'up');
      await ip('-n', ns, 'link', 'set', 'lo', 'up');
      await ip('-n', ns, 'route', 'add', 'default', 'via', this.hostIP);
      // Services live in 127.0.0.0/8 on the host: keep 127.0.0.0/16 local, send the rest over eth0.
      await ip('-n', ns, 'route', 'del', 'local', '127.0.0.0/8', 'dev', 'lo', 'table', 'local');
      await ip('-n', ns, 'route', 'add', 'local', '127.0.0.0/16', 'dev', 'lo', 'table', 'local');
      await ip('-n', ns, 'route', 'add', '127.0.0.0/8', 'via', this.hostIP, 'dev', 'eth0', 'src', address);
      await exec('ip', ['netns', 'exec', ns, 'sh', '-c', 'echo 1 > /proc/sys/net/ipv4/conf/eth0/route_localnet']);
      const etc = `/etc/netns/${ns}`;
      await mkdir(etc, { recursive: true });
      await writeFile(`${etc}/resolv.conf`, podResolvConf(this.hostIP, pod.namespace, CLUSTER_DOMAIN));
      await writeFile(`${etc}/hosts`, `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n${address}\t${pod.hostname}\n`);
    } catch (err) {
      await this.#delete(ns);
      this.#ips.release(pod.uid);
      throw err;
    }
    this.#namespaces.set(pod.uid, ns);
    return { ip: address, netns: ns, listenAddress: '0.0.0.0', sidecarListenAddress: '0.0.0.0', appAddress: address };
  }

  reserve(uid: string, address: string): void {
    this.#ips.allocate(uid, address);
  }

  async tearDown(uid: string): Promise<void> {
    const ns = this.#namespaces.get(uid);
    this.#namespaces.delete(uid);
    this.#ips.release(uid);
    if (ns) await this.#delete(ns);
  }

  async stop(): Promise<void> {
    await this.#dns.stop();
    for (const ns of this.#namespaces.values()) await this.#delete(ns);
    this.#namespaces.clear();
    await ip('link', 'del', this.#bridge).catch((err: Error) => this.#log.warn({ err }, 'could not remove the pod bridge'));
  }

  #nameOf(uid: string): string {
    return `${this.#prefix}${uid}`;
  }

  async #delete(ns: string): Promise<void> {
    await ip('netns', 'del', ns).catch(() => undefined);
    await rm(`/etc/netns/${ns}`, { recursive: true, force: true });
  }

  async #removeLeftovers(): Promise<void> {
    const list = await ip('netns', 'list').catch(() => '');
    for (const line of list.split('\n')) {
      const name = line.split(' ')[0] ?? '';
      if (name.startsWith(this.#prefix)) await this.#delete(name);
    }
    await ip('link', 'del', this.#bridge).catch(() => undefined);
  }
}
