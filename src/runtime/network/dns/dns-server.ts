/**
 * The DNS server pods use in network-namespace mode (their resolv.conf points at it):
 * cluster names are answered from Services and Endpoints (cluster-names.ts); every other
 * name is relayed to the host's own resolvers (from /etc/resolv.conf). An ExternalName whose
 * target is outside the cluster gets the target's addresses from those resolvers in the same
 * answer, as CoreDNS resolves it through its upstream (stub resolvers do not chase a CNAME).
 * UDP and TCP, as resolvers retry over TCP when an answer is truncated.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../../../util/log.ts';
import { isClusterName, resolveClusterName, type ClusterObjects } from './cluster-names.ts';
import { buildResponse, parseQuery, RCODE_NOERROR, RCODE_NXDOMAIN, RCODE_SERVFAIL, TYPE_A, TYPE_AAAA, TYPE_CNAME, type DnsRecord } from './dns-message.ts';

const FORWARD_TIMEOUT_MS = 3_000;

export function hostNameservers(resolvConf = '/etc/resolv.conf'): string[] {
  try {
    return readFileSync(resolvConf, 'utf8').split('\n').map((l) => /^\s*nameserver\s+(\S+)/.exec(l)?.[1]).filter((x): x is string => x !== undefined && !x.includes(':'));
  } catch {
    return [];
  }
}

export class ClusterDnsServer {
  readonly #address: string;
  readonly #port: number;
  readonly #objects: ClusterObjects;
  readonly #upstreams: string[];
  readonly #log: Logger;
  #udp: UdpSocket | undefined;
  #tcp: Server | undefined;
  /** Asks the host's resolvers for ExternalName targets outside the cluster; made on first use. */
  #resolver: Resolver | undefined;

  constructor(opts: { address: string; port?: number; objects: ClusterObjects; upstreams?: string[]; log: Logger }) {
    this.#address = opts.address;
    this.#port = opts.port ?? 53;
    this.#objects = opts.objects;
    // Never forward to ourselves or to another loopback stub the pods cannot reach.
    this.#upstreams = (opts.upstreams ?? hostNameservers()).filter((ip) => ip !== opts.address);
    this.#log = opts.log;
  }

  get port(): number {
    return (this.#udp?.address().port) ?? this.#port;
  }

  async start(): Promise<void> {
    const udp = createSocket('udp4');
    udp.on('message', (msg, rinfo) => {
      void this.answer(msg).then((reply) => {
        if (reply) udp.send(reply, rinfo.port, rinfo.address);
      });
    });
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(this.#port, this.#address, () => resolve());
    });
    this.#udp = udp;
    const tcp = createServer((socket) => this.#serveTcp(socket));
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(this.port, this.#address, () => resolve());
    });
    this.#tcp = tcp;
  }

  async stop(): Promise<void> {
    this.#udp?.close();
    await new Promise<void>((resolve) => (this.#tcp ? this.#tcp.close(() => resolve()) : resolve()));
  }

  /** The reply to one query message (undefined: drop it). */
  async answer(msg: Buffer): Promise<Buffer | undefined> {
    const query = parseQuery(msg);
    if (!query) return undefined;
    const cluster = resolveClusterName(query.question.name, query.question.type, this.#objects);
    if (cluster) return buildResponse(query, cluster.found ? RCODE_NOERROR : RCODE_NXDOMAIN, cluster.found ? [...cluster.records, ...await this.#chase(cluster.records, query.question.type)] : []);
    for (const upstream of this.#upstreams) {
      const reply = await forward(msg, upstream).catch((err: unknown) => {
        this.#log.debug({ err, upstream }, 'DNS forward failed');
        return undefined;
      });
      if (reply) return reply;
    }
    return buildResponse(query, RCODE_SERVFAIL, [], false);
  }

  /**
   * The addresses of a CNAME chain's target outside the cluster (none if the upstreams cannot
   * tell). A cluster target was followed already (cluster-names.ts): a chain that still ends in
   * a cluster name (no AAAA there, a missing service, a loop) never goes to the host's resolvers.
   */
  async #chase(records: readonly DnsRecord[], type: number): Promise<DnsRecord[]> {
    const last = records.at(-1);
    if (last?.type !== TYPE_CNAME || (type !== TYPE_A && type !== TYPE_AAAA) || this.#upstreams.length === 0 || isClusterName(last.target)) return [];
    try {
      this.#resolver ??= upstreamResolver(this.#upstreams);
      const resolver = this.#resolver;
      const found = type === TYPE_A ? await resolver.resolve4(last.target, { ttl: true }) : await resolver.resolve6(last.target, { ttl: true });
      return found.map(({ address, ttl }) => ({ name: last.target, type, ttl, address }) as DnsRecord);
    } catch (err) {
      this.#log.debug({ err, target: last.target }, 'DNS: the ExternalName target did not resolve upstream');
      return [];
    }
  }

  #serveTcp(socket: Socket): void {
    let buffered = Buffer.alloc(0);
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        const msg = buffered.subarray(2, 2 + buffered.readUInt16BE(0));
        buffered = buffered.subarray(2 + msg.length);
        void this.answer(Buffer.from(msg)).then((reply) => {
          if (!reply || socket.destroyed) return;
          const len = Buffer.alloc(2);
          len.writeUInt16BE(reply.length);
          socket.write(Buffer.concat([len, reply]));
        });
      }
    });
  }
}

/** One try per upstream, each bounded by the forwarding timeout. */
function upstreamResolver(upstreams: string[]): Resolver {
  const resolver = new Resolver({ timeout: FORWARD_TIMEOUT_MS, tries: 1 });
  resolver.setServers(upstreams);
  return resolver;
}

function forward(msg: Buffer, upstream: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`no answer from ${upstream}`));
    }, FORWARD_TIMEOUT_MS);
    socket.once('message', (reply) => {
      clearTimeout(timer);
      socket.close();
      resolve(reply);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      socket.close();
      reject(err);
    });
    socket.send(msg, 53, upstream);
  });
}
