/**
 * Several skiff instances may run on one machine (tests in parallel, two "clusters" for
 * federation), and all of them put pods in 127.0.0.0/8. Each instance therefore claims a
 * whole pod CIDR for as long as it runs: a claim is a file in a machine-wide directory,
 * created atomically (link), naming the claiming process and data directory. A claim whose
 * process is gone is stale and may be taken over; an instance restarting on the same data
 * directory gets its previous CIDR back when it is free, so its pods keep their addresses.
 */
import { link, mkdir, readFile, rename, rm, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export const CLAIMS_DIR = '/tmp/skiff-pod-networks';

interface Claim {
  pid: number;
  dataDir: string;
}

export interface CidrClaim {
  cidr: string;
  release(): Promise<void>;
}

/** Default loopback candidates: 127.244–127.255, then 127.128–127.243 (127.96–127.99 are skiff's Service ranges). */
export function loopbackCandidates(): string[] {
  const seconds = [...Array.from({ length: 12 }, (_, i) => 244 + i), ...Array.from({ length: 116 }, (_, i) => 128 + i)];
  return seconds.map((b) => `127.${b}.0.0/16`);
}

export function netnsCandidates(): string[] {
  return Array.from({ length: 12 }, (_, i) => `10.${244 + i}.0.0/16`);
}

export async function claimCidr(opts: { candidates: readonly string[]; dataDir: string; preferred?: string; exact?: boolean; dir?: string }): Promise<CidrClaim> {
  const dir = opts.dir ?? CLAIMS_DIR;
  await mkdir(dir, { recursive: true });
  await chmod(dir, 0o1777).catch(() => undefined);
  const order = opts.exact ? opts.candidates : [...new Set([...(opts.preferred ? [opts.preferred] : []), ...opts.candidates])];
  for (const cidr of order) {
    const path = join(dir, `${cidr.replace('/', '_')}.claim`);
    if (await tryClaim(path, opts.dataDir)) {
      return {
        cidr,
        release: async () => {
          const current = await readClaim(path);
          if (current && current.pid === process.pid && current.dataDir === opts.dataDir) await rm(path, { force: true });
        },
      };
    }
  }
  throw new Error(opts.exact
    ? `the pod CIDR ${order[0]} is in use by another skiff instance on this machine (see ${dir})`
    : `every pod CIDR skiff tries is in use by another skiff instance on this machine (see ${dir})`);
}

async function tryClaim(path: string, dataDir: string): Promise<boolean> {
  const mine: Claim = { pid: process.pid, dataDir };
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, JSON.stringify(mine), { mode: 0o644 });
  try {
    try {
      await link(tmp, path);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const current = await readClaim(path);
    if (current && current.dataDir === dataDir && (current.pid === process.pid || !alive(current.pid))) {
      await rename(tmp, path);
      return true;
    }
    if (current && alive(current.pid)) return false;
    // Stale (its process is gone) or unreadable: take it over, then check no one else did.
    try {
      await rename(tmp, path);
    } catch {
      return false; // someone else's file we may not replace
    }
    const after = await readClaim(path);
    return after?.pid === process.pid && after.dataDir === dataDir;
  } finally {
    await rm(tmp, { force: true });
  }
}

async function readClaim(path: string): Promise<Claim | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Claim;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
