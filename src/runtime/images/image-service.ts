/**
 * "Pulling" an image: resolving it through the user's mappings and the built-in catalog to
 * something this machine can run, with the identity the pod status shows (`image`, the
 * normalised reference; `imageID`, `<repository>@sha256:…` of the bundle or mapping) and a
 * size for the kubelet's Pulled event. An image nothing matches fails to pull with a
 * message that says how to map it.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { RuntimePrograms } from '../process/bundler.ts';
import { BUILTIN_BIN_DIR, BUILTIN_PROGRAMS, resolveImage, type BuiltinProgram, type ResolvedImage } from './catalog.ts';
import { parseImageRef } from './image-ref.ts';
import { ImageMappingsFile } from './user-mapping.ts';

export type PullResult =
  | { ok: true; resolved: ResolvedImage; image: string; imageID: string; sizeBytes: number }
  | { ok: false; message: string };

export class ImageService {
  readonly #mappings: ImageMappingsFile;
  readonly #programs: RuntimePrograms;

  constructor(dataDir: string, programs: RuntimePrograms) {
    this.#mappings = new ImageMappingsFile(dataDir);
    this.#programs = programs;
  }

  get mappingsPath(): string {
    return this.#mappings.path;
  }

  pull(image: string): PullResult {
    const loaded = this.#mappings.current();
    const resolved = resolveImage(image, loaded.mappings);
    if (!resolved) {
      const problem = loaded.error ? ` (${this.#mappings.path} was ignored: ${loaded.error})` : '';
      return {
        ok: false,
        message: `failed to pull and unpack image "${parseImageRef(image).normalized}": skiff has no program for this image${problem}; map it to a host command in ${this.#mappings.path} (see docs/images.md)`,
      };
    }
    const program = builtinProgramOf(resolved);
    const digest = program ? this.#programs.imageDigests[program] : resolved.digest;
    const file = program ? this.#programs.images[program] : hostExecutable(resolved.config.entrypoint[0] ?? resolved.config.cmd[0]);
    return {
      ok: true,
      resolved,
      image: resolved.ref.normalized,
      imageID: `${resolved.ref.registry}/${resolved.ref.repository}@${digest}`,
      sizeBytes: file ? sizeOf(file) : 0,
    };
  }
}

function builtinProgramOf(resolved: ResolvedImage): BuiltinProgram | undefined {
  const first = resolved.config.entrypoint[0] ?? '';
  return BUILTIN_PROGRAMS.find((p) => first === `${BUILTIN_BIN_DIR}/${p}`);
}

/** The host file an image's program runs from (for the Pulled event's size), found in PATH. */
function hostExecutable(command: string | undefined): string | undefined {
  if (!command) return undefined;
  if (command.includes('/')) return command;
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir === '') continue;
    try {
      if (statSync(join(dir, command)).isFile()) return join(dir, command);
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
