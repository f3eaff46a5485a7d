/**
 * Writing the objects a controller owns, level-triggered: create what is missing,
 * update what drifted from the desired state, leave alone what already says it.
 *
 * "Already says it" means the desired object is contained in the live one (every field
 * the controller sets has that value; fields the API server defaulted or allocated are
 * not drift), so a converged reconcile writes nothing and causes no watch events.
 */
import type { KubeObject } from '../../api/object.ts';
import type { Client, TypeRef } from '../../client/types.ts';
import { isSkiffError } from '../../errors/skiff-error.ts';

export type EnsureResult = 'created' | 'updated' | 'unchanged';

/** True when every field of `desired` has the same value in `live` (lists compared item by item, same length). */
export function contains(live: unknown, desired: unknown): boolean {
  if (Array.isArray(desired)) {
    return Array.isArray(live) && live.length === desired.length && desired.every((d, i) => contains(live[i], d));
  }
  if (desired !== null && typeof desired === 'object') {
    if (live === null || typeof live !== 'object' || Array.isArray(live)) return false;
    return Object.entries(desired as Record<string, unknown>).every(([k, v]) => contains((live as Record<string, unknown>)[k], v));
  }
  return live === desired;
}

/** The live object with the desired fields laid over it (labels and annotations merged, other top-level fields replaced). */
export function overlay(live: KubeObject, desired: KubeObject): KubeObject {
  const next: KubeObject = { ...live, metadata: { ...live.metadata } };
  const meta = desired.metadata;
  if (meta.labels) next.metadata.labels = { ...(live.metadata.labels ?? {}), ...meta.labels };
  if (meta.annotations) next.metadata.annotations = { ...(live.metadata.annotations ?? {}), ...meta.annotations };
  if (meta.ownerReferences) next.metadata.ownerReferences = meta.ownerReferences;
  for (const [field, value] of Object.entries(desired)) {
    if (field !== 'metadata' && field !== 'apiVersion' && field !== 'kind' && field !== 'status') next[field] = value;
  }
  return keepAllocated(live, next);
}

/**
 * Keeps what the API server allocated and the desired object leaves unset: a Service's
 * cluster IPs and node ports (matched by port number and protocol).
 */
function keepAllocated(live: KubeObject, next: KubeObject): KubeObject {
  if (live.kind !== 'Service') return next;
  const liveSpec = (live.spec ?? {}) as { clusterIP?: string; clusterIPs?: string[]; ports?: Array<{ port?: number; protocol?: string; nodePort?: number }> };
  const spec = { ...((next.spec ?? {}) as Record<string, unknown>) } as typeof liveSpec & { type?: string };
  if (spec.clusterIP === undefined && liveSpec.clusterIP !== undefined) spec.clusterIP = liveSpec.clusterIP;
  if (spec.clusterIPs === undefined && liveSpec.clusterIPs !== undefined) spec.clusterIPs = liveSpec.clusterIPs;
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
    spec.ports = (spec.ports ?? []).map((p) => {
      if (p.nodePort !== undefined) return p;
      const old = liveSpec.ports?.find((o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
      return old?.nodePort !== undefined ? { ...p, nodePort: old.nodePort } : p;
    });
  }
  return { ...next, spec };
}

function desiredFieldsHeld(live: KubeObject, desired: KubeObject): boolean {
  const { metadata, apiVersion: _a, kind: _k, status: _s, ...rest } = desired;
  return contains(live.metadata.labels ?? {}, metadata.labels ?? {}) &&
    contains(live.metadata.annotations ?? {}, metadata.annotations ?? {}) &&
    (metadata.ownerReferences === undefined || contains(live.metadata.ownerReferences ?? [], metadata.ownerReferences)) &&
    contains(live, rest);
}

/** Creates the object, or updates the live one when it lacks any desired field. */
export async function ensureObject(client: Client, desired: KubeObject): Promise<EnsureResult> {
  const { namespace, name } = desired.metadata;
  const live = await client.get(desired, namespace, name!);
  if (!live) {
    try {
      await client.create(desired);
      return 'created';
    } catch (err) {
      if (!isSkiffError(err, 'SKF_API_ALREADY_EXISTS')) throw err;
      return ensureObject(client, desired);
    }
  }
  if (desiredFieldsHeld(live, desired)) return 'unchanged';
  await client.update(overlay(live, desired));
  return 'updated';
}

/** Deep equality of JSON values, whatever the key order. */
export function sameJson(a: unknown, b: unknown): boolean {
  return contains(a, b) && contains(b, a);
}

export async function deleteIfPresent(client: Client, type: TypeRef, namespace: string | undefined, name: string): Promise<boolean> {
  try {
    await client.delete(type, namespace, name);
    return true;
  } catch (err) {
    if (isSkiffError(err, 'SKF_API_NOT_FOUND')) return false;
    throw err;
  }
}

/** Writes `status` through the status subresource unless the object already carries it. */
export async function writeStatus<T extends KubeObject>(client: Client, obj: T, status: Record<string, unknown>): Promise<boolean> {
  if (sameJson(obj.status ?? {}, status)) return false;
  try {
    await client.updateStatus({ ...obj, status });
  } catch (err) {
    if (isSkiffError(err, 'SKF_API_NOT_FOUND')) return false;
    throw err;
  }
  return true;
}
