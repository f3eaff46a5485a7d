/**
 * Broker and Trigger admission (knative/eventing pkg/apis/eventing/v1 broker_* and trigger_*,
 * plus the Kafka broker's extra check from eventing-kafka-broker): the broker class annotation
 * and config/delivery defaults from config-br-defaults, immutable broker spec and class, the
 * Trigger's `{}` filter default and broker label, filter attribute names and dialects, and the
 * immutable `spec.broker`.
 */
import type { KubeObject } from '../../object.ts';
import { WEBHOOKS } from '../admission-error.ts';
import type { KindAdmission } from '../admission.ts';
import type { BrokerClassConfig, EventingConfig } from '../config.ts';
import type { KnFieldError } from '../field-error.ts';
import { CURRENT_FIELD, goQuote, kn, NONE } from '../field-errors.ts';
import type { Json } from '../util/json.ts';
import { ensureObj, isObject, obj, semanticEqual, str } from '../util/json.ts';
import { shortDiff } from '../util/short-diff.ts';
import { defaultDelivery, defaultDestination, NO_PARENT, validateDelivery, validateKReference, validateRequiredDestination } from './duck.ts';

export const BROKER_CLASS_ANNOTATION = 'eventing.knative.dev/broker.class';
export const BROKER_LABEL = 'eventing.knative.dev/broker';
export const DEPENDENCY_ANNOTATION = 'knative.dev/dependency';
export const INJECTION_ANNOTATION = 'eventing.knative.dev/injection';

const specOf = (o: KubeObject | undefined): Json => (o && isObject(o.spec) ? o.spec : {});

function brokerDefaultsFor(config: EventingConfig, namespace: string): BrokerClassConfig | undefined {
  const ns = config.brokerDefaults.namespaceDefaults[namespace];
  if (ns && (ns.config || ns.delivery)) return ns;
  const cluster = config.brokerDefaults.clusterDefault;
  return cluster && (cluster.config || cluster.delivery) ? cluster : undefined;
}

function brokerClassFor(config: EventingConfig, namespace: string): string | undefined {
  return config.brokerDefaults.namespaceDefaults[namespace]?.brokerClass || config.brokerDefaults.clusterDefault?.brokerClass || undefined;
}

export const brokerAdmission: KindAdmission = {
  defaults(o, _ctx, config) {
    const ns = o.metadata.namespace ?? '';
    const spec = ensureObj(o, 'spec');
    if (!spec) return;
    const defaults = brokerDefaultsFor(config.eventing, ns);
    if (defaults) {
      if (spec.config === undefined && defaults.config) spec.config = { ...defaults.config };
      if (spec.delivery === undefined && defaults.delivery) {
        const { deadLetterSink, retry, backoffPolicy, backoffDelay } = defaults.delivery;
        spec.delivery = structuredClone(Object.fromEntries(Object.entries({ deadLetterSink, retry, backoffPolicy, backoffDelay }).filter(([, v]) => v !== undefined)));
      }
    }
    const ref = obj(spec, 'config');
    if (ref && str(ref, 'namespace') === '' && ns) ref.namespace = ns;
    defaultDelivery(spec.delivery, ns);
    const annotations = (o.metadata.annotations ??= {});
    if (!(BROKER_CLASS_ANNOTATION in annotations)) {
      const cls = brokerClassFor(config.eventing, ns);
      if (cls) annotations[BROKER_CLASS_ANNOTATION] = cls;
    }
  },
  validators: [
    {
      webhook: WEBHOOKS.eventing,
      validate(o, ctx, config) {
        const ns = o.metadata.namespace ?? '';
        const br = config.eventing.brokerDefaults.namespaceDefaults[ns] ?? config.eventing.brokerDefaults.clusterDefault;
        const refCtx = { parentNamespace: ns, allowDifferentNamespace: br?.disallowDifferentNamespaceConfig !== true, allowGroup: config.eventing.features.kreferenceGroup };
        let errs = NONE;
        if (!o.metadata.annotations?.[BROKER_CLASS_ANNOTATION]) errs = errs.also(kn.missingField(BROKER_CLASS_ANNOTATION));
        const spec = specOf(o);
        let specErrs = NONE;
        const ref = obj(spec, 'config');
        if (ref) specErrs = specErrs.also(validateKReference(ref, refCtx).via('config'));
        if (isObject(spec.delivery)) specErrs = specErrs.also(validateDelivery(spec.delivery, config.eventing.features, refCtx).via('delivery'));
        errs = errs.also(specErrs.via('spec'));
        if (ctx.operation !== 'create' && ctx.old) {
          const { delivery: _d, ...oldRest } = specOf(ctx.old);
          const { delivery: _n, ...newRest } = spec;
          if (!semanticEqual(oldRest, newRest)) {
            return errs.also(kn.make('Immutable fields changed (-old +new)', ['spec'], shortDiff(oldRest, newRest, { rootType: 'v1.BrokerSpec' })));
          }
          const oldClass = ctx.old.metadata.annotations?.[BROKER_CLASS_ANNOTATION] ?? '';
          const newClass = o.metadata.annotations?.[BROKER_CLASS_ANNOTATION] ?? '';
          if (oldClass !== newClass) {
            return errs.also(kn.make('Immutable annotations changed (-old +new)', ['annotations'], shortDiff(oldClass, newClass, { rootType: 'string' })));
          }
        }
        return errs;
      },
    },
    {
      // eventing-kafka-broker's webhook only looks at Kafka-class brokers.
      webhook: WEBHOOKS.kafka,
      validate(o) {
        const cls = o.metadata.annotations?.[BROKER_CLASS_ANNOTATION];
        if (cls !== 'Kafka' && cls !== 'KafkaNamespaced') return NONE;
        const ref = obj(specOf(o), 'config');
        if (!ref) return NONE;
        if (str(ref, 'kind').toLowerCase() !== 'configmap') return kn.invalidValue(str(ref, 'kind'), 'kind', 'Expected ConfigMap').via('spec.config');
        const refNs = str(ref, 'namespace');
        if (cls === 'KafkaNamespaced' && refNs !== '' && refNs !== o.metadata.namespace) {
          return kn.invalidValue(refNs, 'namespace', 'Expected ConfigMap in same namespace with broker resource').via('spec.config');
        }
        return NONE;
      },
    },
  ],
};

const ATTRIBUTE_NAME = /^[a-z][a-z0-9]*$/;

function validateAttributeNames(attrs: unknown): KnFieldError {
  if (!isObject(attrs)) return NONE;
  let errs = NONE;
  for (const attr of Object.keys(attrs)) {
    if (!ATTRIBUTE_NAME.test(attr)) {
      errs = errs.also(kn.invalidKeyName(attr, CURRENT_FIELD, 'Attribute name must start with a letter and can only contain lowercase alphanumeric').viaKey(attr));
    }
  }
  return errs;
}

function dialectCount(f: Json): number {
  const nonEmptyMap = (k: string): boolean => isObject(f[k]) && Object.keys(f[k] as Json).length > 0;
  const nonEmptyList = (k: string): boolean => Array.isArray(f[k]) && (f[k] as unknown[]).length > 0;
  return [nonEmptyMap('exact'), nonEmptyMap('prefix'), nonEmptyMap('suffix'), nonEmptyList('all'), nonEmptyList('any'), isObject(f.not), str(f, 'cesql') !== '']
    .filter(Boolean).length;
}

/** ValidateSubscriptionAPIFilter: one dialect per filter, valid attribute names, nested filters. */
export function validateFilter(filter: unknown): KnFieldError {
  if (!isObject(filter)) return NONE;
  let errs = NONE;
  if (dialectCount(filter) > 1) errs = errs.also(kn.generic('multiple dialects found, filters can have only one dialect set'));
  return errs.also(
    validateAttributeNames(filter.exact).via('exact'),
    validateAttributeNames(filter.prefix).via('prefix'),
    validateAttributeNames(filter.suffix).via('suffix'),
    validateFilterList(filter.all).via('all'),
    validateFilterList(filter.any).via('any'),
    validateFilter(filter.not).via('not'),
  );
}

export function validateFilterList(filters: unknown): KnFieldError {
  if (!Array.isArray(filters)) return NONE;
  // Upstream re-indexes everything gathered so far on each step; kept as written.
  return filters.reduce<KnFieldError>((errs, f, i) => errs.also(validateFilter(f)).viaIndex(i), NONE);
}

function validateDependencyAnnotation(value: string, namespace: string): KnFieldError {
  let ref: unknown;
  try {
    ref = JSON.parse(value);
  } catch (e) {
    return kn.make(`The provided annotation was not a corev1.ObjectReference: ${goQuote(value)}`, [''], (e as Error).message);
  }
  if (!isObject(ref)) return kn.make(`The provided annotation was not a corev1.ObjectReference: ${goQuote(value)}`, [''], 'json: cannot unmarshal into Go value of type v1.ObjectReference');
  let errs = NONE;
  const refNs = str(ref, 'namespace');
  if (refNs !== '' && refNs !== namespace) errs = errs.also(kn.make(`Namespace must be empty or equal to the trigger namespace ${goQuote(namespace)}`, ['namespace']));
  if (str(ref, 'kind') === '') errs = errs.also(kn.missingField('kind'));
  if (str(ref, 'name') === '') errs = errs.also(kn.missingField('name'));
  if (str(ref, 'apiVersion') === '') errs = errs.also(kn.missingField('apiVersion'));
  return errs;
}

function validateInjectionAnnotation(value: string, broker: string): KnFieldError {
  if (value !== 'enabled' && value !== 'disabled') {
    return kn.make(`The provided injection annotation value can only be "enabled" or "disabled", not ${goQuote(value)}`, ['']);
  }
  if (broker !== 'default') return kn.make(`The provided injection annotation is only used for default broker, but non-default broker specified here: ${goQuote(broker)}`, ['']);
  return NONE;
}

export const triggerAdmission: KindAdmission = {
  defaults(o) {
    const ns = o.metadata.namespace;
    const spec = ensureObj(o, 'spec');
    if (!spec) return;
    if (spec.filter === undefined || spec.filter === null) spec.filter = {};
    defaultDestination(spec.subscriber, ns);
    defaultDelivery(spec.delivery, ns);
    const broker = str(spec, 'broker');
    if (broker !== '') (o.metadata.labels ??= {})[BROKER_LABEL] = broker;
  },
  validators: [{
    webhook: WEBHOOKS.eventing,
    validate(o, ctx, config) {
      const spec = specOf(o);
      const features = config.eventing.features;
      const refCtx = { ...NO_PARENT, allowGroup: features.kreferenceGroup };
      let specErrs = NONE;
      const brokerRef = obj(spec, 'brokerRef');
      const broker = str(spec, 'broker');
      if (!brokerRef && broker === '') specErrs = specErrs.also(kn.missingField('broker'));
      else if (brokerRef && broker !== '') specErrs = specErrs.also(kn.multipleOneOf('broker', 'brokerRef'));
      if (!features.crossNamespaceEventLinks && brokerRef && str(brokerRef, 'namespace') !== '') {
        specErrs = specErrs.also(kn.make('must not set the field(s)', ['namespace'], 'only name, apiVersion and kind are supported fields when feature.CrossNamespaceEventLinks is disabled'));
      }
      const filter = obj(spec, 'filter');
      specErrs = specErrs.also(
        validateAttributeNames(obj(filter, 'attributes')).via('attributes').via('filter'),
        validateFilterList(spec.filters).via('filters'),
        validateRequiredDestination(spec.subscriber, refCtx).via('subscriber'),
        validateDelivery(spec.delivery, features, refCtx).via('delivery'),
      );
      let errs = specErrs.via('spec');
      const annotations = o.metadata.annotations ?? {};
      if (DEPENDENCY_ANNOTATION in annotations) {
        errs = errs.also(validateDependencyAnnotation(annotations[DEPENDENCY_ANNOTATION]!, o.metadata.namespace ?? '').via(`metadata.annotations[${DEPENDENCY_ANNOTATION}]`));
      }
      if (INJECTION_ANNOTATION in annotations) {
        errs = errs.also(validateInjectionAnnotation(annotations[INJECTION_ANNOTATION]!, broker).via(`metadata.annotations[${INJECTION_ANNOTATION}]`));
      }
      if (ctx.operation !== 'create' && ctx.old) {
        const oldBroker = str(specOf(ctx.old), 'broker');
        if (oldBroker !== broker) {
          errs = errs.also(kn.make('Immutable fields changed (-old +new)', ['spec', 'broker'], shortDiff(oldBroker, broker, { rootType: 'string' })));
        }
      }
      return errs;
    },
  }],
};
