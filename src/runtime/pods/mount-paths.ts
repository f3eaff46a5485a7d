/**
 * How a container sees its volumes without a mount namespace: every volumeMount's
 * mountPath (and the termination-message path) stands for a directory on the host, and
 * the runtime rewrites those paths where a program receives them — in `command`, `args`,
 * env values and `workingDir` — to the host directory. `cat /etc/config/color` in an arg
 * becomes `cat <dataDir>/runtime/pods/<uid>/volumes/config/color`. A program that opens a
 * path it was not given (hard-coded in its code) does not see the volume; docs/runtime.md
 * says so.
 *
 * A path is replaced only as a whole path prefix: preceded by the start of the text or a
 * separator (space, quote, `=`, `:`, `,`, `;`, `(`, `|`, `&`, `<`, `>`, backquote, `[`, `{`)
 * and followed by the end, `/` or such a separator — `/data` in `--dir=/data/x` is
 * rewritten, in `/database` or `http://host/data` it is not.
 */
import { join, posix } from 'node:path';

export interface PathMapping {
  /** The path the container asked for (no trailing slash). */
  containerPath: string;
  hostPath: string;
}

interface VolumeMount { name: string; mountPath: string; subPath?: string; subPathExpr?: string }

/** Mappings for a container's volume mounts; `volumeDirs` maps volume names to host directories. */
export function mountMappings(mounts: readonly VolumeMount[], volumeDirs: ReadonlyMap<string, string>, expandSubPath: (expr: string) => string = (e) => e): PathMapping[] {
  const out: PathMapping[] = [];
  for (const m of mounts) {
    const dir = volumeDirs.get(m.name);
    if (dir === undefined) continue;
    const sub = m.subPathExpr ? expandSubPath(m.subPathExpr) : m.subPath ?? '';
    out.push({ containerPath: normalizeContainerPath(m.mountPath), hostPath: sub ? join(dir, sub) : dir });
  }
  return out;
}

export function normalizeContainerPath(path: string): string {
  const p = posix.normalize(path);
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
}

const BEFORE = `(^|[\\s'"=:,;(|&<>\`[{])`;
const AFTER = `(?=$|[/\\s'"=:,;)|&<>\`\\]}])`;

/** Rewrites every mapped container path in `text` to its host path. */
export function substitutePaths(text: string, mappings: readonly PathMapping[]): string {
  const usable = mappings.filter((m) => m.containerPath !== '/' && m.containerPath !== '');
  if (usable.length === 0 || !usable.some((m) => text.includes(m.containerPath))) return text;
  const sorted = [...usable].sort((a, b) => b.containerPath.length - a.containerPath.length);
  const byPath = new Map(sorted.map((m) => [m.containerPath, m.hostPath]));
  const alternatives = sorted.map((m) => m.containerPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  return text.replace(new RegExp(`${BEFORE}(${alternatives})${AFTER}`, 'g'), (_all, before: string, path: string) => `${before}${byPath.get(path)!}`);
}
