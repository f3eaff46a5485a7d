/**
 * Sets up a pod's volumes under `<podDir>/volumes/<name>` and keeps them current: on every
 * sync the contents are recomputed and rewritten atomically when they changed (so an
 * edited ConfigMap reaches a running pod, as the kubelet's periodic remount does).
 * emptyDir is a plain directory; hostPath is the host path itself (created for the
 * `DirectoryOrCreate`/`FileOrCreate` types).
 */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { KubeObject } from '../../api/object.ts';
import { writeAtomically, filesDigest } from './atomic-writer.ts';
import type { PodFacts } from './env.ts';
import { VolumeError, volumeContent, type VolumeSources } from './volumes.ts';

export interface VolumeSetUp {
  dirs: Map<string, string>;
  /** The first volume that could not be set up, with the kubelet's FailedMount text. */
  failure?: { volume: string; message: string };
}

export class PodVolumes {
  readonly #podDir: string;
  readonly #digests = new Map<string, string>();

  constructor(podDir: string) {
    this.#podDir = podDir;
  }

  async setUp(pod: KubeObject, sources: VolumeSources, facts: PodFacts): Promise<VolumeSetUp> {
    const volumes = ((pod.spec as { volumes?: Array<{ name: string }> } | undefined)?.volumes) ?? [];
    const dirs = new Map<string, string>();
    for (const volume of volumes) {
      const dir = join(this.#podDir, 'volumes', volume.name);
      try {
        const content = volumeContent(pod, volume as never, sources, facts);
        if (content.kind === 'emptyDir') {
          await mkdir(dir, { recursive: true });
          dirs.set(volume.name, dir);
        } else if (content.kind === 'hostPath') {
          await prepareHostPath(content.path, content.type);
          dirs.set(volume.name, content.path);
        } else {
          const digest = filesDigest(content.files);
          await writeAtomically(dir, content.files, this.#digests.get(volume.name));
          this.#digests.set(volume.name, digest);
          dirs.set(volume.name, dir);
        }
      } catch (err) {
        const message = err instanceof VolumeError ? err.message : (err as Error).message;
        return { dirs, failure: { volume: volume.name, message } };
      }
    }
    return { dirs };
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
