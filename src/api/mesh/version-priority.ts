/**
 * Kubernetes' version priority (apimachinery `CompareKubeAwareVersionStrings`), which
 * orders a CRD group's versions in discovery; the first is the preferred version that
 * `kubectl get -o yaml` shows. GA beats beta beats alpha; within a level the higher major
 * wins, then the higher minor; strings that are not Kubernetes versions sort last,
 * alphabetically.
 */
const KUBE_VERSION = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

interface Parsed {
  major: number;
  /** 2 = GA, 1 = beta, 0 = alpha. */
  level: number;
  minor: number;
}

function parse(version: string): Parsed | undefined {
  const m = KUBE_VERSION.exec(version);
  if (!m) return undefined;
  const level = m[2] === undefined ? 2 : m[2] === 'beta' ? 1 : 0;
  return { major: Number(m[1]), level, minor: m[3] === undefined ? 0 : Number(m[3]) };
}

/** Negative when `a` has higher priority than `b` (sorts first). */
export function compareVersionPriority(a: string, b: string): number {
  const pa = parse(a);
  const pb = parse(b);
  if (!pa || !pb) {
    if (pa) return -1;
    if (pb) return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (pa.level !== pb.level) return pb.level - pa.level;
  if (pa.major !== pb.major) return pb.major - pa.major;
  return pb.minor - pa.minor;
}
