/**
 * Memory-backed volumes. The kubelet mounts `secret`, `projected` and `downwardAPI` volumes
 * on tmpfs (their plugins wrap an emptyDir with `medium: Memory`), and an `emptyDir` that
 * asks for `medium: Memory` too, so that secrets never reach a disk. skiff has no mounts:
 * it keeps those volumes under one tmpfs directory per runtime instead,
 * `/dev/shm/skiff-<runtime id>/pods/<uid>/volumes/<name>`.
 *
 * Besides keeping service-account tokens off the disk, this keeps a pod start's file
 * operations (a dozen per projected token volume) out of the disk's journal, where they
 * queued behind the store's fdatasync of every API write.
 */
import { lstat, mkdir, rm, statfs } from 'node:fs/promises';
import { join } from 'node:path';

/** statfs f_type of tmpfs (linux/magic.h TMPFS_MAGIC). */
const TMPFS_MAGIC = 0x01021994;
const SHARED_MEMORY = '/dev/shm';

export interface VolumeSource {
  name?: string;
  secret?: object;
  projected?: object;
  downwardAPI?: object;
  emptyDir?: { medium?: string };
}

/** Whether the kubelet would put this volume on tmpfs. */
export function isMemoryBacked(volume: VolumeSource): boolean {
  return volume.secret !== undefined || volume.projected !== undefined || volume.downwardAPI !== undefined || volume.emptyDir?.medium === 'Memory';
}

/**
 * This runtime's root for memory-backed volumes, or undefined when the machine has no tmpfs
 * at /dev/shm (the volumes then stay in the pod's directory on disk). `shm` is for tests.
 */
export async function memoryVolumesRoot(runtimeId: string, shm = SHARED_MEMORY): Promise<string | undefined> {
  const info = await statfs(shm).catch(() => undefined);
  if (info?.type !== TMPFS_MAGIC) return undefined;
  return join(shm, `skiff-${runtimeId}`);
}

/**
 * Makes this runtime's memory-volume root afresh (an earlier run's pods write theirs again)
 * and returns it — or, with a reason, undefined when it cannot be trusted with Secrets:
 * /dev/shm is shared by every user, the name can be computed, so the directory must be made
 * here, be a real directory owned by this user and closed to everyone else.
 */
export async function prepareMemoryVolumesRoot(root: string): Promise<{ root: string } | { refused: string }> {
  try {
    await rm(root, { recursive: true, force: true });
    await mkdir(root, { mode: 0o700 }); // not recursive: one that appeared meanwhile is refused
    const info = await lstat(root);
    if (!info.isDirectory() || (process.getuid !== undefined && info.uid !== process.getuid()) || (info.mode & 0o077) !== 0) {
      return { refused: `${root} is not a private directory of this user` };
    }
    await mkdir(join(root, 'pods'), { mode: 0o700 });
    return { root };
  } catch (err) {
    return { refused: `${root}: ${(err as Error).message}` };
  }
}
