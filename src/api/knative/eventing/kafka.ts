/**
 * Admission for the eventing-kafka-broker kinds (control-plane/pkg/apis): KafkaChannel
 * (1 partition, replication 1, retention PT168H by default; immutable topic settings),
 * KafkaSink (binary content mode by default; immutable topic, partitions, replication) and
 * KafkaSource (a generated consumer group, 1 consumer, `latest` offset and `ordered` delivery
 * by default; the consumer group is immutable). Their webhook is
 * validation.webhook.kafka.eventing.knative.dev.
 */
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../../object.ts';
import { WEBHOOKS } from '../admission-error.ts';
import type { KindAdmission, KnativeAdmissionContext } from '../admission.ts';
import { kn, NONE } from '../field-errors.ts';
import { parseIsoDuration } from '../util/iso8601.ts';
import type { Json } from '../util/json.ts';
import { ensureObj, isObject, list, obj, semanticEqual, str } from '../util/json.ts';
import { shortDiff } from '../util/short-diff.ts';
import { defaultDelivery, defaultDestination, NO_PARENT, validateSourceSpec } from './duck.ts';
import { checkSubscribersChange, SUBSCRIBABLE_ANNOTATION, validateScopeAnnotation, validateSubscriberUris } from './messaging.ts';

const specOf = (o: KubeObject | undefined): Json => (o && isObject(o.spec) ? o.spec : {});
const isUpdate = (ctx: KnativeAdmissionContext): boolean => ctx.operation !== 'create' && ctx.old !== undefined;

export const KAFKA_CHANNEL_DEFAULTS = { numPartitions: 1, replicationFactor: 1, retentionDuration: 'PT168H' } as const;

export const kafkaChannelAdmission: KindAdmission = {
  defaults(o) {
    const annotations = (o.metadata.annotations ??= {});
    if (!(SUBSCRIBABLE_ANNOTATION in annotations)) annotations[SUBSCRIBABLE_ANNOTATION] = 'v1';
    const spec = ensureObj(o, 'spec');
    if (!spec) return;
    if (!spec.numPartitions) spec.numPartitions = KAFKA_CHANNEL_DEFAULTS.numPartitions;
    if (!spec.replicationFactor) spec.replicationFactor = KAFKA_CHANNEL_DEFAULTS.replicationFactor;
    if (str(spec, 'retentionDuration') === '') spec.retentionDuration = KAFKA_CHANNEL_DEFAULTS.retentionDuration;
    defaultDelivery(spec.delivery, o.metadata.namespace);
  },
  validators: [{
    webhook: WEBHOOKS.kafka,
    validate(o, ctx) {
      const spec = specOf(o);
      let specErrs = NONE;
      const partitions = typeof spec.numPartitions === 'number' ? spec.numPartitions : 0;
      const replication = typeof spec.replicationFactor === 'number' ? spec.replicationFactor : 0;
      if (partitions <= 0) specErrs = specErrs.also(kn.invalidValue(partitions, 'numPartitions'));
      if (replication <= 0) specErrs = specErrs.also(kn.invalidValue(replication, 'replicationFactor'));
      const retention = parseIsoDuration(str(spec, 'retentionDuration'));
      if (!retention || retention.negative) specErrs = specErrs.also(kn.invalidValue(str(spec, 'retentionDuration'), 'retentionDuration'));
      let errs = specErrs.also(validateSubscriberUris(spec)).via('spec').also(validateScopeAnnotation(o));
      if (isUpdate(ctx)) {
        const old = specOf(ctx.old);
        // The topic settings are immutable; delivery and subscribers are not. A retention set for
        // the first time is allowed (channels created before the field existed).
        const topic = (s: Json, withRetention: boolean): Json => ({
          numPartitions: s.numPartitions, replicationFactor: s.replicationFactor, ...(withRetention ? { retentionDuration: s.retentionDuration } : {}),
        });
        const withRetention = !(str(old, 'retentionDuration') === '' && str(spec, 'retentionDuration') !== '');
        if (!semanticEqual(topic(old, withRetention), topic(spec, withRetention))) {
          errs = errs.also(kn.make('Immutable fields changed (-old +new)', ['spec'], shortDiff(topic(old, withRetention), topic(spec, withRetention), { rootType: 'v1beta1.KafkaChannelSpec' })));
        }
        errs = errs.also(checkSubscribersChange(o, ctx));
      }
      return errs;
    },
  }],
};

export const kafkaSinkAdmission: KindAdmission = {
  defaults(o) {
    const spec = ensureObj(o, 'spec');
    if (spec && str(spec, 'contentMode') === '') spec.contentMode = 'binary';
  },
  validators: [{
    webhook: WEBHOOKS.kafka,
    validate(o, ctx) {
      const spec = specOf(o);
      let errs = NONE;
      const mode = str(spec, 'contentMode');
      if (mode !== 'binary' && mode !== 'structured') errs = errs.also(kn.invalidValue(mode, 'contentMode'));
      const servers = list(spec, 'bootstrapServers');
      if (servers.length === 0) errs = errs.also(kn.invalidValue(servers, 'bootstrapServers'));
      if (str(spec, 'topic') === '') errs = errs.also(kn.invalidValue('', 'topic'));
      if (typeof spec.replicationFactor === 'number' && spec.replicationFactor <= 0) errs = errs.also(kn.invalidValue(spec.replicationFactor, 'replicationFactor'));
      if (typeof spec.numPartitions === 'number' && spec.numPartitions <= 0) errs = errs.also(kn.invalidValue(spec.numPartitions, 'numPartitions'));
      const secret = obj(obj(spec, 'auth'), 'secret');
      if (secret && str(obj(secret, 'ref'), 'name') === '') errs = errs.also(kn.invalidValue('', 'auth.secret.ref.name'));
      errs = errs.via('spec');
      if (isUpdate(ctx)) {
        const old = specOf(ctx.old);
        let imm = NONE;
        for (const field of ['topic', 'replicationFactor', 'numPartitions']) {
          if (!semanticEqual(old[field], spec[field])) imm = imm.also(kn.make('Immutable field updated', [field]));
        }
        errs = errs.also(imm.via('spec'));
      }
      return errs;
    },
  }],
};

export const kafkaSourceAdmission: KindAdmission = {
  defaults(o) {
    const spec = ensureObj(o, 'spec');
    if (!spec) return;
    if (str(spec, 'consumerGroup') === '') spec.consumerGroup = `knative-kafka-source-${randomUUID()}`;
    if (spec.consumers === undefined || spec.consumers === null) spec.consumers = 1;
    if (str(spec, 'initialOffset') === '') spec.initialOffset = 'latest';
    if (spec.ordering === undefined || spec.ordering === null) spec.ordering = 'ordered';
    defaultDestination(spec.sink, o.metadata.namespace);
    defaultDelivery(spec.delivery, o.metadata.namespace);
  },
  validators: [{
    webhook: WEBHOOKS.kafka,
    validate(o, ctx) {
      const spec = specOf(o);
      let errs = validateSourceSpec(spec, NO_PARENT);
      if (list(spec, 'topics').length === 0) errs = errs.also(kn.missingField('topics'));
      if (list(spec, 'bootstrapServers').length === 0) errs = errs.also(kn.missingField('bootstrapServers'));
      const offset = str(spec, 'initialOffset');
      if (offset !== 'earliest' && offset !== 'latest') errs = errs.also(kn.invalidValue(offset, 'initialOffset'));
      if (spec.ordering !== undefined && spec.ordering !== 'ordered' && spec.ordering !== 'unordered') errs = errs.also(kn.invalidValue(str(spec, 'ordering'), 'ordering'));
      errs = errs.via('spec');
      if (isUpdate(ctx)) {
        const before = str(specOf(ctx.old), 'consumerGroup');
        const after = str(spec, 'consumerGroup');
        if (before !== after) errs = errs.also(kn.make('Immutable fields changed (-old +new)', ['spec'], shortDiff(before, after, { rootType: 'string' })));
      }
      return errs;
    },
  }],
};
