/**
 * What a Pod update may change (core validation.go ValidatePodUpdate): container images,
 * activeDeadlineSeconds (only downwards), added tolerations, removed scheduling gates, and a
 * negative grace period set to 1. Anything else is `spec: Forbidden: pod updates may not
 * change fields other than …`, followed by what differs.
 */
import { fieldErr, type FieldError } from '../../field-error.ts';
import { inclusiveRangeError } from '../util/names.ts';
import { isNil, num, obj, objs, str, type Obj } from '../util/obj.ts';
import { jsonEqual } from '../../../util/json-equal.ts';

const UPDATABLE = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

function containerUpdates(next: unknown, prev: unknown, path: string): { errs: FieldError[]; stop: boolean } {
  const n = objs(next);
  if (n.length !== objs(prev).length) return { errs: [fieldErr.forbidden(path, 'pod updates may not add or remove containers')], stop: true };
  const errs: FieldError[] = [];
  n.forEach((c, i) => {
    const image = str(c.image);
    if (image === '') errs.push(fieldErr.required(`${path}[${i}].image`));
    if (image.trim() !== image) errs.push(fieldErr.invalid(`${path}[${i}].image`, image, 'must not have leading or trailing whitespace'));
  });
  return { errs, stop: false };
}

/** The fields of the spec that differ, each as `-old` / `+new` JSON lines (in place of Go's cmp.Diff). */
function describeDiff(prev: Obj, next: Obj): string {
  const keys = [...new Set([...Object.keys(prev), ...Object.keys(next)])].sort();
  return keys.filter((k) => !jsonEqual(prev[k], next[k]))
    .map((k) => `  - ${k}: ${JSON.stringify(prev[k] ?? null)}\n  + ${k}: ${JSON.stringify(next[k] ?? null)}`)
    .join('\n');
}

export function validatePodUpdate(pod: Obj, old: Obj): FieldError[] {
  const spec = obj(pod.spec);
  const oldSpec = obj(old.spec);
  const errs: FieldError[] = [];
  for (const list of ['containers', 'initContainers'] as const) {
    const r = containerUpdates(spec[list], oldSpec[list], `spec.${list}`);
    errs.push(...r.errs);
    if (r.stop) return errs;
  }
  const deadline = num(spec.activeDeadlineSeconds);
  const oldDeadline = num(oldSpec.activeDeadlineSeconds);
  if (deadline !== undefined) {
    if (deadline < 0 || deadline > 2147483647) return [...errs, fieldErr.invalid('spec.activeDeadlineSeconds', deadline, inclusiveRangeError(0, 2147483647))];
    if (oldDeadline !== undefined && oldDeadline < deadline) return [...errs, fieldErr.invalid('spec.activeDeadlineSeconds', deadline, 'must be less than or equal to previous value')];
  } else if (oldDeadline !== undefined) {
    errs.push(fieldErr.invalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'));
  }
  const tolerations = objs(spec.tolerations);
  for (const prev of objs(oldSpec.tolerations)) {
    const kept = tolerations.some((t) => jsonEqual({ ...prev, tolerationSeconds: t.tolerationSeconds }, t));
    if (!kept) {
      errs.push(fieldErr.forbidden('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds'));
      break;
    }
  }
  const oldGates = new Set(objs(oldSpec.schedulingGates).map((g) => str(g.name)));
  objs(spec.schedulingGates).forEach((g, i) => {
    if (!oldGates.has(str(g.name))) errs.push(fieldErr.forbidden(`spec.schedulingGates[${i}].name`, `only deletion is allowed, but found new scheduling gate '${str(g.name)}'`));
  });
  if (jsonEqual(spec, oldSpec)) return errs;

  // Replace what may change by the old values; whatever still differs was not allowed to.
  const munged: Obj = { ...spec };
  for (const list of ['containers', 'initContainers'] as const) {
    if (!isNil(spec[list])) munged[list] = objs(spec[list]).map((c, i) => ({ ...c, image: objs(oldSpec[list])[i]?.image }));
  }
  const restore = (key: string): void => {
    if (oldSpec[key] === undefined) delete munged[key];
    else munged[key] = oldSpec[key];
  };
  restore('activeDeadlineSeconds');
  restore('schedulingGates');
  restore('tolerations');
  const oldGrace = num(oldSpec.terminationGracePeriodSeconds);
  if (oldGrace !== undefined && oldGrace < 0 && num(munged.terminationGracePeriodSeconds) === 1) munged.terminationGracePeriodSeconds = oldGrace;
  if (!jsonEqual(munged, oldSpec)) {
    errs.push(fieldErr.forbidden('spec', `pod updates may not change fields other than ${UPDATABLE.join(',')}\n${describeDiff(oldSpec, munged)}`));
  }
  return errs;
}
