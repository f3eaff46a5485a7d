/**
 * Finding skiff's container processes through /proc, so that none outlives the runtime
 * that started it. Every process the runtime starts carries `SKIFF_RUNTIME_ID=<id>` in its
 * environment (one id per data directory); children inherit it, so a scan of
 * /proc/<pid>/environ finds the whole tree even when a program left its process group.
 * Kept free of skiff imports: the watchdog program bundles it.
 */
import { readFile, readdir } from 'node:fs/promises';

export const RUNTIME_ID_ENV = 'SKIFF_RUNTIME_ID';

/** Pids of live processes whose initial environment carries the marker for `runtimeId`. */
export async function markedProcesses(runtimeId: string, exclude: ReadonlySet<number> = new Set()): Promise<number[]> {
  const needle = Buffer.from(`${RUNTIME_ID_ENV}=${runtimeId}\0`);
  const pids: number[] = [];
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return [];
  }
  await Promise.all(entries.map(async (entry) => {
    if (!/^\d+$/.test(entry)) return;
    const pid = Number(entry);
    if (exclude.has(pid) || pid === process.pid) return;
    try {
      const environ = await readFile(`/proc/${pid}/environ`);
      if (environ.indexOf(needle) === 0 || environ.includes(Buffer.concat([Buffer.from('\0'), needle]))) pids.push(pid);
    } catch {
      // gone, or not ours to read
    }
  }));
  return pids;
}

/** SIGKILLs every marked process (and its process group) until none is left or `rounds` pass. */
export async function killMarkedProcesses(runtimeId: string, rounds = 50, exclude: ReadonlySet<number> = new Set()): Promise<number> {
  let killed = 0;
  for (let round = 0; round < rounds; round++) {
    const pids = await markedProcesses(runtimeId, exclude);
    if (pids.length === 0) return killed;
    for (const pid of pids) {
      for (const target of [-pid, pid]) {
        try {
          process.kill(target, 'SIGKILL');
        } catch {
          // not a group leader, or already gone
        }
      }
      killed++;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return killed;
}

/** Whether a pid is alive and not a zombie. */
export async function isAlive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
