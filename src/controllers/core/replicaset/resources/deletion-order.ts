/**
 * Which pods a ReplicaSet deletes first when it scales down (controller.ActivePodsWithRanks,
 * with LogarithmicScaleDown as in Kubernetes 1.32): unscheduled before scheduled, Pending
 * before Unknown before Running, not ready before ready, lower `controller.kubernetes.io/
 * pod-deletion-cost` first, pods doubled up on a node with more related pods first, then
 * the most recently ready, the most restarted and the newest — ages compared on a log2
 * scale so that pods of similar age are deleted at random (by uid) rather than strictly
 * youngest first.
 */
import type { Pod } from '../../../../api/builtin/core/pod-readiness.ts';
import { isPodActive, isPodReady, maxContainerRestarts, podReadyTime } from '../../../../api/builtin/core/pod-readiness.ts';

const PHASE_ORDER: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };
const DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

function deletionCost(pod: Pod): number {
  const raw = pod.metadata.annotations?.[DELETION_COST];
  const n = raw === undefined ? 0 : Number(raw);
  return Number.isInteger(n) ? n : 0;
}

/** floor(log2(now - t in ns)), or -1 for a time not before now (logarithmicRankDiff). */
function logRank(t: number, now: number): number {
  const ns = (now - t) * 1e6;
  return ns > 0 ? Math.floor(Math.log2(ns)) : -1;
}

/** afterOrZero: a missing time sorts first, then the later one. */
function laterFirst(a: number | undefined, b: number | undefined): number {
  if (a === undefined || b === undefined) return a === undefined ? (b === undefined ? 0 : -1) : 1;
  return b - a;
}

/** Orders two times newest first, on the log scale when `now` is known; ties broken by uid. */
function newerFirst(a: number | undefined, b: number | undefined, now: number, x: Pod, y: Pod): number {
  if (a === undefined || b === undefined) return laterFirst(a, b);
  const diff = logRank(a, now) - logRank(b, now);
  if (diff !== 0) return diff;
  const ux = x.metadata.uid ?? '';
  const uy = y.metadata.uid ?? '';
  return ux < uy ? -1 : ux > uy ? 1 : 0;
}

/** Negative when `x` should be deleted before `y`. */
export function compareForDeletion(x: Pod, y: Pod, rankX: number, rankY: number, now: number): number {
  const nodeX = x.spec?.nodeName ?? '';
  const nodeY = y.spec?.nodeName ?? '';
  if (nodeX !== nodeY && (nodeX === '' || nodeY === '')) return nodeX === '' ? -1 : 1;
  const phaseX = PHASE_ORDER[x.status?.phase ?? ''] ?? 0;
  const phaseY = PHASE_ORDER[y.status?.phase ?? ''] ?? 0;
  if (phaseX !== phaseY) return phaseX - phaseY;
  if (isPodReady(x) !== isPodReady(y)) return isPodReady(x) ? 1 : -1;
  if (deletionCost(x) !== deletionCost(y)) return deletionCost(x) - deletionCost(y);
  if (rankX !== rankY) return rankY - rankX;
  if (isPodReady(x) && isPodReady(y) && podReadyTime(x) !== podReadyTime(y)) return newerFirst(podReadyTime(x), podReadyTime(y), now, x, y);
  const restarts = maxContainerRestarts(y) - maxContainerRestarts(x);
  if (restarts !== 0) return restarts;
  const createdX = x.metadata.creationTimestamp ? Date.parse(x.metadata.creationTimestamp) : undefined;
  const createdY = y.metadata.creationTimestamp ? Date.parse(y.metadata.creationTimestamp) : undefined;
  if (createdX !== createdY) return newerFirst(createdX, createdY, now, x, y);
  return 0;
}

/**
 * The `count` pods to delete out of `pods`. `related` are the active pods of every
 * ReplicaSet under the same owner; a pod's rank is how many of them share its node.
 */
export function podsToDelete(pods: readonly Pod[], related: readonly Pod[], count: number, now: number): Pod[] {
  if (count >= pods.length) return [...pods];
  const onNode = new Map<string, number>();
  for (const p of related) if (isPodActive(p)) onNode.set(p.spec?.nodeName ?? '', (onNode.get(p.spec?.nodeName ?? '') ?? 0) + 1);
  const ranked = pods.map((pod) => ({ pod, rank: onNode.get(pod.spec?.nodeName ?? '') ?? 0 }));
  ranked.sort((a, b) => compareForDeletion(a.pod, b.pod, a.rank, b.rank, now));
  return ranked.slice(0, count).map((r) => r.pod);
}
