/**
 * Metadata rules shared by the serving kinds: knative.dev/pkg's ValidateObjectMetadata (names
 * are DNS-1035 labels), serving's checks that autoscaling annotations sit only on revisions and
 * templates, the rollout-duration annotation, and the creator/lastModifier annotations that the
 * defaulting webhook writes and the validating webhook protects.
 */
import type { KubeObject, ObjectMeta } from '../../object.ts';
import type { AutoscalerDefaults } from '../config.ts';
import type { KnFieldError } from '../field-error.ts';
import { CURRENT_FIELD, goValue, kn, NONE } from '../field-errors.ts';
import { parseGoDuration, SECOND } from '../../schema/go-duration.ts';
import { semanticEqual } from '../util/json.ts';
import { nameIsDns1035Label } from '../util/k8s-names.ts';
import { validateAutoscalingAnnotations } from './autoscaling-annotations.ts';
import { AUTOSCALING_GROUP, lookup, SERVING_GROUP, ServingAnnotations } from './keys.ts';

/** knative.dev/pkg apis.ValidateObjectMetadata (paths relative to metadata). */
export function validateKnativeName(meta: ObjectMeta): KnFieldError {
  const name = meta.name ?? '';
  const generateName = meta.generateName ?? '';
  if (generateName !== '') {
    const msgs = nameIsDns1035Label(generateName, true);
    if (msgs.length > 0) return kn.make(`not a DNS 1035 label prefix: ${goValue(msgs)}`, ['generateName']);
  }
  if (name !== '') {
    const msgs = nameIsDns1035Label(name, false);
    if (msgs.length > 0) return kn.make(`not a DNS 1035 label: ${goValue(msgs)}`, ['name']);
  }
  if (name === '' && generateName === '') return kn.make('name or generateName is required', ['name']);
  return NONE;
}

/** Serving's ValidateObjectMetadata: name rules plus the autoscaling-annotation rule. */
export function validateServingMetadata(meta: ObjectMeta, allowAutoscaling: boolean, autoscaler: AutoscalerDefaults): KnFieldError {
  const annotations = meta.annotations ?? {};
  const annotationErrs = allowAutoscaling ? validateAutoscalingAnnotations(autoscaler, annotations) : hasNoAutoscalingAnnotation(annotations);
  return validateKnativeName(meta).also(annotationErrs.via('annotations'));
}

export function hasNoAutoscalingAnnotation(annotations: Readonly<Record<string, string>>): KnFieldError {
  let errs = NONE;
  for (const key of Object.keys(annotations)) {
    if (key.startsWith(AUTOSCALING_GROUP)) {
      errs = errs.also(kn.invalidKeyName(key, CURRENT_FIELD, 'autoscaling annotations must be put under "spec.template.metadata.annotations" to work'));
    }
  }
  return errs;
}

/** A Go duration annotation that must be whole seconds and not negative (`<what>=<v> …`). */
function validateSecondsAnnotation(annotations: Readonly<Record<string, string>>, keys: readonly string[], what: string): KnFieldError {
  const { key, value } = lookup(annotations, keys);
  if (value === '') return NONE;
  const d = parseGoDuration(value);
  if (d === undefined) return kn.invalidValue(value, key);
  if (d % SECOND !== 0n) return kn.make(`${what}=${value} is not at second precision`, [key]);
  if (d < 0n) return kn.make(`${what}=${value} must be positive`, [key]);
  return NONE;
}

export function validateRolloutDuration(annotations: Readonly<Record<string, string>>): KnFieldError {
  return validateSecondsAnnotation(annotations, ServingAnnotations.rolloutDuration, 'rollout-duration');
}

export function validateProgressDeadline(annotations: Readonly<Record<string, string>>): KnFieldError {
  return validateSecondsAnnotation(annotations, ServingAnnotations.progressDeadline, 'progress-deadline');
}

/** knative.dev/pkg apis.ValidateCreatorAndModifier (paths are the annotation keys). */
export function validateCreatorAndModifier(oldSpec: unknown, newSpec: unknown, oldAnn: Readonly<Record<string, string>>, newAnn: Readonly<Record<string, string>>): KnFieldError {
  let errs = NONE;
  const creator = ServingAnnotations.creator;
  const modifier = ServingAnnotations.lastModifier;
  if (oldAnn[creator] !== newAnn[creator]) errs = errs.also(kn.make('annotation value is immutable', [creator]));
  if (semanticEqual(oldSpec, newSpec) && oldAnn[modifier] !== newAnn[modifier]) errs = errs.also(kn.invalidValue(newAnn[modifier] ?? '', modifier));
  return errs;
}

/**
 * serving.SetUserInfo: on create the user becomes creator and lastModifier; on an update that
 * changes the spec, lastModifier. Nothing happens when the user is unknown.
 */
export function setUserInfo(obj: KubeObject, user: string | undefined, oldSpec: unknown, newSpec: unknown, isUpdate: boolean): void {
  if (user === undefined) return;
  const annotations = (obj.metadata.annotations ??= {});
  if (isUpdate) {
    if (semanticEqual(oldSpec, newSpec)) return;
    annotations[ServingAnnotations.lastModifier] = user;
  } else {
    annotations[ServingAnnotations.creator] = user;
    annotations[ServingAnnotations.lastModifier] = user;
  }
}

/** Knative's verifyLabelOwnerRef: a `serving.knative.dev/<kind>` label must name an owner. */
export function verifyLabelOwnerRef(meta: ObjectMeta, label: string, kind: string): KnFieldError {
  const value = meta.labels?.[label];
  if (value === undefined) return NONE;
  const owned = (meta.ownerReferences ?? []).some((r) => r.kind === kind && r.name === value);
  return owned ? NONE : kn.missingField(label);
}

export { SERVING_GROUP };
