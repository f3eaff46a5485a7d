/**
 * The patch-relevant parts of metav1.ObjectMeta's OpenAPI schema. CRD schemas usually say
 * only `metadata: {type: object}`, while kube-apiserver patches and applies every object's
 * metadata with ObjectMeta's real shape (finalizers a set, ownerReferences keyed by uid,
 * labels and annotations granular maps). The engine substitutes this schema whenever the
 * kind's own schema leaves metadata unspecified.
 */
import type { JSONSchemaProps } from '../../api/schema-types.ts';

const stringMap: JSONSchemaProps = { type: 'object', additionalProperties: { type: 'string' } };

export const OBJECT_META_SCHEMA: JSONSchemaProps = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    generateName: { type: 'string' },
    namespace: { type: 'string' },
    uid: { type: 'string' },
    resourceVersion: { type: 'string' },
    generation: { type: 'integer', format: 'int64' },
    creationTimestamp: { type: 'string', format: 'date-time' },
    deletionTimestamp: { type: 'string', format: 'date-time' },
    deletionGracePeriodSeconds: { type: 'integer', format: 'int64' },
    selfLink: { type: 'string' },
    labels: stringMap,
    annotations: stringMap,
    finalizers: {
      type: 'array',
      items: { type: 'string' },
      'x-kubernetes-list-type': 'set',
      'x-kubernetes-patch-strategy': 'merge',
    },
    ownerReferences: {
      type: 'array',
      items: {
        type: 'object',
        required: ['apiVersion', 'kind', 'name', 'uid'],
        properties: {
          apiVersion: { type: 'string' },
          kind: { type: 'string' },
          name: { type: 'string' },
          uid: { type: 'string' },
          controller: { type: 'boolean' },
          blockOwnerDeletion: { type: 'boolean' },
        },
        'x-kubernetes-map-type': 'atomic',
      },
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['uid'],
      'x-kubernetes-patch-strategy': 'merge',
      'x-kubernetes-patch-merge-key': 'uid',
    },
    managedFields: { type: 'array', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, 'x-kubernetes-list-type': 'atomic' },
  },
};
