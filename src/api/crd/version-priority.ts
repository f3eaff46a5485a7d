/**
 * Kubernetes' version priority (apimachinery pkg/version CompareKubeAwareVersionStrings),
 * which orders a group's versions in discovery and so picks the preferred version:
 * GA before beta before alpha, then the higher major, then the higher minor —
 * v2 > v1 > v1beta2 > v1beta1 > v1alpha1 — and versions that are not Kubernetes-like
 * (`foo`, `v1.2`) last, in lexical order.
 */

type Stability = 0 | 1 | 2;

interface KubeVersion {
  major: number;
  stability: Stability;
  minor: number;
}

const STABILITY: Record<string, Stability> = { alpha: 0, beta: 1, '': 2 };

function parseKubeVersion(v: string): KubeVersion | undefined {
  const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
  if (!m) return undefined;
  return { major: Number(m[1]), stability: STABILITY[m[2] ?? '']!, minor: m[2] ? Number(m[3]) : 0 };
}

/**
 * A sort comparator: negative when `a` has the higher priority (comes first), so
 * `versions.sort(compareKubeVersions)` yields discovery order.
 */
export function compareKubeVersions(a: string, b: string): number {
  if (a === b) return 0;
  const va = parseKubeVersion(a);
  const vb = parseKubeVersion(b);
  if (!va && !vb) return a < b ? -1 : 1;
  if (!va) return 1;
  if (!vb) return -1;
  if (va.stability !== vb.stability) return vb.stability - va.stability;
  if (va.major !== vb.major) return vb.major - va.major;
  return vb.minor - va.minor;
}

/** The names in priority order (a new array). */
export function sortByKubeVersionPriority(versions: readonly string[]): string[] {
  return [...versions].sort(compareKubeVersions);
}
