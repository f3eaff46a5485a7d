/**
 * The `/scale` subresource (autoscaling/v1 Scale) of every kind that declares
 * `subresources.scale` — Deployments, ReplicaSets and custom resources with a scale
 * subresource. As kube-apiserver's scale REST storage does, GET builds a Scale from the
 * object (spec and status replicas, the selector as a string) and PUT/PATCH write only the
 * replica count back, with the Scale's resourceVersion as a precondition.
 */
import type { ScaleSubresource } from '../../api/kind.ts';
import type { KubeObject } from '../../api/object.ts';
import { labelSelectorString } from '../../api/builtin/util/labels.ts';
import { SkiffError } from '../../errors/skiff-error.ts';
import type { JsonValue } from '../patch/json.ts';
import { applyJsonPatch } from '../patch/json-patch.ts';
import { applyMergePatch } from '../patch/merge-patch.ts';
import { stripPatchDirectives } from '../patch/strategic-merge-patch.ts';
import { badRequest, invalid, notFound } from './api-errors.ts';
import type { ObjectService } from './object-service.ts';
import type { PatchType, RequestContext, Target, WriteOptions } from './types.ts';
import { cloneJson } from '../../util/clone-json.ts';

export interface Scale {
  apiVersion: 'autoscaling/v1';
  kind: 'Scale';
  metadata: { name?: string; namespace?: string; uid?: string; resourceVersion?: string; creationTimestamp?: string };
  spec: { replicas?: number };
  status: { replicas: number; selector?: string };
}

const SCALE_KIND = { kind: 'Scale', group: 'autoscaling' } as const;

/** Reads a `.a.b.c` path (the only form scale paths take). */
function readPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.').filter((p) => p !== '')) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function writePath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.').filter((p) => p !== '');
  let cur = obj;
  for (const part of parts.slice(0, -1)) {
    const next = cur[part];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) cur[part] = {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]!] = value;
}

function replicasAt(obj: unknown, path: string): number {
  const v = readPath(obj, path);
  return typeof v === 'number' && Number.isInteger(v) ? v : 0;
}

/**
 * The Scale view of an object. The selector path names a LabelSelector object for built-in
 * kinds and a string for custom resources; both end up as the selector's string form.
 */
export function scaleOf(obj: KubeObject, sub: ScaleSubresource): Scale {
  const rawSelector = sub.labelSelectorPath ? readPath(obj, sub.labelSelectorPath) : undefined;
  const selector = typeof rawSelector === 'string' ? rawSelector : rawSelector !== undefined ? labelSelectorString(rawSelector) ?? '' : '';
  const specReplicas = replicasAt(obj, sub.specReplicasPath);
  const m = obj.metadata;
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: {
      ...(m.name !== undefined ? { name: m.name } : {}),
      ...(m.namespace !== undefined ? { namespace: m.namespace } : {}),
      ...(m.uid !== undefined ? { uid: m.uid } : {}),
      ...(m.resourceVersion !== undefined ? { resourceVersion: m.resourceVersion } : {}),
      ...(m.creationTimestamp !== undefined ? { creationTimestamp: m.creationTimestamp } : {}),
    },
    // autoscaling/v1 ScaleSpec.replicas is omitempty: zero is left out.
    spec: specReplicas !== 0 ? { replicas: specReplicas } : {},
    status: { replicas: replicasAt(obj, sub.statusReplicasPath), ...(selector !== '' ? { selector } : {}) },
  };
}

/** ValidateScale: `spec.replicas` must be a non-negative integer. */
function validateScale(name: string, scale: unknown): number {
  const spec = (scale as { spec?: unknown } | null)?.spec;
  const replicas = spec === undefined || spec === null ? 0 : (spec as { replicas?: unknown }).replicas ?? 0;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas)) {
    throw invalid(SCALE_KIND, name, [{ type: 'FieldValueInvalid', field: 'spec.replicas', value: replicas, detail: 'must be an integer' }]);
  }
  if (replicas < 0) throw invalid(SCALE_KIND, name, [{ type: 'FieldValueInvalid', field: 'spec.replicas', value: replicas, detail: 'must be greater than or equal to 0' }]);
  return replicas;
}

function checkScaleIdentity(t: Target, scale: unknown): void {
  if (typeof scale !== 'object' || scale === null || Array.isArray(scale)) throw badRequest('the request body must be a JSON object');
  const s = scale as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } };
  if (s.kind !== undefined && s.kind !== 'Scale') throw badRequest(`the kind in the data (${String(s.kind)}) does not match the expected kind (Scale)`);
  if (s.apiVersion !== undefined && s.apiVersion !== 'autoscaling/v1') throw badRequest(`the API version in the data (${String(s.apiVersion)}) does not match the expected API version (autoscaling/v1)`);
  const name = s.metadata?.name;
  if (name !== undefined && name !== '' && name !== t.name) throw badRequest(`the name of the object (${String(name)}) does not match the name on the URL (${t.name})`);
}

export class ScaleService {
  readonly #objects: ObjectService;

  constructor(objects: ObjectService) {
    this.#objects = objects;
  }

  async get(t: Target): Promise<Scale> {
    return scaleOf(await this.#objects.get(t), this.#sub(t));
  }

  /** PUT: the body is a Scale; its resourceVersion, when set, must be the object's. */
  async update(t: Target, body: unknown, opts: WriteOptions, ctx: RequestContext): Promise<Scale> {
    checkScaleIdentity(t, body);
    const replicas = validateScale(t.name!, body);
    const rv = (body as { metadata?: { resourceVersion?: unknown } }).metadata?.resourceVersion;
    return this.#write(t, () => ({ replicas, ...(typeof rv === 'string' && rv !== '' ? { resourceVersion: rv } : {}) }), opts, ctx);
  }

  /** PATCH: the patch applies to the current Scale, and the result is written as by PUT. */
  async patch(t: Target, type: PatchType, patch: unknown, opts: WriteOptions, ctx: RequestContext): Promise<Scale> {
    if (type === 'apply') {
      throw new SkiffError('SKF_API_UNSUPPORTED_MEDIA_TYPE', 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json');
    }
    if (type !== 'json' && (typeof patch !== 'object' || patch === null || Array.isArray(patch))) throw new SkiffError('SKF_API_BAD_PATCH', 'the patch is not a JSON object');
    return this.#write(t, (current) => {
      const before = scaleOf(current, this.#sub(t)) as unknown as JsonValue;
      // Scale has no lists, so a strategic merge patch is a merge patch once its directives are gone.
      const patched = type === 'json' ? applyJsonPatch(before, patch) : applyMergePatch(before, (type === 'strategic' ? stripPatchDirectives(patch as JsonValue) ?? {} : patch) as JsonValue);
      checkScaleIdentity(t, patched);
      const replicas = validateScale(t.name!, patched);
      const rv = (patched as { metadata?: { resourceVersion?: unknown } }).metadata?.resourceVersion;
      return { replicas, ...(typeof rv === 'string' && rv !== '' && rv !== current.metadata.resourceVersion ? { resourceVersion: rv } : {}) };
    }, opts, ctx);
  }

  async #write(t: Target, desired: (current: KubeObject) => { replicas: number; resourceVersion?: string }, opts: WriteOptions, ctx: RequestContext): Promise<Scale> {
    const sub = this.#sub(t);
    const written = await this.#objects.updateWith(t, (current) => {
      const want = desired(current);
      const next = cloneJson(current);
      writePath(next as unknown as Record<string, unknown>, sub.specReplicasPath, want.replicas);
      // A resourceVersion in the result is a precondition (updateWith checks it).
      if (want.resourceVersion !== undefined) next.metadata.resourceVersion = want.resourceVersion;
      return next;
    }, opts, ctx);
    return scaleOf(written, sub);
  }

  #sub(t: Target): ScaleSubresource {
    const sub = t.def.subresources.scale;
    if (!sub) throw notFound(t.def, t.name ?? '');
    return sub;
  }
}
