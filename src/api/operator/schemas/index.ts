/**
 * The stored operator schemas (see README.md for their upstream sources): the CRDs that
 * OpenShift Serverless 1.35 ships for KnativeServing, KnativeEventing and KnativeKafka.
 */
import type { JSONSchemaProps } from '../../schema-types.ts';
import knativeServingV1beta1 from './knativeserving.v1beta1.json' with { type: 'json' };
import knativeEventingV1beta1 from './knativeeventing.v1beta1.json' with { type: 'json' };
import knativeKafkaV1alpha1 from './knativekafka.v1alpha1.json' with { type: 'json' };

const schema = (json: unknown): JSONSchemaProps => json as JSONSchemaProps;

export const OPERATOR_SCHEMAS = {
  knativeServing: { v1beta1: schema(knativeServingV1beta1) },
  knativeEventing: { v1beta1: schema(knativeEventingV1beta1) },
  knativeKafka: { v1alpha1: schema(knativeKafkaV1alpha1) },
} as const;
