/**
 * Channel, InMemoryChannel and Subscription admission (knative/eventing pkg/apis/messaging/v1):
 * the subscribable duck-version annotation, the default channel template from
 * default-ch-webhook, immutable channel specs, subscriber entries that need a URI, channel
 * subscribers that only the eventing controller may change, and the Subscription's required
 * channel and subscriber.
 */
import type { KubeObject } from '../../object.ts';
import { WEBHOOKS } from '../admission-error.ts';
import type { KindAdmission, KnativeAdmissionContext } from '../admission.ts';
import type { EventingConfig } from '../config.ts';
import type { KnFieldError } from '../field-error.ts';
import { kn, NONE } from '../field-errors.ts';
import type { Json } from '../util/json.ts';
import { ensureObj, isObject, list, obj, semanticEqual, str } from '../util/json.ts';
import { shortDiff } from '../util/short-diff.ts';
import type { RefContext } from './duck.ts';
import { defaultDelivery, defaultDestination, NO_PARENT, validateDelivery, validateDestination, validateKReference } from './duck.ts';

export const SUBSCRIBABLE_ANNOTATION = 'messaging.knative.dev/subscribable';
export const SCOPE_ANNOTATION = 'eventing.knative.dev/scope';
/** Only this user may rewrite a channel's `spec.subscribers` (the subscription controller). */
export const EVENTING_CONTROLLER_USER = 'system:serviceaccount:knative-eventing:eventing-controller';

const specOf = (o: KubeObject | undefined): Json => (o && isObject(o.spec) ? o.spec : {});
const isUpdate = (ctx: KnativeAdmissionContext): boolean => ctx.operation !== 'create' && ctx.old !== undefined;

function defaultSubscribableAnnotation(o: KubeObject): void {
  const annotations = (o.metadata.annotations ??= {});
  if (!(SUBSCRIBABLE_ANNOTATION in annotations)) annotations[SUBSCRIBABLE_ANNOTATION] = 'v1';
}

/** Scope annotation check shared by InMemoryChannel and KafkaChannel. */
export function validateScopeAnnotation(o: KubeObject): KnFieldError {
  const scope = o.metadata.annotations?.[SCOPE_ANNOTATION];
  if (scope === undefined || scope === 'namespace' || scope === 'cluster') return NONE;
  return kn.invalidValue(scope, '', "expected either 'cluster' or 'namespace'").viaFieldKey('annotations', SCOPE_ANNOTATION).via('metadata');
}

/** Every `spec.subscribers[]` entry needs a subscriberUri or a replyUri. */
export function validateSubscriberUris(spec: Json): KnFieldError {
  let errs = NONE;
  list(spec, 'subscribers').forEach((s, i) => {
    if (!isObject(s) || (s.replyUri === undefined && s.subscriberUri === undefined)) {
      errs = errs.also(kn.make('missing field(s)', ['replyURI', 'subscriberURI'], 'expected at least one of, got none').via(`subscriber[${i}]`).via('subscribable'));
    }
  });
  return errs;
}

/** Only the eventing controller's service account may change `spec.subscribers`. */
export function checkSubscribersChange(o: KubeObject, ctx: KnativeAdmissionContext): KnFieldError {
  if (!isUpdate(ctx) || ctx.user === EVENTING_CONTROLLER_USER) return NONE;
  const before = specOf(ctx.old).subscribers;
  const after = specOf(o).subscribers;
  if (semanticEqual(before ?? [], after ?? [])) return NONE;
  return kn.make(
    `Channel.Spec.Subscribers changed by user ${ctx.user ?? ''} which was not the ${EVENTING_CONTROLLER_USER} service account`,
    ['spec.subscribers'],
    shortDiff(before ?? [], after ?? [], { rootType: '[]v1.SubscriberSpec' }),
  );
}

function channelTemplateFor(config: EventingConfig, namespace: string): Json | undefined {
  const t = config.channelDefaults.namespaceDefaults[namespace] ?? config.channelDefaults.clusterDefault;
  if (!t) return undefined;
  return { apiVersion: t.apiVersion, kind: t.kind, ...(t.spec ? { spec: structuredClone(t.spec) } : {}) };
}

export const channelAdmission: KindAdmission = {
  defaults(o, _ctx, config) {
    defaultSubscribableAnnotation(o);
    const spec = ensureObj(o, 'spec');
    if (!spec || spec.channelTemplate !== undefined) return;
    const template = channelTemplateFor(config.eventing, o.metadata.namespace ?? '');
    if (template) spec.channelTemplate = template;
    defaultDelivery(spec.delivery, o.metadata.namespace);
  },
  validators: [{
    webhook: WEBHOOKS.eventing,
    validate(o, ctx, config) {
      const spec = specOf(o);
      const refCtx: RefContext = { parentNamespace: o.metadata.namespace ?? '', allowDifferentNamespace: false, allowGroup: config.eventing.features.kreferenceGroup };
      let errs = NONE;
      const template = obj(spec, 'channelTemplate');
      if (!template) {
        errs = errs.also(kn.missingField('channelTemplate'));
      } else {
        let t = NONE;
        if (str(template, 'kind') === '') t = t.also(kn.missingField('kind'));
        if (str(template, 'apiVersion') === '') t = t.also(kn.missingField('apiVersion'));
        errs = errs.also(t.via('channelTemplate'));
      }
      if (list(spec, 'subscribers').length > 0) errs = errs.also(kn.disallowedFields('subscribers').via('subscribable'));
      if (isObject(spec.delivery)) errs = errs.also(validateDelivery(spec.delivery, config.eventing.features, refCtx).via('delivery'));
      errs = errs.via('spec');
      if (isUpdate(ctx)) {
        // Everything but the subscribers is immutable (delivery included).
        const { subscribers: _o, ...oldRest } = specOf(ctx.old);
        const { subscribers: _n, ...newRest } = spec;
        if (!semanticEqual(oldRest, newRest)) errs = errs.also(kn.make('Immutable fields changed (-old +new)', ['spec'], shortDiff(oldRest, newRest, { rootType: 'v1.ChannelSpec' })));
      }
      return errs;
    },
  }],
};

export const inMemoryChannelAdmission: KindAdmission = {
  defaults(o) {
    defaultSubscribableAnnotation(o);
    defaultDelivery(specOf(o).delivery, o.metadata.namespace);
  },
  validators: [{
    webhook: WEBHOOKS.inMemoryChannel,
    validate(o, ctx) {
      return validateSubscriberUris(specOf(o)).via('spec').also(validateScopeAnnotation(o), checkSubscribersChange(o, ctx));
    },
  }],
};

export const subscriptionAdmission: KindAdmission = {
  defaults(o) {
    const spec = specOf(o);
    const ns = o.metadata.namespace;
    defaultDestination(spec.subscriber, ns);
    defaultDestination(spec.reply, ns);
    defaultDelivery(spec.delivery, ns);
  },
  validators: [{
    webhook: WEBHOOKS.eventing,
    validate(o, ctx, config) {
      const spec = specOf(o);
      const features = config.eventing.features;
      const refCtx: RefContext = { ...NO_PARENT, allowGroup: features.kreferenceGroup };
      const channel = obj(spec, 'channel');
      let errs = NONE;
      if (!channel || Object.keys(channel).length === 0) {
        errs = kn.make('missing field(s)', ['channel'], 'the Subscription must reference a channel');
      } else {
        let c = validateKReference(channel, refCtx);
        if (!features.crossNamespaceEventLinks && str(channel, 'namespace') !== '') {
          c = c.also(kn.make('must not set the field(s)', ['namespace'], 'only name, apiVersion and kind are supported fields when feature.CrossNamespaceEventLinks is disabled'));
        }
        errs = errs.also(c.via('channel'));
        const subscriber = obj(spec, 'subscriber');
        if (!subscriber || Object.keys(subscriber).length === 0) {
          errs = errs.also(kn.make('missing field(s)', ['subscriber'], 'the Subscription must reference a subscriber'));
        } else {
          errs = errs.also(validateDestination(subscriber, refCtx).via('subscriber'));
        }
        const reply = obj(spec, 'reply');
        if (reply && Object.keys(reply).length > 0) errs = errs.also(validateDestination(reply, refCtx).via('reply'));
        if (isObject(spec.delivery)) errs = errs.also(validateDelivery(spec.delivery, features, refCtx).via('delivery'));
      }
      errs = errs.via('spec');
      if (isUpdate(ctx)) {
        // Only subscriber, reply and delivery may change.
        const before = specOf(ctx.old).channel;
        if (!semanticEqual(before, spec.channel)) {
          errs = errs.also(kn.make('Immutable fields changed (-old +new)', ['spec'], shortDiff({ channel: before }, { channel: spec.channel }, { rootType: 'v1.SubscriptionSpec' })));
        }
      }
      return errs;
    },
  }],
};
