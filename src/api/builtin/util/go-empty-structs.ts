/**
 * Go's JSON encoder writes a non-pointer struct field even when it is empty (`omitempty`
 * does not apply to structs), so kube-apiserver answers a fresh Service with
 * `status: {loadBalancer: {}}` and a fresh Deployment with `status: {}`. Built-in kinds
 * declare the shape of their always-present structs here and get them filled in by their
 * defaulting, on create and on every later write, as decoding into the Go type would.
 */
import type { KindDefinition } from '../../kind.ts';
import type { KubeObject } from '../../object.ts';

/**
 * Fields that are always encoded: a nested shape for a struct, or the zero value of a
 * scalar without `omitempty` (ReplicaSetStatus.replicas is encoded as 0).
 */
export interface StructShape {
  readonly [field: string]: StructShape | number | string | boolean;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Adds every struct of `shape` that `target` lacks (absent or null); present values are kept. */
export function fillEmptyStructs(target: Record<string, unknown>, shape: StructShape): void {
  for (const [field, inner] of Object.entries(shape)) {
    const value = target[field];
    if (typeof inner !== 'object') {
      if (value === undefined || value === null) target[field] = inner;
      continue;
    }
    if (value === undefined || value === null) target[field] = {};
    const filled = target[field];
    if (isPlainObject(filled)) fillEmptyStructs(filled, inner);
  }
}

/** The kind, with `status` (and the structs inside it) always present, as Go encodes it. */
export function withEmptyStatus(def: KindDefinition, statusShape: StructShape): KindDefinition {
  const ownDefaults = def.defaults;
  return {
    ...def,
    defaults(obj: KubeObject, ctx) {
      ownDefaults?.(obj, ctx);
      fillEmptyStructs(obj as Record<string, unknown>, { status: statusShape });
    },
  };
}
