/**
 * Route validation as openshift-apiserver does it in Go (library-go pkg/route/validation),
 * with its messages: host and subdomain names, wildcard policy, path, backends and weights,
 * target port, TLS termination and insecure-edge policy, and header actions. Runs after
 * defaulting (route-defaults.ts), as on the server.
 */
import { fieldErr } from '../field-error.ts';
import type { FieldError } from '../field-error.ts';
import type { ValidationContext } from '../kind.ts';
import type { KubeObject } from '../object.ts';
import { asArray, asRecord, asString, specOf } from '../mesh/fields.ts';
import type { Fields } from '../mesh/fields.ts';
import { DNS1123_SUBDOMAIN_MAX, dns1123LabelErrors, isDns1123Subdomain, maxLenError } from './dns-names.ts';
import { validateHeaderActions } from './route-headers.ts';

export const ALLOW_NON_DNS_COMPLIANT_HOST_ANNOTATION = 'route.openshift.io/allow-non-dns-compliant-host';
const TERMINATIONS = ['edge', 'passthrough', 'reencrypt'] as const;
const WILDCARD_POLICIES = ['None', 'Subdomain'] as const;

function validateHost(route: KubeObject, host: string, checkLabels: boolean): FieldError[] {
  if (host === '') return [];
  const errors: FieldError[] = [];
  if (!isDns1123Subdomain(host)) errors.push(fieldErr.invalid('spec.host', host, 'host must conform to DNS 952 subdomain conventions'));
  if (checkLabels && route.metadata.annotations?.[ALLOW_NON_DNS_COMPLIANT_HOST_ANNOTATION] !== 'true') {
    for (const label of host.split('.')) for (const e of dns1123LabelErrors(label)) errors.push(fieldErr.invalid('spec.host', host, e));
  }
  return errors;
}

function validateSubdomain(subdomain: string): FieldError[] {
  if (subdomain === '') return [];
  const errors: FieldError[] = [];
  if (subdomain.length > DNS1123_SUBDOMAIN_MAX) errors.push(fieldErr.invalid('spec.subdomain', subdomain, maxLenError(DNS1123_SUBDOMAIN_MAX)));
  for (const label of subdomain.split('.')) {
    const e = dns1123LabelErrors(label);
    if (e.length > 0) errors.push(fieldErr.invalid('spec.subdomain', label, e.join(', ')));
  }
  return errors;
}

function validateBackend(path: string, backend: Fields): FieldError[] {
  const errors: FieldError[] = [];
  if (!asString(backend.name)) errors.push(fieldErr.required(`${path}.name`));
  if (backend.kind !== 'Service') errors.push(fieldErr.invalid(`${path}.kind`, backend.kind ?? '', 'must reference a Service'));
  const weight = backend.weight;
  if (typeof weight === 'number' && (weight < 0 || weight > 256)) {
    errors.push(fieldErr.invalid(`${path}.weight`, weight, 'weight must be an integer between 0 and 256'));
  }
  return errors;
}

function validateInsecurePolicy(tls: Fields): FieldError[] {
  const policy = asString(tls.insecureEdgeTerminationPolicy) ?? '';
  if (policy === '') return [];
  const path = 'spec.tls.insecureEdgeTerminationPolicy';
  const termination = tls.termination;
  if ((termination === 'edge' || termination === 'reencrypt') && !['None', 'Allow', 'Redirect'].includes(policy)) {
    return [fieldErr.invalid(path, policy, 'invalid value for InsecureEdgeTerminationPolicy option, acceptable values are None, Allow, Redirect, or empty')];
  }
  // Passthrough traffic never reaches the router in clear text, so it cannot be allowed.
  if (termination === 'passthrough' && policy !== 'None' && policy !== 'Redirect') {
    return [fieldErr.invalid(path, policy, 'invalid value for InsecureEdgeTerminationPolicy option, acceptable values are None, Redirect, or empty')];
  }
  return [];
}

function validateTls(tls: Fields): FieldError[] {
  const errors: FieldError[] = [];
  const has = (k: string): boolean => (asString(tls[k]) ?? '') !== '';
  const termination = asString(tls.termination) ?? '';
  if (termination === 'passthrough') {
    const redacted: Readonly<Record<string, string>> = {
      certificate: 'redacted certificate data', key: 'redacted key data', caCertificate: 'redacted ca certificate data',
      destinationCACertificate: 'redacted destination ca certificate data',
    };
    for (const [k, shown] of Object.entries(redacted)) {
      if (has(k)) errors.push(fieldErr.invalid(`spec.tls.${k}`, shown, 'passthrough termination does not support certificates'));
    }
    const external = asString(asRecord(tls.externalCertificate)?.name) ?? '';
    if (external) errors.push(fieldErr.invalid('spec.tls.externalCertificate', external, 'passthrough termination does not support certificates'));
  } else if (termination === 'edge') {
    if (has('destinationCACertificate')) {
      errors.push(fieldErr.invalid('spec.tls.destinationCACertificate', 'redacted destination ca certificate data', 'edge termination does not support destination certificates'));
    }
  } else if (termination !== 'reencrypt') {
    errors.push(fieldErr.notSupported('spec.tls.termination', termination, TERMINATIONS));
  }
  if ((termination === 'edge' || termination === 'reencrypt') && has('certificate') && asString(asRecord(tls.externalCertificate)?.name)) {
    errors.push(fieldErr.invalid('spec.tls.externalCertificate', asRecord(tls.externalCertificate)?.name, 'cannot specify both tls.certificate and tls.externalCertificate'));
  }
  return [...errors, ...validateInsecurePolicy(tls)];
}

/** `checkHostLabels` is false on updates that keep a host whose labels were already invalid. */
function validateRouteSpec(route: KubeObject, checkHostLabels: boolean): FieldError[] {
  const spec = specOf(route);
  const errors: FieldError[] = [];
  const host = asString(spec.host) ?? '';
  errors.push(...validateHost(route, host, checkHostLabels));
  errors.push(...validateSubdomain(asString(spec.subdomain) ?? ''));
  const policy = asString(spec.wildcardPolicy) ?? '';
  if (policy !== '' && !(WILDCARD_POLICIES as readonly string[]).includes(policy)) {
    errors.push(fieldErr.notSupported('spec.wildcardPolicy', policy, WILDCARD_POLICIES));
  } else if (policy === 'Subdomain' && host === '') {
    errors.push(fieldErr.invalid('spec.wildcardPolicy', policy, 'host name not specified for wildcard policy'));
  }
  const tls = asRecord(spec.tls);
  const passthrough = tls?.termination === 'passthrough';
  errors.push(...validateHeaderActions(spec, passthrough));
  const path = asString(spec.path) ?? '';
  if (path !== '' && !path.startsWith('/')) errors.push(fieldErr.invalid('spec.path', path, 'path must begin with /'));
  if (path !== '' && passthrough) errors.push(fieldErr.invalid('spec.path', path, 'passthrough termination does not support paths'));
  errors.push(...validateBackend('spec.to', asRecord(spec.to) ?? {}));
  const alternates = asArray(spec.alternateBackends);
  if (alternates.length > 3) errors.push(fieldErr.required('spec.alternateBackends', 'cannot specify more than 3 alternate backends'));
  alternates.forEach((b, i) => errors.push(...validateBackend(`spec.alternateBackends[${i}]`, asRecord(b) ?? {})));
  const port = asRecord(spec.port);
  if (port && (port.targetPort === 0 || port.targetPort === '' || port.targetPort === undefined || port.targetPort === null)) {
    errors.push(fieldErr.required('spec.port.targetPort'));
  }
  if (tls) errors.push(...validateTls(tls));
  return errors;
}

function hostLabelsValid(host: string): boolean {
  return host === '' || host.split('.').every((l) => dns1123LabelErrors(l).length === 0);
}

export function validateRoute(route: KubeObject, ctx: ValidationContext): FieldError[] {
  if (ctx.operation === 'status') return [];
  if (ctx.operation !== 'update' || !ctx.old) return validateRouteSpec(route, true);
  const host = asString(specOf(route).host) ?? '';
  const oldHost = asString(specOf(ctx.old).host) ?? '';
  const errors: FieldError[] = [];
  const policy = specOf(route).wildcardPolicy;
  if (policy !== specOf(ctx.old).wildcardPolicy) errors.push(fieldErr.invalid('spec.wildcardPolicy', policy ?? '', 'field is immutable'));
  return [...errors, ...validateRouteSpec(route, host !== oldHost && hostLabelsValid(oldHost))];
}

export function routeWarnings(route: KubeObject): string[] {
  const spec = specOf(route);
  return asString(spec.host) && asString(spec.subdomain) ? ['spec.host is set; spec.subdomain may be ignored'] : [];
}
