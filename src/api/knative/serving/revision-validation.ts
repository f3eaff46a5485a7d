/**
 * Validation of revision specs and revision templates (knative/serving
 * pkg/apis/serving/v1/revision_validation.go): timeoutSeconds within max-revision-timeout,
 * containerConcurrency within 0..container-concurrency-max-limit, template names that must be
 * DNS-1035 labels prefixed with `<parent>-`, the autoscaling and queue-proxy annotations, and
 * the rule that a BYO revision name must change whenever the template does.
 */
import type { ObjectMeta } from '../../object.ts';
import type { KnativeConfig } from '../config.ts';
import type { KnFieldError } from '../field-error.ts';
import { CURRENT_FIELD, goQuote, goValue, kn, NONE } from '../field-errors.ts';
import { goFloat, parseGoFloat } from '../util/go-strconv.ts';
import type { Json } from '../util/json.ts';
import { isObject, obj, semanticEqual, str, stringMap } from '../util/json.ts';
import { nameIsDns1035Label } from '../util/k8s-names.ts';
import { shortDiff } from '../util/short-diff.ts';
import { validateAutoscalingAnnotations } from './autoscaling-annotations.ts';
import { lookup, ServingAnnotations } from './keys.ts';
import { validateProgressDeadline } from './metadata.ts';
import { validatePodSpec } from './podspec-validation.ts';

const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?\d+)?$/;

export function validateContainerConcurrency(value: unknown, config: KnativeConfig): KnFieldError {
  if (typeof value !== 'number') return NONE;
  const d = config.serving.defaults;
  const min = d.allowContainerConcurrencyZero ? 0 : 1;
  if (value < min || value > d.containerConcurrencyMaxLimit) return kn.outOfBounds(value, min, d.containerConcurrencyMaxLimit, CURRENT_FIELD);
  return NONE;
}

function validateTimeoutSeconds(value: unknown, config: KnativeConfig): KnFieldError {
  if (typeof value !== 'number' || value === 0) return NONE;
  const max = config.serving.defaults.maxRevisionTimeoutSeconds;
  if (value > max || value < 0) return kn.outOfBounds(value, 0, max, 'timeoutSeconds');
  return NONE;
}

/** RevisionSpec.Validate (paths relative to the spec). */
export function validateRevisionSpec(spec: Json, config: KnativeConfig): KnFieldError {
  return validatePodSpec(spec, config.serving.features)
    .also(validateTimeoutSeconds(spec.timeoutSeconds, config))
    .also(validateContainerConcurrency(spec.containerConcurrency, config).via('containerConcurrency'));
}

function validateQueueSidecarAnnotations(annotations: Readonly<Record<string, string>>): KnFieldError {
  let errs = NONE;
  const pct = lookup(annotations, ServingAnnotations.queueSidecarResourcePercentage);
  if (pct.found) {
    errs = kn.generic('Queue proxy resource percentage annotation is deprecated. Please use the available annotations to explicitly set resource values per service').viaKey(pct.key).at('Warning');
    const v = parseGoFloat(pct.value);
    if (v === undefined) errs = errs.also(kn.invalidValue(pct.value, CURRENT_FIELD).viaKey(pct.key));
    else if (v < 0.1 || v > 100) errs = errs.also(kn.outOfBounds(goFloat(v), goFloat(0.1), goFloat(100), CURRENT_FIELD).viaKey(pct.key));
  }
  for (const key of ServingAnnotations.queueSidecarResources) {
    const v = annotations[key];
    if (v !== undefined && !QUANTITY.test(v)) errs = errs.also(kn.invalidValue(v, CURRENT_FIELD).viaKey(key));
  }
  return errs;
}

function validateRevisionName(name: string, generateName: string, parent: ObjectMeta | undefined): KnFieldError {
  if (generateName !== '') {
    const msgs = nameIsDns1035Label(generateName, true);
    if (msgs.length > 0) return kn.invalidValue(`not a DNS 1035 label prefix: ${goValue(msgs)}`, 'metadata.generateName');
  }
  if (name === '') return NONE;
  const msgs = nameIsDns1035Label(name, false);
  if (msgs.length > 0) return kn.invalidValue(`not a DNS 1035 label: ${goValue(msgs)}`, 'metadata.name');
  const parentName = parent?.name ?? '';
  // A parent created with generateName has no name to prefix with yet.
  if (parentName === '' && (parent?.generateName ?? '') !== '') return kn.disallowedFields('metadata.name');
  const prefix = `${parentName}-`;
  if (!name.startsWith(prefix)) return kn.invalidValue(`${goQuote(name)} must have prefix ${goQuote(prefix)}`, 'metadata.name');
  return NONE;
}

/** RevisionTemplateSpec.Validate (paths relative to the template). */
export function validateRevisionTemplate(template: Json, parent: ObjectMeta | undefined, config: KnativeConfig): KnFieldError {
  const meta = obj(template, 'metadata') ?? {};
  const annotations = stringMap(meta, 'annotations');
  return validateRevisionSpec(obj(template, 'spec') ?? {}, config).via('spec')
    .also(validateAutoscalingAnnotations(config.serving.autoscaler, annotations).via('metadata.annotations'))
    .also(validateRevisionName(str(meta, 'name'), str(meta, 'generateName'), parent))
    .also(validateQueueSidecarAnnotations(annotations).via('metadata.annotations'))
    .also(validateProgressDeadline(annotations).via('metadata.annotations'));
}

/**
 * VerifyNameChange: with a BYO revision name, the template may change only together with the
 * name (each name is one immutable Revision).
 */
export function verifyTemplateNameChange(template: unknown, oldTemplate: unknown): KnFieldError {
  const name = str(obj(template, 'metadata'), 'name');
  if (name === '' || name !== str(obj(oldTemplate, 'metadata'), 'name')) return NONE;
  if (semanticEqual(oldTemplate, template)) return NONE;
  const diff = shortDiff(isObject(oldTemplate) ? oldTemplate : {}, isObject(template) ? template : {}, { rootType: '*v1.RevisionTemplateSpec' });
  return kn.make('Saw the following changes without a name change (-old +new)', ['metadata.name'], diff);
}

/** The details of a Revision's "Immutable fields changed" error. */
export function revisionSpecDiff(oldSpec: unknown, newSpec: unknown): string {
  const podSpecFields = new Set(['containerConcurrency', 'timeoutSeconds', 'responseStartTimeoutSeconds', 'idleTimeoutSeconds']);
  return shortDiff(oldSpec, newSpec, { rootType: 'v1.RevisionSpec', inlined: (f) => (podSpecFields.has(f) ? undefined : 'PodSpec') });
}
