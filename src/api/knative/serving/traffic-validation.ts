/**
 * Validation of a traffic block (knative/serving route_validation.go), used by Route and, with
 * an implicit configuration name, by Service: percentages within 0..100 summing to 100, tags
 * that are unique DNS-1035 labels, revisionName/configurationName exclusivity, the sense of
 * latestRevision, and `url` only in status.
 */
import type { KnFieldError } from '../field-error.ts';
import { CURRENT_FIELD, goQuote, goValue, kn, NONE } from '../field-errors.ts';
import type { Json } from '../util/json.ts';
import { isObject, str } from '../util/json.ts';
import { isDns1035Label, isQualifiedName } from '../util/k8s-names.ts';

export interface TrafficContext {
  /** Within a Service the configuration is implied (and configurationName is not allowed). */
  defaultConfigurationName: boolean;
  /** Spec traffic (true) or status traffic (false). */
  inSpec: boolean;
}

function validateTarget(tt: Json, ctx: TrafficContext): KnFieldError {
  let errs = NONE;
  const revisionName = str(tt, 'revisionName');
  const configurationName = str(tt, 'configurationName');
  const tag = str(tt, 'tag');
  if (ctx.inSpec && typeof tt.latestRevision === 'boolean') {
    const pinned = revisionName !== '';
    if (pinned === tt.latestRevision) {
      errs = kn.generic(`may not set revisionName ${goQuote(revisionName)} when latestRevision is ${tt.latestRevision}`, 'latestRevision');
    }
  }
  if (ctx.defaultConfigurationName && configurationName !== '') {
    errs = errs.also(kn.disallowedFields('configurationName'));
  } else if (revisionName !== '' && configurationName !== '') {
    errs = errs.also(kn.multipleOneOf('revisionName', 'configurationName'));
  } else if (revisionName !== '') {
    const el = isQualifiedName(revisionName);
    if (el.length > 0) errs = errs.also(kn.invalidKeyName(revisionName, 'revisionName', ...el));
  } else if (!ctx.inSpec) {
    errs = errs.also(kn.missingField('revisionName'));
  } else if (configurationName !== '') {
    const el = isQualifiedName(configurationName);
    if (el.length > 0) errs = errs.also(kn.invalidKeyName(configurationName, 'configurationName', ...el));
  } else if (!ctx.defaultConfigurationName) {
    errs = errs.also(kn.missingOneOf('revisionName', 'configurationName'));
  }
  if (typeof tt.percent === 'number' && (tt.percent < 0 || tt.percent > 100)) {
    errs = errs.also(kn.outOfBounds(tt.percent, 0, 100, 'percent'));
  }
  const url = str(tt, 'url');
  if (url !== '') {
    if (ctx.inSpec) errs = errs.also(kn.disallowedFields('url'));
    if (tag === '') errs = errs.also(kn.disallowedFields('url'));
  } else if (tag !== '' && !ctx.inSpec) {
    errs = errs.also(kn.missingField('url'));
  }
  return errs;
}

/** validateTrafficList (paths relative to the traffic list). */
export function validateTraffic(traffic: unknown[], ctx: TrafficContext): KnFieldError {
  let errs = NONE;
  const tagIndex = new Map<string, number>();
  let sum = 0;
  traffic.forEach((item, i) => {
    const tt = isObject(item) ? item : {};
    errs = errs.also(validateTarget(tt, ctx).viaIndex(i));
    if (typeof tt.percent === 'number') sum += tt.percent;
    const tag = str(tt, 'tag');
    if (tag === '') return;
    const msgs = isDns1035Label(tag);
    if (msgs.length > 0) errs = errs.also(kn.invalidArrayValue(`not a DNS 1035 label: ${goValue(msgs)}`, 'tag', i));
    const first = tagIndex.get(tag);
    if (first !== undefined) {
      // A tag names one route; a second definition is an error even for the same target.
      errs = errs.also(kn.make(`Multiple definitions for ${goQuote(tag)}`, [`[${i}].tag`, `[${first}].tag`]));
    } else {
      tagIndex.set(tag, i);
    }
  });
  if (sum !== 100) errs = errs.also(kn.make(`Traffic targets sum to ${sum}, want 100`, [CURRENT_FIELD]));
  return errs;
}
