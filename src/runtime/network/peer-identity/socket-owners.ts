/**
 * Which pod holds a socket, by its inode: the fd tables of the pods' processes (their
 * containers' main pids and those pids' descendants) are searched for `socket:[inode]`.
 *
 * Cost is bounded three ways: fd tables read recently are kept (~1 s) and checked first,
 * so a pod opening many connections is found without any read; otherwise the main pids
 * are read before any descendant (most containers are one process), in small batches,
 * stopping at the first batch with a hit; and reads started after a lookup began are
 * shared by every lookup waiting on them, so a burst of connections reads each table once.
 *
 * A process running several pods (an image host of the built-in images) cannot say which
 * of them opened the socket: such a hit is `ambiguous`, as is a pid listed by two pods.
 */
import { childrenByParent, descendantsOf, socketInodesOf } from './proc-scan.ts';

export interface PodProcesses {
  podUid: string;
  podIP: string;
  namespace: string;
  name: string;
  /** The main pids of the pod's running containers. */
  pids: readonly number[];
}

export type SocketOwner =
  | { kind: 'pod'; pod: PodProcesses; pid: number }
  | { kind: 'ambiguous'; pid: number }
  | { kind: 'none' };

export interface SocketOwnersOptions {
  /** The pods whose processes may hold the socket (the runtime's running pods). */
  candidates(): readonly PodProcesses[];
  /** Whether `pid` runs several pods' programs (an image host). */
  isSharedHost?(pid: number): boolean;
  /** How long an fd table or the process tree read is trusted (default 1000 ms). */
  cacheMs?: number;
  /** How many processes are read at once (default 8). */
  batch?: number;
  procRoot?: string;
  now?(): number;
}

interface Snapshot<T> {
  at: number;
  value: Promise<T>;
}

export class SocketOwners {
  readonly #opts: SocketOwnersOptions;
  readonly #fds = new Map<number, Snapshot<Set<number>>>();
  #tree: Snapshot<Map<number, number[]>> | undefined;
  /** fd tables read, for tests and benchmarks. */
  reads = 0;

  constructor(opts: SocketOwnersOptions) {
    this.#opts = opts;
  }

  async ownerOf(inode: number): Promise<SocketOwner> {
    const since = this.#now();
    this.#prune(since);
    const podsByPid = new Map<number, PodProcesses[]>();
    for (const pod of this.#opts.candidates()) {
      for (const pid of new Set(pod.pids)) {
        const list = podsByPid.get(pid);
        if (list) list.push(pod);
        else podsByPid.set(pid, [pod]);
      }
    }
    const roots = [...podsByPid.keys()];
    // Descendants as of the last process tree read (if any): a cached hit needs no fresh tree.
    const cachedTree = this.#tree ? await this.#tree.value : undefined;
    const rootOf = cachedTree ? this.#rootsOf(roots, cachedTree) : new Map<number, number>();
    const verdict = (pid: number): SocketOwner => {
      const pods = podsByPid.get(rootOf.get(pid) ?? pid) ?? [];
      if (pods.length !== 1 || this.#opts.isSharedHost?.(pid)) return { kind: 'ambiguous', pid };
      return { kind: 'pod', pod: pods[0]!, pid };
    };

    for (const pid of [...roots, ...rootOf.keys()]) {
      const cached = this.#fds.get(pid);
      if (cached && (await cached.value).has(inode)) return verdict(pid);
    }
    const hit = await this.#search(inode, roots, since);
    if (hit !== undefined) return verdict(hit);

    const tree = await this.#freshTree(since);
    const fresh = this.#rootsOf(roots, tree);
    for (const [pid, root] of fresh) rootOf.set(pid, root);
    const child = await this.#search(inode, [...fresh.keys()], since);
    return child === undefined ? { kind: 'none' } : verdict(child);
  }

  /** Reads the fd tables of `pids` (those not read since `since`) batch by batch; the first holder of `inode`. */
  async #search(inode: number, pids: readonly number[], since: number): Promise<number | undefined> {
    const batch = this.#opts.batch ?? 8;
    for (let i = 0; i < pids.length; i += batch) {
      const slice = pids.slice(i, i + batch);
      const tables = await Promise.all(slice.map((pid) => this.#freshFds(pid, since)));
      const found = slice.find((_, j) => tables[j]!.has(inode));
      if (found !== undefined) return found;
    }
    return undefined;
  }

  #freshFds(pid: number, since: number): Promise<Set<number>> {
    const cached = this.#fds.get(pid);
    if (cached && cached.at >= since) return cached.value;
    this.reads++;
    const value = socketInodesOf(pid, this.#opts.procRoot);
    this.#fds.set(pid, { at: this.#now(), value });
    return value;
  }

  #freshTree(since: number): Promise<Map<number, number[]>> {
    if (!this.#tree || this.#tree.at < since) this.#tree = { at: this.#now(), value: childrenByParent(this.#opts.procRoot) };
    return this.#tree.value;
  }

  /** Each descendant of a root, mapped to that root. */
  #rootsOf(roots: readonly number[], tree: ReadonlyMap<number, readonly number[]>): Map<number, number> {
    const rootOf = new Map<number, number>();
    for (const root of roots) {
      for (const pid of descendantsOf([root], tree)) if (!rootOf.has(pid) && !roots.includes(pid)) rootOf.set(pid, root);
    }
    return rootOf;
  }

  #prune(now: number): void {
    const ttl = this.#opts.cacheMs ?? 1000;
    for (const [pid, s] of this.#fds) if (now - s.at > ttl) this.#fds.delete(pid);
    if (this.#tree && now - this.#tree.at > ttl) this.#tree = undefined;
  }

  #now(): number {
    return this.#opts.now ? this.#opts.now() : performance.now();
  }
}
