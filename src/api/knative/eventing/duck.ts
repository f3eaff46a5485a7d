/**
 * Knative's duck types shared by eventing kinds (and DomainMapping's ref): KReference,
 * Destination (a sink: `ref` and/or `uri`) and DeliverySpec, with their validation and
 * defaulting as knative.dev/pkg apis/duck/v1 and knative/eventing pkg/apis/duck/v1 write them.
 */
import { X509Certificate } from 'node:crypto';
import type { EventingConfig } from '../config.ts';
import type { KnFieldError } from '../field-error.ts';
import { goQuote, kn, NONE } from '../field-errors.ts';
import type { Json } from '../util/json.ts';
import { has, isObject, obj, str } from '../util/json.ts';
import { parseIsoDuration } from '../util/iso8601.ts';

export interface RefContext {
  /** Namespace of the object holding the reference; '' when Knative has no parent in context. */
  parentNamespace: string;
  allowDifferentNamespace: boolean;
  /** The `kreference-group` feature: `group` may replace `apiVersion`. */
  allowGroup: boolean;
}

export const NO_PARENT: RefContext = { parentNamespace: '', allowDifferentNamespace: true, allowGroup: false };

/** duckv1.KReference.Validate (a missing reference reports name, apiVersion and kind). */
export function validateKReference(ref: Json | undefined, ctx: RefContext): KnFieldError {
  if (!ref) return kn.missingField('name').also(kn.missingField('apiVersion'), kn.missingField('kind'));
  let errs = NONE;
  if (str(ref, 'name') === '') errs = errs.also(kn.missingField('name'));
  const apiVersion = str(ref, 'apiVersion');
  const group = str(ref, 'group');
  if (ctx.allowGroup) {
    if (apiVersion === '' && group === '') errs = errs.also(kn.missingField('apiVersion'), kn.missingField('group'));
    if (apiVersion !== '' && group !== '' && !apiVersion.startsWith(group)) {
      errs = errs.also(kn.make('both apiVersion and group are specified and they refer to different API groups', ['apiVersion', 'group'], 'Only one of them must be specified'));
    }
  } else {
    if (group !== '') errs = errs.also(kn.disallowedFields('group'));
    if (apiVersion === '') errs = errs.also(kn.missingField('apiVersion'));
  }
  if (str(ref, 'kind') === '') errs = errs.also(kn.missingField('kind'));
  const namespace = str(ref, 'namespace');
  if (namespace !== '' && !ctx.allowDifferentNamespace && ctx.parentNamespace !== '' && namespace !== ctx.parentNamespace) {
    errs = errs.also(kn.make('mismatched namespaces', ['namespace'], `parent namespace: ${goQuote(ctx.parentNamespace)} does not match ref: ${goQuote(namespace)}`));
  }
  return errs;
}

/** A URI as Go's net/url sees it: absolute when it has a scheme; its host. */
export function parseUri(uri: string): { absolute: boolean; host: string } {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):(.*)$/.exec(uri);
  if (!scheme) return { absolute: false, host: '' };
  const rest = scheme[2]!;
  if (!rest.startsWith('//')) return { absolute: true, host: '' };
  const authority = rest.slice(2).split(/[/?#]/)[0]!;
  return { absolute: true, host: authority.slice(authority.lastIndexOf('@') + 1) };
}

function validateCACerts(pem: string): KnFieldError {
  const block = /-----BEGIN ([^-\n]+)-----\r?\n([\s\S]*?)-----END \1-----/.exec(pem);
  if (!block) return kn.invalidValue('CA Cert provided is invalid', 'caCert');
  if (block[1] !== 'CERTIFICATE') return kn.invalidValue('CA Cert provided is not a certificate', 'caCert');
  try {
    new X509Certificate(Buffer.from(block[2]!.replace(/\s+/g, ''), 'base64'));
    return NONE;
  } catch {
    return kn.invalidValue('CA Cert provided is invalid', 'caCert');
  }
}

/** duckv1.ValidateDestination: a sink needs a ref, an absolute URI, or a ref plus a relative URI. */
export function validateDestination(dest: Json | undefined, ctx: RefContext): KnFieldError {
  if (!dest) return NONE;
  const ref = obj(dest, 'ref');
  const hasUri = typeof dest.uri === 'string' && dest.uri !== '';
  const uri = hasUri ? parseUri(dest.uri as string) : undefined;
  if (!ref && !uri) return kn.generic('expected at least one, got none', 'ref', 'uri');
  if (ref && uri?.absolute) return kn.generic('Absolute URI is not allowed when Ref or [apiVersion, kind, name] is present', '[apiVersion, kind, name]', 'ref', 'uri');
  if (!ref && uri && (!uri.absolute || uri.host === '')) return kn.invalidValue('Relative URI is not allowed when Ref and [apiVersion, kind, name] is absent', 'uri');
  if (ref && !uri) return validateKReference(ref, ctx).via('ref');
  if (typeof dest.CACerts === 'string') return validateCACerts(dest.CACerts);
  return NONE;
}

/** A sink field that Go declares as a value (always validated, so absence is an error). */
export function validateRequiredDestination(dest: unknown, ctx: RefContext): KnFieldError {
  return validateDestination(isObject(dest) ? dest : {}, ctx);
}

/** Destination.SetDefaults: a ref without a namespace gets the parent's. */
export function defaultDestination(dest: unknown, namespace: string | undefined): void {
  const ref = obj(dest, 'ref');
  if (ref && str(ref, 'namespace') === '' && namespace) ref.namespace = namespace;
}

export function defaultDelivery(delivery: unknown, namespace: string | undefined): void {
  defaultDestination(obj(delivery, 'deadLetterSink'), namespace);
}

/** DeliverySpec.Validate (paths relative to the delivery spec). */
export function validateDelivery(delivery: unknown, features: EventingConfig['features'], ctx: RefContext): KnFieldError {
  if (!isObject(delivery)) return NONE;
  let errs = NONE;
  const dls = obj(delivery, 'deadLetterSink');
  if (dls) {
    const e = validateDestination(dls, ctx);
    if (!e.isEmpty()) errs = errs.also(e).via('deadLetterSink');
  }
  if (typeof delivery.retry === 'number' && delivery.retry < 0) errs = errs.also(kn.invalidValue(delivery.retry, 'retry'));
  if (has(delivery, 'timeout')) {
    const t = str(delivery, 'timeout');
    if (features.deliveryTimeout) {
      const p = parseIsoDuration(t);
      if (!p || p.isZero) errs = errs.also(kn.invalidValue(t, 'timeout'));
    } else {
      errs = errs.also(kn.disallowedFields('timeout'));
    }
  }
  if (has(delivery, 'backoffPolicy')) {
    const p = str(delivery, 'backoffPolicy');
    if (p !== 'exponential' && p !== 'linear') errs = errs.also(kn.invalidValue(p, 'backoffPolicy'));
  }
  if (has(delivery, 'backoffDelay') && !parseIsoDuration(str(delivery, 'backoffDelay'))) {
    errs = errs.also(kn.invalidValue(str(delivery, 'backoffDelay'), 'backoffDelay'));
  }
  if (has(delivery, 'format')) {
    const f = str(delivery, 'format');
    if (f !== 'json' && f !== 'binary') errs = errs.also(kn.invalidValue(f, 'format'));
  }
  if (has(delivery, 'retryAfterMax')) {
    const r = str(delivery, 'retryAfterMax');
    if (features.deliveryRetryAfter) {
      const p = parseIsoDuration(r);
      if (!p || p.negative) errs = errs.also(kn.invalidValue(r, 'retryAfterMax'));
    } else {
      errs = errs.also(kn.disallowedFields('retryAfterMax'));
    }
  }
  return errs;
}

/** duckv1.CloudEventOverrides.Validate: extension names are non-empty and alphanumeric. */
export function validateCeOverrides(overrides: unknown): KnFieldError {
  const extensions = obj(overrides, 'extensions');
  if (!extensions) return NONE;
  for (const key of Object.keys(extensions)) {
    if (key === '') return kn.invalidKeyName(key, '', 'keys MUST NOT be empty').via('extensions');
    if (!/^[a-zA-Z0-9]+$/.test(key)) return kn.invalidKeyName(key, '', 'keys are expected to be alphanumeric').via('extensions');
  }
  return NONE;
}

/** duckv1.SourceSpec.Validate: the sink and the CloudEvent overrides. */
export function validateSourceSpec(spec: Json, ctx: RefContext): KnFieldError {
  return validateRequiredDestination(spec.sink, ctx).via('sink').also(validateCeOverrides(spec.ceOverrides).via('ceOverrides'));
}
