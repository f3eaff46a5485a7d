/**
 * Gives every pod's connections its pod IP as their source, in the loopback pod network.
 *
 * On `lo` the kernel picks 127.0.0.1 as the source of any connection whose program did not
 * bind an address, so without help every pod would look like the node, and NetworkPolicy
 * (which selects sources by pod) could not be enforced. A CNI has this for free: each pod
 * has its own network namespace. Here each pod has its own cgroup (cgroup2.ts) instead,
 * and one nftables table per runtime translates:
 *
 *   output (mangle): a new connection's socket cgroup → a mark (the pod IP as a number)
 *   postrouting (srcnat): mark → SNAT to that pod IP, unless the program bound a pod address
 *
 * Conntrack keeps the translation for the connection's life; replies come back un-NATed.
 * Marks are pod IPs, which no two runtimes on the machine share (cidr-claims.ts), so the
 * tables of parallel skiffs never confuse each other's pods.
 */
import type { Logger } from '../../../util/log.ts';
import { isAlive } from '../../process/proc.ts';
import { cgroup2Mount, PodCgroups } from './cgroup2.ts';
import { NftBatcher } from './nft-batch.ts';
import { ipv4AsMark, listTables, runNft, tableComment } from './nft.ts';

/** Tables skiff owns carry this comment prefix, then the owner's pid. */
export const TABLE_COMMENT = 'skiff runtime pid';

export class PodSources {
  readonly table: string;
  readonly #cgroups: PodCgroups;
  readonly #cidr: string;
  readonly #log: Logger;
  /** uid → the pod IP its cgroup maps to (what removal must undo). */
  readonly #pods = new Map<string, string>();
  readonly #batch = new NftBatcher();

  constructor(cgroups: PodCgroups, runtimeId: string, cidr: string, log: Logger) {
    this.#cgroups = cgroups;
    this.table = `skiff_${runtimeId}_pods`;
    this.#cidr = cidr;
    this.#log = log;
  }

  /** Creates the table (replacing an earlier run's) and sweeps tables of dead skiffs. */
  async start(): Promise<void> {
    await removeTablesOfDeadOwners(this.#log);
    // An earlier run's pod cgroups (skiff killed): their processes are ended, they go.
    await this.#cgroups.removeAll();
    // And those of dead skiffs that ran from other data directories — only when the tables
    // could be listed: without that list every other skiff would look dead.
    const live = await liveRuntimes().catch(() => undefined);
    const removed = live ? await this.#cgroups.removeOthers(live) : [];
    if (removed.length > 0) this.#log.info({ runtimes: removed }, 'removed the pod cgroups of skiffs that are gone');
    const level = this.#cgroups.level;
    await runNft(`add table ip ${this.table}
delete table ip ${this.table}
table ip ${this.table} {
  comment "${TABLE_COMMENT} ${process.pid}"
  map pod_mark {
    typeof socket cgroupv2 level ${level} : meta mark
  }
  map mark_source {
    type mark : ipv4_addr
  }
  chain mark_pod_sockets {
    type filter hook output priority mangle; policy accept;
    oifname != "lo" accept
    ct state != new accept
    meta mark set socket cgroupv2 level ${level} map @pod_mark
  }
  chain snat_pod_sources {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "lo" ip saddr != ${this.#cidr} snat ip to meta mark map @mark_source
  }
}
`);
  }

  /** Creates the pod's cgroup and maps it to `ip`. Returns the cgroup.procs file to join. */
  async add(uid: string, ip: string): Promise<string> {
    await this.#cgroups.create(uid);
    const previous = this.#pods.get(uid);
    if (previous !== ip) {
      const path = this.#cgroups.nftPath(uid);
      const lines: string[] = [];
      // Adding an element that exists fails: a pod that changed address loses its old one in the same transaction.
      if (previous) lines.push(`delete element ip ${this.table} pod_mark { "${path}" }`, `delete element ip ${this.table} mark_source { ${ipv4AsMark(previous)} }`);
      lines.push(`add element ip ${this.table} mark_source { ${ipv4AsMark(ip)} : ${ip} }`, `add element ip ${this.table} pod_mark { "${path}" : ${ipv4AsMark(ip)} }`);
      await this.#batch.run(lines);
      this.#pods.set(uid, ip);
    }
    return this.#cgroups.procsFile(uid);
  }

  /** Ends what is left of the pod's processes, unmaps and removes its cgroup. */
  async remove(uid: string): Promise<void> {
    const ip = this.#pods.get(uid);
    if (ip) {
      this.#pods.delete(uid);
      // The element goes before the cgroup: nft resolves the path when deleting by key.
      await this.#batch.run([`delete element ip ${this.table} pod_mark { "${this.#cgroups.nftPath(uid)}" }`, `delete element ip ${this.table} mark_source { ${ipv4AsMark(ip)} }`]).catch((err: unknown) => this.#log.warn({ err, uid }, 'cannot unmap the pod cgroup'));
    }
    await this.#cgroups.remove(uid);
  }

  async stop(): Promise<void> {
    await runNft(`delete table ip ${this.table}\n`).catch(() => undefined);
    await this.#cgroups.removeAll();
    await this.#cgroups.removeRoot();
  }
}

/**
 * PodSources when this machine allows them (root, nft, a writable cgroup v2 under
 * /sys/fs/cgroup, a kernel with nftables' socket and NAT support); otherwise why not,
 * which is also why NetworkPolicy is not enforced.
 */
export async function startPodSources(cidr: string, runtimeId: string, log: Logger): Promise<PodSources | string> {
  if (process.getuid?.() !== 0) return 'pod source addresses need root (cgroups and nftables)';
  const mount = await cgroup2Mount();
  if (!mount) return 'no writable cgroup v2 hierarchy is mounted';
  if (!PodCgroups.usable(mount)) return `cgroup v2 is mounted at ${mount}, outside /sys/fs/cgroup where nftables looks for it`;
  const sources = new PodSources(new PodCgroups(mount, runtimeId), runtimeId, cidr, log);
  try {
    await sources.start();
    return sources;
  } catch (err) {
    return `cannot program nftables: ${(err as Error).message}`;
  }
}

/** Runtime ids that still have a pod-source table (their owners are alive: dead owners' tables were just removed). */
async function liveRuntimes(): Promise<Set<string>> {
  const live = new Set<string>();
  for (const { name } of await listTables()) {
    const m = /^skiff_(.+)_pods$/.exec(name);
    if (m) live.add(m[1]!);
  }
  return live;
}

/** Tables left by skiffs that were killed (their owner pid is gone) are removed. */
export async function removeTablesOfDeadOwners(log: Logger): Promise<void> {
  for (const { family, name } of await listTables().catch(() => [])) {
    if (!name.startsWith('skiff_')) continue;
    const comment = await tableComment(family, name);
    const pid = Number(comment?.startsWith(TABLE_COMMENT) ? comment.slice(TABLE_COMMENT.length).trim() : NaN);
    if (!Number.isInteger(pid) || pid === process.pid || (await isAlive(pid))) continue;
    await runNft(`delete table ${family} ${name}\n`).then(() => log.info({ table: name, pid }, 'removed the nftables table of a skiff that is gone'), () => undefined);
  }
}
