/**
 * Which nodes a pod fits on — the scheduler's filter plugins that matter on a machine
 * without resource contention: NodeUnschedulable, TaintToleration (NoSchedule/NoExecute,
 * with a not-ready node carrying the `node.kubernetes.io/not-ready` taint as the node
 * lifecycle controller would add it), NodeName, and NodeAffinity (nodeSelector and required
 * node affinity). When nothing fits, `unschedulableMessage` words it as kube-scheduler does.
 */
import type { KubeObject } from '../../../../api/object.ts';

interface Taint { key: string; value?: string; effect: string }
interface Toleration { key?: string; operator?: string; value?: string; effect?: string }
interface Requirement { key: string; operator: string; values?: string[] }
interface Term { matchExpressions?: Requirement[]; matchFields?: Requirement[] }

export type FilterFailure = 'unschedulable' | 'taint' | 'affinity' | 'nodeName';

export interface NodeVerdict {
  node: string;
  failure?: FilterFailure;
  /** For taint failures: the first untolerated taint, as `{key: value}`. */
  taint?: string;
}

const NOT_READY_TAINT: Taint = { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' };
const UNSCHEDULABLE_TOLERATION = 'node.kubernetes.io/unschedulable';

export function isNodeReady(node: KubeObject): boolean {
  const conditions = ((node.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions) ?? [];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

export function fitNode(pod: KubeObject, node: KubeObject): NodeVerdict {
  const name = node.metadata.name ?? '';
  const podSpec = (pod.spec ?? {}) as { nodeName?: string; nodeSelector?: Record<string, string>; tolerations?: Toleration[]; affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: Term[] } } } };
  const nodeSpec = (node.spec ?? {}) as { unschedulable?: boolean; taints?: Taint[] };
  const tolerations = podSpec.tolerations ?? [];
  if (podSpec.nodeName && podSpec.nodeName !== name) return { node: name, failure: 'nodeName' };
  if (nodeSpec.unschedulable && !tolerations.some((t) => tolerates(t, { key: UNSCHEDULABLE_TOLERATION, effect: 'NoSchedule' }))) return { node: name, failure: 'unschedulable' };
  const taints = [...(nodeSpec.taints ?? []), ...(isNodeReady(node) ? [] : [NOT_READY_TAINT])];
  const untolerated = taints.find((taint) => (taint.effect === 'NoSchedule' || taint.effect === 'NoExecute') && !tolerations.some((t) => tolerates(t, taint)));
  if (untolerated) return { node: name, failure: 'taint', taint: `{${untolerated.key}: ${untolerated.value ?? ''}}` };
  const labels = node.metadata.labels ?? {};
  if (!Object.entries(podSpec.nodeSelector ?? {}).every(([k, v]) => labels[k] === v)) return { node: name, failure: 'affinity' };
  const terms = podSpec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms && terms.length > 0 && !terms.some((term) => termMatches(term, labels, name))) return { node: name, failure: 'affinity' };
  return { node: name };
}

/** A toleration matches a taint (v1helper.ToleratesTaint). */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.operator === 'Exists') return !t.key || t.key === taint.key;
  return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
}

function termMatches(term: Term, labels: Record<string, string>, nodeName: string): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  return exprs.every((r) => requirementMatches(r, labels[r.key])) && fields.every((r) => r.key === 'metadata.name' && requirementMatches(r, nodeName));
}

function requirementMatches(r: Requirement, value: string | undefined): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In': return value !== undefined && values.includes(value);
    case 'NotIn': return value === undefined || !values.includes(value);
    case 'Exists': return value !== undefined;
    case 'DoesNotExist': return value === undefined;
    case 'Gt': return value !== undefined && values.length === 1 && Number(value) > Number(values[0]);
    case 'Lt': return value !== undefined && values.length === 1 && Number(value) < Number(values[0]);
    default: return false;
  }
}

/**
 * kube-scheduler's FitError text: `0/N nodes are available: <counts by reason>.` plus its
 * preemption sentence; `no nodes available to schedule pods` when there is no node at all.
 */
export function unschedulableMessage(verdicts: readonly NodeVerdict[]): string {
  const n = verdicts.length;
  if (n === 0) return 'no nodes available to schedule pods';
  const reasons = new Map<string, number>();
  for (const v of verdicts) {
    const reason = v.failure === 'unschedulable' ? 'node(s) were unschedulable'
      : v.failure === 'taint' ? `node(s) had untolerated taint ${v.taint}`
      : v.failure === 'nodeName' ? "node(s) didn't match the requested node name"
      : "node(s) didn't match Pod's node affinity/selector";
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  const parts = [...reasons].map(([reason, count]) => `${count} ${reason}`).sort();
  return `0/${n} nodes are available: ${parts.join(', ')}. preemption: 0/${n} nodes are available: ${n} Preemption is not helpful for scheduling.`;
}
