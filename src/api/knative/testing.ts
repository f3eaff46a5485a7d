/**
 * Test helpers for Knative admission: run a kind's hooks the way the API server does and
 * return the denial message (or undefined).
 */
import type { KindDefinition } from '../kind.ts';
import type { KubeObject } from '../object.ts';
import type { KnativeAdmissionContext } from './admission.ts';
import { KnativeValidationError } from './admission-error.ts';
import { knativeKinds } from './index.ts';

const kinds = knativeKinds();

export function kindOf(kind: string, group: string): KindDefinition {
  const def = kinds.find((k) => k.kind === kind && k.group === group);
  if (!def) throw new Error(`no kind ${kind}.${group}`);
  return def;
}

export function kindFor(obj: KubeObject): KindDefinition {
  return kindOf(obj.kind, obj.apiVersion.split('/')[0]!);
}

/** Defaults (with ctx), then validates; the denial message, or undefined when admitted. */
export function admitMessage(obj: KubeObject, ctx: KnativeAdmissionContext = { operation: 'create' }, withDefaults = true): string | undefined {
  const def = kindFor(obj);
  if (withDefaults) (def.defaults as ((o: KubeObject, c: KnativeAdmissionContext) => void) | undefined)?.(obj, ctx);
  try {
    def.validate?.(obj, ctx);
    return undefined;
  } catch (e) {
    if (e instanceof KnativeValidationError) return e.message;
    throw e;
  }
}

export function defaulted(obj: KubeObject, ctx: KnativeAdmissionContext = { operation: 'create' }): KubeObject {
  (kindFor(obj).defaults as ((o: KubeObject, c: KnativeAdmissionContext) => void) | undefined)?.(obj, ctx);
  return obj;
}
