/**
 * The pods/binding subresource (POST …/pods/<name>/binding with a v1 Binding): how a
 * scheduler assigns a pod to a node. As kube-apiserver's BindingREST, the pod is changed
 * directly in storage — spec.nodeName may not change through a pod update — under the
 * same rules: the names must match, the target is a Node, a pod being deleted, already
 * assigned or still gated cannot be bound (409), and binding also records the binding's
 * annotations and the PodScheduled condition.
 */
import type { FieldError } from '../../api/field-error.ts';
import { fieldErr } from '../../api/field-error.ts';
import type { KubeObject } from '../../api/object.ts';
import { isSkiffError } from '../../errors/skiff-error.ts';
import type { Store } from '../../store/types.ts';
import { badRequest, conflict, invalid, notFound } from './api-errors.ts';
import { objectKey } from './keys.ts';
import { nowTimestamp } from './system-fields.ts';

const PODS = { group: '', plural: 'pods', scope: 'Namespaced' } as const;
const BINDING = { group: '', plural: 'pods/binding', kind: 'Binding' } as const;
const MAX_ATTEMPTS = 8;

export interface BindingRequest {
  namespace: string;
  /** The pod's name from the URL. */
  name: string;
  binding: KubeObject;
  dryRun?: boolean;
}

/** What BindingREST answers: a Success Status (HTTP 201). */
export const BINDING_SUCCESS = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 } as const;

/** ValidatePodBinding: the target is a Node (kind empty or `Node`) with a name. */
export function validateBinding(binding: KubeObject): FieldError[] {
  const target = (binding.target ?? {}) as { kind?: string; name?: string };
  const errs: FieldError[] = [];
  if (target.kind !== undefined && target.kind !== '' && target.kind !== 'Node') errs.push(fieldErr.notSupported('target.kind', target.kind, ['Node', '<empty>']));
  if (!target.name) errs.push(fieldErr.required('target.name'));
  return errs;
}

export async function bindPod(store: Store, req: BindingRequest, now: () => Date = () => new Date()): Promise<KubeObject> {
  const { binding } = req;
  if (binding.metadata?.name !== req.name) throw badRequest('name in URL does not match name in Binding object');
  const errs = validateBinding(binding);
  if (errs.length > 0) throw invalid(BINDING, req.name, errs);
  const nodeName = (binding.target as { name: string }).name;
  const key = objectKey(PODS, req.namespace, req.name);
  for (let attempt = 0; ; attempt++) {
    const current = await store.get(key);
    if (!current) throw notFound(PODS, req.name);
    const pod = copyForBinding(current.value);
    refuseUnbindable(pod, binding, current.modRevision, req.name);
    assign(pod, nodeName, binding.metadata.annotations ?? {}, nowTimestamp(now()));
    if (req.dryRun) return pod;
    try {
      const stored = await store.update(key, pod, current.modRevision);
      return stored.value;
    } catch (err) {
      if (attempt < MAX_ATTEMPTS && isSkiffError(err, 'SKF_STORE_CONFLICT')) continue;
      if (isSkiffError(err, 'SKF_STORE_NOT_FOUND')) throw notFound(PODS, req.name);
      throw err;
    }
  }
}

function refuseUnbindable(pod: KubeObject, binding: KubeObject, revision: number, name: string): void {
  const uid = binding.metadata.uid;
  if (uid && uid !== pod.metadata.uid) throw conflict(BINDING, name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${pod.metadata.uid}`);
  const rv = binding.metadata.resourceVersion;
  if (rv && rv !== String(revision)) throw conflict(BINDING, name, `Precondition failed: ResourceVersion in precondition: ${rv}, ResourceVersion in object meta: ${revision}`);
  const spec = (pod.spec ?? {}) as { nodeName?: string; schedulingGates?: unknown[] };
  if (pod.metadata.deletionTimestamp) throw conflict(BINDING, name, `pod ${name} is being deleted, cannot be assigned to a host`);
  if (spec.nodeName) throw conflict(BINDING, name, `pod ${name} is already assigned to node "${spec.nodeName}"`);
  if ((spec.schedulingGates ?? []).length > 0) throw conflict(BINDING, name, `pod ${name} has non-empty .spec.schedulingGates`);
}

/**
 * The stored pod with what `assign` changes copied — metadata, spec and status one level
 * deep, the conditions whole — and the rest shared. Stored objects are never changed in
 * place, and sharing keeps the managed fields' FieldsV1 objects, which managers.ts knows by
 * identity, so the kubelet's next status write need not decode and encode them again.
 */
function copyForBinding(stored: KubeObject): KubeObject {
  const status = stored.status as { conditions?: Array<Record<string, unknown>> } | undefined;
  return {
    ...stored,
    metadata: { ...stored.metadata },
    spec: { ...(stored.spec as object) },
    ...(status ? { status: { ...status, ...(status.conditions ? { conditions: status.conditions.map((c) => ({ ...c })) } : {}) } } : {}),
  };
}

/** setPodNodeAndMetadata: node name, the binding's annotations, PodScheduled=True. */
function assign(pod: KubeObject, nodeName: string, annotations: Record<string, string>, now: string): void {
  (pod.spec as Record<string, unknown>).nodeName = nodeName;
  if (Object.keys(annotations).length > 0) pod.metadata.annotations = { ...pod.metadata.annotations, ...annotations };
  const status = (pod.status ??= {}) as { conditions?: Array<Record<string, unknown>> };
  const conditions = status.conditions ?? [];
  const existing = conditions.find((c) => c.type === 'PodScheduled');
  if (!existing) conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now });
  else if (existing.status !== 'True') Object.assign(existing, { status: 'True', lastTransitionTime: now, reason: undefined, message: undefined });
  for (const c of conditions) for (const k of Object.keys(c)) if (c[k] === undefined) delete c[k];
  status.conditions = conditions;
}
