/**
 * The /proc reads socket-owners.ts needs, one function each: the socket inodes a process
 * holds (its fd table) and the parent of every process (for a container's descendants).
 * A process that is gone or not ours to read simply has nothing.
 */
import { readdir, readFile, readlink } from 'node:fs/promises';

/** The inodes of the sockets among `pid`'s open file descriptors (`socket:[123]` links). */
export async function socketInodesOf(pid: number, procRoot = '/proc'): Promise<Set<number>> {
  const dir = `${procRoot}/${pid}/fd`;
  let fds: string[];
  try {
    fds = await readdir(dir);
  } catch {
    return new Set();
  }
  const links = await Promise.all(fds.map((fd) => readlink(`${dir}/${fd}`).catch(() => '')));
  const inodes = new Set<number>();
  for (const link of links) {
    if (link.startsWith('socket:[')) inodes.add(Number(link.slice(8, -1)));
  }
  return inodes;
}

/** Children of every live process, from the ppid field of each /proc/<pid>/stat. */
export async function childrenByParent(procRoot = '/proc'): Promise<Map<number, number[]>> {
  let entries: string[];
  try {
    entries = await readdir(procRoot);
  } catch {
    return new Map();
  }
  const children = new Map<number, number[]>();
  await Promise.all(entries.map(async (entry) => {
    if (!/^\d+$/.test(entry)) return;
    const ppid = parentFromStat(await readFile(`${procRoot}/${entry}/stat`, 'utf8').catch(() => ''));
    if (ppid === undefined) return;
    const list = children.get(ppid);
    if (list) list.push(Number(entry));
    else children.set(ppid, [Number(entry)]);
  }));
  return children;
}

/** The ppid of a /proc/<pid>/stat line: the second field after the command, which may hold spaces and parentheses. */
export function parentFromStat(stat: string): number | undefined {
  const end = stat.lastIndexOf(')');
  if (end < 0) return undefined;
  const ppid = Number(stat.slice(end + 2).split(' ')[1]);
  return Number.isInteger(ppid) ? ppid : undefined;
}

/** Every descendant of `roots` (not the roots themselves), breadth first. */
export function descendantsOf(roots: Iterable<number>, children: ReadonlyMap<number, readonly number[]>): number[] {
  const seen = new Set<number>(roots);
  const queue = [...seen];
  const found: number[] = [];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      if (seen.has(child)) continue;
      seen.add(child);
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}
