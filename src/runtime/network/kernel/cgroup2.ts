/**
 * One cgroup (v2) per pod, so the kernel can tell which pod opened a socket: the pod's
 * processes join `skiff/<runtimeId>/<podUid>` before they run (the launcher's wrapper),
 * everything they start inherits it, and nftables' `socket cgroupv2` match reads it. It is
 * also the pod's process list: tearing a pod down kills whatever is still in its cgroup.
 *
 * nftables names cgroups by their path under /sys/fs/cgroup, whatever the mount point of
 * the v2 hierarchy is (`unified/…` on a hybrid host), and by their depth in the hierarchy.
 */
import { mkdir, readFile, readdir, rmdir } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';

const NFT_CGROUP_ROOT = '/sys/fs/cgroup';

/** Where cgroup v2 is mounted (from /proc/self/mounts), or undefined. */
export async function cgroup2Mount(): Promise<string | undefined> {
  const mounts = await readFile('/proc/self/mounts', 'utf8').catch(() => '');
  for (const line of mounts.split('\n')) {
    const [, where, type, options] = line.split(' ');
    if (type === 'cgroup2' && where && !options?.split(',').includes('ro')) return where;
  }
  return undefined;
}

export class PodCgroups {
  /** Absolute directory of this runtime's pod cgroups. */
  readonly root: string;
  /** Depth of a pod cgroup in the v2 hierarchy (nft's `level`). */
  readonly level = 3;
  readonly #mount: string;

  constructor(mount: string, runtimeId: string) {
    this.#mount = mount;
    this.root = join(mount, 'skiff', runtimeId);
  }

  /** nftables can only name cgroups that live under /sys/fs/cgroup. */
  static usable(mount: string): boolean {
    return mount === NFT_CGROUP_ROOT || mount.startsWith(`${NFT_CGROUP_ROOT}/`);
  }

  dir(uid: string): string {
    return join(this.root, uid);
  }

  /** The file a process writes its pid (or `0`, itself) to join the pod. */
  procsFile(uid: string): string {
    return join(this.dir(uid), 'cgroup.procs');
  }

  /** The path nftables takes for the pod's cgroup. */
  nftPath(uid: string): string {
    return relative(NFT_CGROUP_ROOT, this.dir(uid));
  }

  async create(uid: string): Promise<void> {
    await mkdir(this.dir(uid), { recursive: true });
  }

  /** Kills what is left in the pod's cgroup and removes it (a cgroup with processes cannot be removed). */
  async remove(uid: string): Promise<void> {
    const dir = this.dir(uid);
    for (let attempt = 0; attempt < 50; attempt++) {
      const pids = await this.pids(uid);
      for (const pid of pids) {
        try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
      }
      try {
        await rmdir(dir);
        return;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return;
        if (code !== 'EBUSY') throw err;
      }
      // A killed process leaves the cgroup once the kernel has reaped it: a few ms.
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async pids(uid: string): Promise<number[]> {
    const text = await readFile(this.procsFile(uid), 'utf8').catch(() => '');
    return text.split('\n').filter(Boolean).map(Number);
  }

  /** Empties and removes every pod cgroup of this runtime (an earlier run's at start, all at stop). */
  async removeAll(): Promise<void> {
    // The folder is a cgroup itself: its control files sit beside the pods' folders.
    const entries = await readdir(this.root, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) if (entry.isDirectory()) await this.remove(entry.name).catch(() => undefined);
  }

  /**
   * Removes the pod cgroups of other runtimes that are gone — a skiff killed with another
   * data directory, whose own start will never come to sweep them. `liveRuntimes` are the
   * runtimes whose nftables table has a living owner: a runtime makes its table before its
   * first pod cgroup, so a folder without one belongs to nobody. Whatever still runs in such
   * a cgroup is a pod process of a dead skiff and is killed.
   */
  async removeOthers(liveRuntimes: ReadonlySet<string>): Promise<string[]> {
    const own = basename(this.root);
    const parent = join(this.#mount, 'skiff');
    const entries = await readdir(parent, { withFileTypes: true }).catch(() => []);
    const removed: string[] = [];
    for (const entry of entries) {
      if (!entry.isDirectory() || entry.name === own || liveRuntimes.has(entry.name)) continue;
      const other = new PodCgroups(this.#mount, entry.name);
      await other.removeAll();
      await rmdir(other.root).then(() => removed.push(entry.name), () => undefined);
    }
    return removed;
  }

  /** Removes this runtime's folder once every pod cgroup is gone. */
  async removeRoot(): Promise<void> {
    await rmdir(this.root).catch(() => undefined);
    await rmdir(join(this.#mount, 'skiff')).catch(() => undefined);
  }
}
