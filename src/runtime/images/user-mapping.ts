/**
 * The user's image mappings, `<dataDir>/images.yaml` (docs/images.md):
 *
 *   images:
 *     - image: "docker.io/library/nginx:*"      # glob over the image as written or normalised
 *       command: ["nginx", "-g", "daemon off;"] # the image's ENTRYPOINT
 *       args: []                                # the image's CMD
 *       env: { NGINX_PORT: "8080" }
 *       workingDir: /srv
 *     - image: "registry.example.com/team/api*"
 *       builtin: echo                           # or run one of skiff's built-in programs
 *
 * The file is read again whenever it changes, so a mapping added for a pod stuck in
 * ImagePullBackOff takes effect at its next pull attempt.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { BUILTIN_BIN_DIR, BUILTIN_PROGRAMS, type ImageConfig, type UserMapping } from './catalog.ts';

export const IMAGE_MAPPINGS_FILE = 'images.yaml';

export function imageMappingsPathOf(dataDir: string): string {
  return join(dataDir, IMAGE_MAPPINGS_FILE);
}

export interface LoadedMappings {
  mappings: UserMapping[];
  /** Why the file could not be used (its mappings are then ignored). */
  error?: string;
}

/** Parses the file's text; every problem names the entry and the field. */
export function parseImageMappings(text: string): LoadedMappings {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    return { mappings: [], error: `not valid YAML: ${(err as Error).message.split('\n')[0]}` };
  }
  if (doc === null || doc === undefined) return { mappings: [] };
  const list = (doc as { images?: unknown }).images;
  if (typeof doc !== 'object' || !Array.isArray(list)) return { mappings: [], error: 'expected a top-level `images:` list' };
  const mappings: UserMapping[] = [];
  for (const [i, raw] of list.entries()) {
    const at = `images[${i}]`;
    if (typeof raw !== 'object' || raw === null) return { mappings: [], error: `${at}: expected a mapping` };
    const e = raw as Record<string, unknown>;
    if (typeof e.image !== 'string' || e.image === '') return { mappings: [], error: `${at}.image: required (a glob such as "docker.io/library/nginx:*")` };
    const strings = (field: string): string[] | undefined | Error => {
      const v = e[field];
      if (v === undefined) return undefined;
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) return new Error(`${at}.${field}: expected a list of strings`);
      return v as string[];
    };
    const command = strings('command');
    const args = strings('args');
    if (command instanceof Error) return { mappings: [], error: command.message };
    if (args instanceof Error) return { mappings: [], error: args.message };
    let config: ImageConfig;
    if (e.builtin !== undefined) {
      if (!BUILTIN_PROGRAMS.includes(e.builtin as never)) return { mappings: [], error: `${at}.builtin: unknown program "${String(e.builtin)}" (one of ${BUILTIN_PROGRAMS.join(', ')})` };
      config = { entrypoint: [`${BUILTIN_BIN_DIR}/${String(e.builtin)}`], cmd: args ?? [] };
    } else {
      if (!command && !args) return { mappings: [], error: `${at}: needs \`command\`, \`args\` or \`builtin\`` };
      config = { entrypoint: command ?? [], cmd: args ?? [] };
    }
    if (e.env !== undefined) {
      if (typeof e.env !== 'object' || e.env === null || Object.values(e.env).some((v) => typeof v !== 'string')) return { mappings: [], error: `${at}.env: expected a map of strings` };
      config.env = e.env as Record<string, string>;
    }
    if (e.workingDir !== undefined) {
      if (typeof e.workingDir !== 'string') return { mappings: [], error: `${at}.workingDir: expected a string` };
      config.workingDir = e.workingDir;
    }
    mappings.push({ image: e.image, config });
  }
  return { mappings };
}

/** Reads `<dataDir>/images.yaml`, again only when its modification time changes. */
export class ImageMappingsFile {
  readonly path: string;
  #mtimeMs = -1;
  #loaded: LoadedMappings = { mappings: [] };

  constructor(dataDir: string) {
    this.path = imageMappingsPathOf(dataDir);
  }

  current(): LoadedMappings {
    // Asked on every pull; without the file (the usual case) no exception is built and thrown.
    let mtimeMs: number | undefined;
    try {
      mtimeMs = statSync(this.path, { throwIfNoEntry: false })?.mtimeMs;
    } catch {
      mtimeMs = undefined; // unreadable: treated as absent, as before
    }
    if (mtimeMs === undefined) {
      this.#mtimeMs = -1;
      this.#loaded = { mappings: [] };
      return this.#loaded;
    }
    if (mtimeMs !== this.#mtimeMs) {
      this.#mtimeMs = mtimeMs;
      try {
        this.#loaded = parseImageMappings(readFileSync(this.path, 'utf8'));
      } catch (err) {
        this.#loaded = { mappings: [], error: (err as Error).message };
      }
    }
    return this.#loaded;
  }
}
