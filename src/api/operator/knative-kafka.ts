/**
 * KnativeKafka (operator.serverless.openshift.io/v1alpha1): the Serverless CRD, its
 * validating webhook (namespace, one per namespace, KnativeEventing first, channel shape),
 * and one skiff-only leniency (kinds.md §4 Q1, seeds/README.md).
 *
 * The seed's example nests `sink` under `spec.broker`. Upstream has no such field — `sink`
 * is top-level — so a real cluster rejects it under strict field validation and never
 * enables the Kafka sink. skiff accepts the document as written: the schema carries
 * `spec.broker.sink` as a documented deprecated alias, defaulting copies its intent to
 * `spec.sink` (the field the controllers read), and a warning names the correct form.
 */
import { fieldErr } from '../field-error.ts';
import type { FieldError } from '../field-error.ts';
import type { KindDefinition } from '../kind.ts';
import type { KubeObject } from '../object.ts';
import type { JSONSchemaProps } from '../schema-types.ts';
import { crdKind } from '../mesh/crd-kind.ts';
import { asRecord, asString, specOf } from '../mesh/fields.ts';
import { EVENTING_NAMESPACE, operatorColumns, requireAlone, requireNamespace } from './operator-kind.ts';
import { OPERATOR_SCHEMAS } from './schemas/index.ts';

const KIND = 'KnativeKafka';

const BROKER_SINK_ALIAS: JSONSchemaProps = {
  type: 'object',
  description:
    'Deprecated alias accepted by skiff only: KnativeKafka has no spec.broker.sink, the Kafka sink is configured by the top-level spec.sink. '
    + 'skiff copies this value to spec.sink when spec.sink is not set, and warns. Write spec.sink.enabled instead.',
  properties: { enabled: { type: 'boolean', description: 'Enabled defines if the KafkaSink installation is enabled (copied to spec.sink.enabled).' } },
  required: ['enabled'],
};

/** The upstream schema plus the `spec.broker.sink` alias; nothing else changes. */
export function withBrokerSinkAlias(schema: JSONSchemaProps): JSONSchemaProps {
  const copy = structuredClone(schema);
  const broker = copy.properties?.spec?.properties?.broker;
  if (!broker?.properties) throw new Error('KnativeKafka schema has no spec.broker properties');
  broker.properties.sink = BROKER_SINK_ALIAS;
  return copy;
}

function brokerSink(obj: KubeObject): Record<string, unknown> | undefined {
  return asRecord(asRecord(specOf(obj).broker)?.sink);
}

/** Honours the alias: `spec.broker.sink` becomes `spec.sink` unless that is set already. */
export function defaultKnativeKafka(obj: KubeObject): void {
  const alias = brokerSink(obj);
  const spec = asRecord(obj.spec);
  if (!alias || !spec || spec.sink !== undefined) return;
  spec.sink = { ...alias };
}

export function knativeKafkaWarnings(obj: KubeObject): string[] {
  const alias = brokerSink(obj);
  if (!alias) return [];
  const enabled = alias.enabled === true;
  const sink = asRecord(specOf(obj).sink);
  const effect = sink && sink.enabled !== alias.enabled
    ? `spec.sink is also set and wins (spec.sink.enabled: ${String(sink.enabled)})`
    : `skiff applied it as spec.sink.enabled: ${String(enabled)}`;
  return [
    `spec.broker.sink is not a KnativeKafka field (OpenShift Serverless rejects it: unknown field "spec.broker.sink"); ${effect}. `
    + `Move it to the top level of spec: "sink: {enabled: ${String(enabled)}}" (spec.sink.enabled).`,
  ];
}

export function validateKnativeKafka(obj: KubeObject): FieldError[] {
  const errors = requireNamespace(KIND, obj, EVENTING_NAMESPACE);
  const channel = asRecord(specOf(obj).channel) ?? {};
  const has = (k: string): boolean => (asString(channel[k]) ?? '') !== '';
  if (channel.enabled === true && !has('bootstrapServers')) {
    errors.push(fieldErr.required('spec.channel.bootstrapServers', 'spec.channel.bootStrapServers is a required detail when spec.channel.enabled is true'));
  }
  if (has('authSecretName') && !has('authSecretNamespace')) {
    errors.push(fieldErr.required('spec.channel.authSecretNamespace', 'spec.channel.authSecretNamespace is required when spec.channel.authSecretName is defined'));
  }
  if (has('authSecretNamespace') && !has('authSecretName')) {
    errors.push(fieldErr.required('spec.channel.authSecretName', 'spec.channel.authSecretName is required when spec.channel.authSecretNamespace is defined'));
  }
  return errors;
}

/** The webhook's store-dependent rules: one KnativeKafka per namespace, after KnativeEventing. */
export function validateKnativeKafkaAdmission(
  obj: KubeObject,
  existing: { knativeKafkas: readonly KubeObject[]; knativeEventings: readonly KubeObject[] },
): FieldError[] {
  const errors = requireAlone(KIND, obj, existing.knativeKafkas);
  const eventingHere = existing.knativeEventings.some((e) => e.metadata.namespace === obj.metadata.namespace);
  if (!obj.metadata.deletionTimestamp && !eventingHere) {
    errors.push(fieldErr.forbidden('metadata.namespace', 'KnativeEventing instance must be installed before KnativeKafka'));
  }
  return errors;
}

export function knativeKafkaKind(): KindDefinition {
  return crdKind({
    group: 'operator.serverless.openshift.io',
    kind: KIND,
    plural: 'knativekafkas',
    versions: [{ name: 'v1alpha1', storage: true, schema: withBrokerSinkAlias(OPERATOR_SCHEMAS.knativeKafka.v1alpha1), printerColumns: operatorColumns("'") }],
    defaults: defaultKnativeKafka,
    validate: (obj) => validateKnativeKafka(obj),
    warnings: knativeKafkaWarnings,
  });
}
