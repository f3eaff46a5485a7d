/**
 * Who is calling: the pod behind a connection accepted on this node (a ClusterIP, node
 * port or any other listener of skiff's process), for NetworkPolicy and telemetry.
 *
 * The client's socket is found in the kernel's TCP tables by its mirrored addresses
 * (proc-net-tcp.ts), then its holder among the pods' processes (socket-owners.ts):
 * - `pod`: a process of exactly one running pod holds it;
 * - `ambiguous`: a process shared by several pods (an image host) holds it;
 * - `node`: the socket is held by a process that is no pod's (a shell on the node, skiff
 *   itself — including its in-process gateways and activator);
 * - `unknown`: no process holds such a socket any more (the client closed it before the
 *   lookup, leaving it orphaned) or it is not in this network namespace (another machine).
 * The kubelet owns the callbacks; the integrator wires `identify` into the service proxy.
 */
import { readFile } from 'node:fs/promises';
import { canonicalEndpoint, findSocketInodeInText } from './proc-net-tcp.ts';
import { SocketOwners, type PodProcesses } from './socket-owners.ts';

export type PeerIdentity =
  | { kind: 'pod'; podUid: string; podIP: string; namespace: string; name: string }
  | { kind: 'node' }
  | { kind: 'ambiguous' }
  | { kind: 'unknown' };

export interface PeerIdentityResolver {
  /**
   * The source of an accepted connection: `remote` and `local` are the accepted socket's
   * addresses as `ip:port` (`socket.remoteAddress:remotePort`, `socket.localAddress:localPort`).
   */
  identify(remote: string, local: string): Promise<PeerIdentity>;
}

export interface PeerIdentityOptions {
  /** The running pods and their containers' main pids (the kubelet's view). */
  pods(): readonly PodProcesses[];
  /** Whether `pid` is a process running several pods (an image host). */
  isSharedHost(pid: number): boolean;
  procRoot?: string;
  /** How long fd tables and the process tree are trusted (default 1000 ms). */
  cacheMs?: number;
  /** How long a TCP table read is searched first by later lookups (default 50 ms). */
  tableReuseMs?: number;
}

/** identify() for an accepted socket (its addresses as Node reports them). */
export function identifySocket(resolver: PeerIdentityResolver, socket: { remoteAddress?: string | undefined; remotePort?: number | undefined; localAddress?: string | undefined; localPort?: number | undefined }): Promise<PeerIdentity> {
  if (!socket.remoteAddress || !socket.remotePort || !socket.localAddress || !socket.localPort) return Promise.resolve({ kind: 'unknown' });
  return resolver.identify(`${socket.remoteAddress}:${socket.remotePort}`, `${socket.localAddress}:${socket.localPort}`);
}

export function createPeerIdentity(opts: PeerIdentityOptions): PeerIdentityResolver & { owners: SocketOwners } {
  const procRoot = opts.procRoot ?? '/proc';
  const owners = new SocketOwners({
    candidates: opts.pods,
    isSharedHost: opts.isSharedHost,
    procRoot,
    ...(opts.cacheMs !== undefined ? { cacheMs: opts.cacheMs } : {}),
  });
  const tables = new FreshTables(procRoot);
  return {
    owners,
    async identify(remote, local) {
      const client = { local: canonicalEndpoint(remote), remote: canonicalEndpoint(local) };
      // IPv4 clients are in tcp; a dual-stack client socket (::ffff:a.b.c.d) only in tcp6.
      const since = performance.now();
      const find = ([tcp, tcp6]: [string, string]) => findSocketInodeInText(tcp, client) ?? findSocketInodeInText(tcp6, client);
      // The latest read (a burst shares it), then, only if the socket is not in it, one
      // started after this lookup began: an older table may predate the connection.
      let inode = find(await tables.latest(opts.tableReuseMs ?? 50));
      if (inode === undefined && !tables.startedSince(since)) inode = find(await tables.read(since));
      if (inode === undefined) return { kind: 'unknown' };
      const owner = await owners.ownerOf(inode);
      if (owner.kind === 'none') {
        // No pod held it when their fds were read: a process of the node holds it — unless
        // the client closed it meanwhile, which a table read started after the fd scan tells.
        return find(await tables.read(performance.now())) === inode ? { kind: 'node' } : { kind: 'unknown' };
      }
      if (owner.kind === 'ambiguous') return { kind: 'ambiguous' };
      const { podUid, podIP, namespace, name } = owner.pod;
      return { kind: 'pod', podUid, podIP, namespace, name };
    },
  };
}

/**
 * The TCP tables, read as seldom as lookups allow: the kernel spends milliseconds printing
 * a busy table, so lookups arriving together share one read. A socket found in an older
 * read is the one sought (the same addresses cannot belong to two held sockets at once);
 * only a miss needs a read started after the lookup began.
 */
class FreshTables {
  readonly #procRoot: string;
  #last: { at: number; value: Promise<[string, string]> } | undefined;

  constructor(procRoot: string) {
    this.#procRoot = procRoot;
  }

  /** The last read if it is younger than `maxAgeMs`, else a new one. */
  latest(maxAgeMs: number): Promise<[string, string]> {
    return this.#last && performance.now() - this.#last.at <= maxAgeMs ? this.#last.value : this.read(Infinity);
  }

  startedSince(since: number): boolean {
    return this.#last !== undefined && this.#last.at >= since;
  }

  /** A read started at or after `since` (the last one if it qualifies). */
  read(since: number): Promise<[string, string]> {
    if (!this.#last || this.#last.at < since) {
      const text = (file: string) => readFile(`${this.#procRoot}/net/${file}`, 'utf8').catch(() => '');
      this.#last = { at: performance.now(), value: Promise.all([text('tcp'), text('tcp6')]) };
    }
    return this.#last.value;
  }
}
