/**
 * Sets up a pod's volumes under `<podDir>/volumes/<name>` (memory-backed ones under the
 * pod's tmpfs directory, memory-volumes.ts) and keeps them current: on every
 * sync the contents are recomputed and rewritten atomically when they changed (so an
 * edited ConfigMap reaches a running pod, as the kubelet's periodic remount does).
 * emptyDir is a plain directory; hostPath is the host path itself (created for the
 * `DirectoryOrCreate`/`FileOrCreate` types).
 */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { KubeObject } from '../../api/object.ts';
import { ASYNC_FILE_OPS, SYNC_FILE_OPS, writeAtomically, filesDigest } from './atomic-writer.ts';
import type { PodFacts } from './env.ts';
import { isMemoryBacked } from './memory-volumes.ts';
import { VolumeError, volumeContent, type VolumeSources } from './volumes.ts';

export interface VolumeSetUp {
  dirs: Map<string, string>;
  /** The first volume that could not be set up, with the kubelet's FailedMount text. */
  failure?: { volume: string; message: string };
}

export class PodVolumes {
  readonly #podDir: string;
  readonly #memoryPodDir: string | undefined;
  readonly #digests = new Map<string, string>();

  /** `memoryPodDir`: the pod's directory on tmpfs, undefined when there is none. */
  constructor(podDir: string, memoryPodDir?: string) {
    this.#podDir = podDir;
    this.#memoryPodDir = memoryPodDir;
  }

  /**
   * Every volume at once (the kubelet's operation executor mounts them in parallel): a
   * revision pod with a sidecar has half a dozen, each several file operations. The failure
   * reported is the first failing volume in spec order, as a serial walk would find it.
   */
  async setUp(pod: KubeObject, sources: VolumeSources, facts: PodFacts): Promise<VolumeSetUp> {
    const volumes = ((pod.spec as { volumes?: Array<{ name: string }> } | undefined)?.volumes) ?? [];
    const results = await Promise.all(volumes.map((volume) => this.#setUpOne(pod, volume, sources, facts)));
    const dirs = new Map<string, string>();
    for (const [i, result] of results.entries()) {
      if ('failure' in result) return { dirs, failure: { volume: volumes[i]!.name, message: result.failure } };
      dirs.set(volumes[i]!.name, result.dir);
    }
    return { dirs };
  }

  async #setUpOne(pod: KubeObject, volume: { name: string }, sources: VolumeSources, facts: PodFacts): Promise<{ dir: string } | { failure: string }> {
    const inMemory = this.#memoryPodDir !== undefined && isMemoryBacked(volume);
    const dir = join(inMemory ? this.#memoryPodDir! : this.#podDir, 'volumes', volume.name);
    try {
      const content = volumeContent(pod, volume as never, sources, facts);
      if (content.kind === 'emptyDir') {
        await mkdir(dir, { recursive: true });
        return { dir };
      }
      if (content.kind === 'hostPath') {
        await prepareHostPath(content.path, content.type);
        return { dir: content.path };
      }
      const digest = filesDigest(content.files);
      await writeAtomically(dir, content.files, this.#digests.get(volume.name), digest, inMemory ? SYNC_FILE_OPS : ASYNC_FILE_OPS);
      this.#digests.set(volume.name, digest);
      return { dir };
    } catch (err) {
      return { failure: err instanceof VolumeError ? err.message : (err as Error).message };
    }
  }
}

async function prepareHostPath(path: string, type: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  switch (type) {
    case 'DirectoryOrCreate':
      if (!info) await mkdir(path, { recursive: true, mode: 0o755 });
      return;
    case 'FileOrCreate':
      if (!info) {
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, '', { mode: 0o644 });
      }
      return;
    case 'Directory':
      if (!info?.isDirectory()) throw new VolumeError(`hostPath type check failed: ${path} is not a directory`);
      return;
    case 'File':
      if (!info?.isFile()) throw new VolumeError(`hostPath type check failed: ${path} is not a file`);
      return;
    case 'Socket':
      if (!info?.isSocket()) throw new VolumeError(`hostPath type check failed: ${path} is not a socket file`);
      return;
    default:
      return;
  }
}
