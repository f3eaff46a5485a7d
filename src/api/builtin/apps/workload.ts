/**
 * What Deployments and ReplicaSets share (apps validation.go, apps/v1 defaults.go): a
 * required, non-empty selector that matches the pod template's labels and cannot change
 * under apps/v1, replica counts, the template defaulted like a pod spec, the container
 * cells of the wide table.
 */
import { fieldErr, type FieldError } from '../../field-error.ts';
import { defaultPodSpec } from '../core/pod-spec-defaults.ts';
import { nonNegative } from '../core/container-validation.ts';
import { validateWorkloadTemplate } from '../core/pod-spec-validation.ts';
import { labelSelectorString, selectorIsEmpty, selectorMatches, validateLabelSelector } from '../util/labels.ts';
import { ensureObj, isNil, isObj, num, obj, strMap, type Obj } from '../util/obj.ts';
import { goLabelSelector, goStringMap } from '../util/go-values.ts';
import { jsonEqual } from '../../../util/json-equal.ts';

/** SetDefaults for a workload: replicas 1 and the template's pod spec. */
export function defaultWorkload(o: Obj): Obj {
  const spec = ensureObj(o, 'spec');
  if (isNil(spec.replicas)) spec.replicas = 1;
  const template = spec.template;
  if (isObj(template)) defaultPodSpec(ensureObj(template, 'spec'));
  return spec;
}

export function validateSelectorAndTemplate(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const selector = spec.selector;
  if (!isObj(selector)) {
    errs.push(fieldErr.required('spec.selector'));
  } else {
    errs.push(...validateLabelSelector(selector, 'spec.selector'));
    if (selectorIsEmpty(selector)) errs.push(fieldErr.invalid('spec.selector', goLabelSelector(selector), 'empty selector is invalid for deployment'));
  }
  if (isObj(selector) && labelSelectorString(selector) === undefined) {
    errs.push(fieldErr.invalid('spec.selector', goLabelSelector(selector), 'invalid label selector'));
    return errs;
  }
  const template = obj(spec.template);
  const labels = strMap(obj(template.metadata).labels);
  // A nil selector selects nothing, so it never matches the template either (both errors show).
  const matchesEverything = isObj(selector) && selectorIsEmpty(selector);
  if (!matchesEverything && !selectorMatches(selector, labels)) {
    errs.push(fieldErr.invalid('spec.template.metadata.labels', goStringMap(obj(template.metadata).labels), '`selector` does not match template `labels`'));
  }
  errs.push(...validateWorkloadTemplate(spec.template, 'spec.template'));
  return errs;
}

/** apps/v1 forbids changing the selector (extensions/v1beta1 allowed it). */
export function selectorImmutable(spec: Obj, oldSpec: Obj): FieldError[] {
  return jsonEqual(spec.selector ?? null, oldSpec.selector ?? null) ? [] : [fieldErr.invalid('spec.selector', isObj(spec.selector) ? goLabelSelector(spec.selector) : null, 'field is immutable')];
}

/** Status counters of a ReplicaSet (ValidateReplicaSetStatus); Deployments add theirs. */
export function validateReplicaCounts(status: Obj, fields: readonly string[]): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of fields) errs.push(...nonNegative(status[f], `status.${f}`));
  const replicas = num(status.replicas) ?? 0;
  for (const f of ['updatedReplicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas']) {
    if (!fields.includes(f)) continue;
    const v = num(status[f]) ?? 0;
    if (v > replicas) errs.push(fieldErr.invalid(`status.${f}`, v, 'cannot be greater than status.replicas'));
  }
  const available = num(status.availableReplicas) ?? 0;
  const ready = num(status.readyReplicas) ?? 0;
  if (fields.includes('readyReplicas') && available > ready) errs.push(fieldErr.invalid('status.availableReplicas', available, 'cannot be greater than readyReplicas'));
  return errs;
}
