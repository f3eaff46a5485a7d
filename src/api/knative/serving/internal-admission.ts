/**
 * Admission for the internal kinds the serving controllers create and the serving webhook also
 * checks: PodAutoscaler and Metric (knative/serving pkg/apis/autoscaling/v1alpha1) and Ingress,
 * ServerlessService and Certificate (knative/networking pkg/apis/networking/v1alpha1).
 */
import type { KubeObject } from '../../object.ts';
import { WEBHOOKS } from '../admission-error.ts';
import type { KindAdmission } from '../admission.ts';
import type { KnFieldError } from '../field-error.ts';
import { CURRENT_FIELD, kn, NONE } from '../field-errors.ts';
import type { Json } from '../util/json.ts';
import { ensureObj, isObject, list, obj, str } from '../util/json.ts';
import { isCIdentifier, isDns1123Label, isQualifiedName } from '../util/k8s-names.ts';
import { checkDisallowed, isZero } from './field-mask.ts';
import { HPA_CLASS, KPA_CLASS } from './keys.ts';
import { validateServingMetadata } from './metadata.ts';
import { validateContainerConcurrency } from './revision-validation.ts';

const specOf = (o: KubeObject): Json => (isObject(o.spec) ? o.spec : {});

/** A namespaced object reference: apiVersion, kind and name only. */
function validateObjectReference(ref: unknown): KnFieldError {
  if (!isObject(ref)) return NONE;
  let errs = checkDisallowed(ref, ['apiVersion', 'kind', 'name']);
  const apiVersion = str(ref, 'apiVersion');
  if (apiVersion === '') errs = errs.also(kn.missingField('apiVersion'));
  else if (isQualifiedName(apiVersion).length) errs = errs.also(kn.invalidValue(isQualifiedName(apiVersion).join(', '), 'apiVersion'));
  const kind = str(ref, 'kind');
  if (kind === '') errs = errs.also(kn.missingField('kind'));
  else if (isCIdentifier(kind).length) errs = errs.also(kn.invalidValue(isCIdentifier(kind).join(', '), 'kind'));
  const name = str(ref, 'name');
  if (name === '') errs = errs.also(kn.missingField('name'));
  else if (isDns1123Label(name).length) errs = errs.also(kn.invalidValue(isDns1123Label(name).join(', '), 'name'));
  return errs;
}

function validateProtocolType(p: string): KnFieldError {
  if (p === 'h2c' || p === 'http1') return NONE;
  return p === '' ? kn.missingField(CURRENT_FIELD) : kn.invalidValue(p, CURRENT_FIELD);
}

export const podAutoscalerAdmission: KindAdmission = {
  defaults(o, _ctx, config) {
    const annotations = (o.metadata.annotations ??= {});
    const classKey = 'autoscaling.knative.dev/class';
    const metricKey = 'autoscaling.knative.dev/metric';
    if (!(classKey in annotations)) annotations[classKey] = config.serving.autoscaler.podAutoscalerClass;
    if (!(metricKey in annotations)) {
      const cls = annotations[classKey];
      annotations[metricKey] = cls === KPA_CLASS ? 'concurrency' : cls === HPA_CLASS ? 'cpu' : '';
    }
  },
  validators: [{
    webhook: WEBHOOKS.serving,
    validate(o, _ctx, config) {
      const spec = specOf(o);
      const specErrs = isZero(spec)
        ? kn.missingField(CURRENT_FIELD)
        : validateObjectReference(spec.scaleTargetRef).via('scaleTargetRef')
          .also(validateContainerConcurrency(typeof spec.containerConcurrency === 'number' ? spec.containerConcurrency : 0, config).via('containerConcurrency'))
          .also(validateProtocolType(str(spec, 'protocolType')).via('protocolType'));
      return validateServingMetadata(o.metadata, true, config.serving.autoscaler).via('metadata').also(specErrs.via('spec'));
    },
  }],
};

export const metricAdmission: KindAdmission = {
  validators: [{
    webhook: WEBHOOKS.serving,
    validate(o, _ctx, config) {
      const specErrs = isZero(specOf(o)) ? kn.missingField(CURRENT_FIELD) : NONE;
      return validateServingMetadata(o.metadata, true, config.serving.autoscaler).via('metadata').also(specErrs.via('spec'));
    },
  }],
};

function validateIngressPath(path: unknown, namespace: string): KnFieldError {
  if (isZero(path)) return kn.missingField(CURRENT_FIELD);
  const splits = list(path, 'splits');
  if (splits.length === 0) return kn.missingField('splits');
  let total = 0;
  for (const [i, split] of splits.entries()) {
    if (isZero(split)) return kn.missingField(CURRENT_FIELD).viaFieldIndex('splits', i);
    let e = NONE;
    const percent = isObject(split) && typeof split.percent === 'number' ? split.percent : 0;
    if (percent < 0 || percent > 100) e = e.also(kn.invalidValue(percent, 'percent'));
    const serviceNamespace = str(split, 'serviceNamespace');
    if (serviceNamespace === '') e = e.also(kn.missingField('serviceNamespace'));
    else if (serviceNamespace !== namespace) e = e.also(kn.make('service namespace must match ingress namespace', ['serviceNamespace']));
    if (str(split, 'serviceName') === '') e = e.also(kn.missingField('serviceName'));
    if (isZero(isObject(split) ? split.servicePort : undefined)) e = e.also(kn.missingField('servicePort'));
    // The first bad split is reported on its own.
    if (!e.isEmpty()) return e.viaFieldIndex('splits', i);
    total += percent;
  }
  if ((splits.length !== 1 || total !== 0) && total !== 100) return kn.make(`traffic split percentage must total to 100, but was ${total}`, ['splits']);
  return NONE;
}

export const ingressAdmission: KindAdmission = {
  defaults(o) {
    const spec = ensureObj(o, 'spec');
    for (const rule of list(spec, 'rules')) {
      if (!isObject(rule)) continue;
      if (str(rule, 'visibility') === '') rule.visibility = 'ExternalIP';
      for (const path of list(obj(rule, 'http'), 'paths')) {
        const splits = list(path, 'splits');
        if (splits.length === 1 && isObject(splits[0]) && !splits[0].percent) splits[0].percent = 100;
      }
    }
  },
  validators: [{
    webhook: WEBHOOKS.serving,
    validate(o) {
      const spec = specOf(o);
      if (isZero(spec)) return kn.missingField(CURRENT_FIELD).via('spec');
      const namespace = o.metadata.namespace ?? '';
      let errs = NONE;
      const rules = list(spec, 'rules');
      if (rules.length === 0) errs = errs.also(kn.missingField('rules'));
      rules.forEach((rule, i) => {
        let e = NONE;
        if (isZero(rule)) e = kn.missingField(CURRENT_FIELD);
        else if (!obj(rule, 'http')) e = kn.missingField('http');
        else {
          const paths = list(obj(rule, 'http'), 'paths');
          e = paths.length === 0
            ? kn.missingField('paths').via('http')
            : paths.reduce<KnFieldError>((acc, p, j) => acc.also(validateIngressPath(p, namespace).viaFieldIndex('paths', j)), NONE).via('http');
        }
        errs = errs.also(e.viaFieldIndex('rules', i));
      });
      list(spec, 'tls').forEach((tls, i) => {
        let e = NONE;
        if (isZero(tls)) e = kn.missingField(CURRENT_FIELD);
        else {
          if (str(tls, 'secretName') === '') e = e.also(kn.missingField('secretName'));
          if (str(tls, 'secretNamespace') === '') e = e.also(kn.missingField('secretNamespace'));
        }
        errs = errs.also(e.viaFieldIndex('tls', i));
      });
      const httpOption = str(spec, 'httpOption');
      if (httpOption !== '' && httpOption !== 'Enabled' && httpOption !== 'Redirected') errs = errs.also(kn.invalidValue(httpOption, 'httpOption'));
      return errs.via('spec');
    },
  }],
};

const NETWORKING_ANNOTATIONS = new Set([
  'networking.knative.dev/ingress.class', 'networking.knative.dev/certificate.class', 'networking.knative.dev/disableAutoTLS',
  'networking.knative.dev/disable-external-domain-tls', 'networking.knative.dev/httpOption', 'networking.knative.dev/ingress-class',
  'networking.knative.dev/certificate-class', 'networking.knative.dev/disable-auto-tls', 'networking.knative.dev/http-protocol',
]);

export const serverlessServiceAdmission: KindAdmission = {
  validators: [{
    webhook: WEBHOOKS.serving,
    validate(o) {
      let errs = NONE;
      for (const key of Object.keys(o.metadata.annotations ?? {})) {
        if (key.startsWith('networking.knative.dev') && !NETWORKING_ANNOTATIONS.has(key)) errs = errs.also(kn.invalidKeyName(key, CURRENT_FIELD));
      }
      errs = errs.via('annotations');
      const spec = specOf(o);
      if (isZero(spec)) return errs.also(kn.missingField(CURRENT_FIELD).via('spec'));
      let s = NONE;
      const mode = str(spec, 'mode');
      if (mode === '') s = s.also(kn.missingField('mode'));
      else if (mode !== 'Proxy' && mode !== 'Serve') s = s.also(kn.invalidValue(mode, 'mode'));
      if (typeof spec.numActivators === 'number' && spec.numActivators < 0) s = s.also(kn.invalidValue(spec.numActivators, 'numActivators'));
      s = s.also(validateObjectReference(spec.objectRef ?? {}).via('objectRef'), validateProtocolType(str(spec, 'protocolType')).via('protocolType'));
      return errs.also(s.via('spec'));
    },
  }],
};

export const certificateAdmission: KindAdmission = {
  validators: [{
    webhook: WEBHOOKS.serving,
    validate(o) {
      const spec = specOf(o);
      let errs = NONE;
      const dnsNames = list(spec, 'dnsNames');
      if (dnsNames.length === 0) errs = errs.also(kn.missingField('dnsNames'));
      dnsNames.forEach((n, i) => {
        if (n === '') errs = errs.also(kn.invalidArrayValue(n, 'dnsNames', i));
      });
      if (str(spec, 'secretName') === '') errs = errs.also(kn.missingField('secretName'));
      const domain = str(spec, 'domain');
      if (domain !== '' && dnsNames.length !== 0) {
        const ok = dnsNames.some((n) => typeof n === 'string' && (n === domain || n.endsWith(`.${domain}`)));
        // Upstream passes the arguments the other way round; the message reads as it does there.
        if (!ok) errs = errs.also(kn.invalidValue('domain', 'domain must be a suffix of, or match exactly, at least one entry in dnsNames'));
      }
      return errs.via('spec');
    },
  }],
};
