/**
 * Small hand-written schemas for the patch engine's tests: fragments of Pod, Deployment,
 * Service and ConfigMap carrying the patch metadata Kubernetes' OpenAPI has for them
 * (merge keys from kubernetes-api.md §2.3, list types from k8s.io/api), and a CRD-style
 * schema. Test fixtures only; the real kinds' schemas live under src/api.
 */
import type { JSONSchemaProps } from '../../../api/schema-types.ts';

const str: JSONSchemaProps = { type: 'string' };
const int: JSONSchemaProps = { type: 'integer' };
const stringMap: JSONSchemaProps = { type: 'object', additionalProperties: str };

const envVar: JSONSchemaProps = {
  type: 'object',
  required: ['name'],
  properties: {
    name: str,
    value: str,
    valueFrom: { type: 'object', properties: { fieldRef: { type: 'object', properties: { fieldPath: str } } } },
  },
};

const containerPort: JSONSchemaProps = {
  type: 'object',
  required: ['containerPort'],
  properties: { name: str, containerPort: int, protocol: { type: 'string', default: 'TCP' } },
};

const container: JSONSchemaProps = {
  type: 'object',
  required: ['name'],
  properties: {
    name: str,
    image: str,
    command: { type: 'array', items: str, 'x-kubernetes-list-type': 'atomic' },
    args: { type: 'array', items: str, 'x-kubernetes-list-type': 'atomic' },
    env: {
      type: 'array', items: envVar,
      'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'],
      'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'name',
    },
    ports: {
      type: 'array', items: containerPort,
      'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['containerPort', 'protocol'],
      'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'containerPort',
    },
    volumeMounts: {
      type: 'array',
      items: { type: 'object', properties: { name: str, mountPath: str, readOnly: { type: 'boolean' } } },
      'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['mountPath'],
      'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'mountPath',
    },
    resources: { type: 'object', properties: { limits: stringMap, requests: stringMap } },
  },
};

const volume: JSONSchemaProps = {
  type: 'object',
  required: ['name'],
  properties: {
    name: str,
    configMap: { type: 'object', properties: { name: str } },
    secret: { type: 'object', properties: { secretName: str } },
    emptyDir: { type: 'object', properties: { medium: str } },
  },
};

export const POD_SPEC: JSONSchemaProps = {
  type: 'object',
  properties: {
    containers: {
      type: 'array', items: container,
      'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'],
      'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'name',
    },
    initContainers: {
      type: 'array', items: container,
      'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'],
      'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'name',
    },
    volumes: {
      type: 'array', items: volume,
      'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'],
      'x-kubernetes-patch-strategy': 'merge,retainKeys', 'x-kubernetes-patch-merge-key': 'name',
    },
    nodeSelector: { ...stringMap, 'x-kubernetes-map-type': 'atomic' },
    serviceAccountName: str,
    restartPolicy: str,
  },
};

const objectMeta: JSONSchemaProps = {
  type: 'object',
  properties: {
    name: str, namespace: str, uid: str, resourceVersion: str, generation: int, creationTimestamp: str,
    labels: stringMap, annotations: stringMap,
    finalizers: { type: 'array', items: str, 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' },
    ownerReferences: {
      type: 'array',
      items: { type: 'object', properties: { apiVersion: str, kind: str, name: str, uid: str, controller: { type: 'boolean' } }, 'x-kubernetes-map-type': 'atomic' },
      'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['uid'],
      'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'uid',
    },
    managedFields: { type: 'array', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
  },
};

const condition: JSONSchemaProps = {
  type: 'object',
  properties: { type: str, status: str, reason: str, message: str, lastTransitionTime: str },
};

export const POD: JSONSchemaProps = {
  type: 'object',
  properties: {
    apiVersion: str, kind: str, metadata: objectMeta, spec: POD_SPEC,
    status: { type: 'object', properties: { phase: str, conditions: { type: 'array', items: condition, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'], 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'type' } } },
  },
};

export const DEPLOYMENT: JSONSchemaProps = {
  type: 'object',
  properties: {
    apiVersion: str, kind: str, metadata: objectMeta,
    spec: {
      type: 'object',
      properties: {
        replicas: int,
        paused: { type: 'boolean' },
        selector: { type: 'object', properties: { matchLabels: stringMap }, 'x-kubernetes-map-type': 'atomic' },
        strategy: {
          type: 'object',
          properties: {
            type: str,
            rollingUpdate: { type: 'object', properties: { maxSurge: { 'x-kubernetes-int-or-string': true }, maxUnavailable: { 'x-kubernetes-int-or-string': true } } },
          },
          'x-kubernetes-patch-strategy': 'retainKeys',
        },
        template: { type: 'object', properties: { metadata: objectMeta, spec: POD_SPEC } },
      },
    },
    status: { type: 'object', properties: { replicas: int, readyReplicas: int, conditions: { type: 'array', items: condition, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'], 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'type' } } },
  },
};

export const SERVICE: JSONSchemaProps = {
  type: 'object',
  properties: {
    apiVersion: str, kind: str, metadata: objectMeta,
    spec: {
      type: 'object',
      properties: {
        type: str,
        selector: { ...stringMap, 'x-kubernetes-map-type': 'atomic' },
        ports: {
          type: 'array',
          items: { type: 'object', properties: { name: str, port: int, targetPort: { 'x-kubernetes-int-or-string': true }, protocol: { type: 'string', default: 'TCP' } } },
          'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['port', 'protocol'],
          'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'port',
        },
      },
    },
  },
};

export const CONFIG_MAP: JSONSchemaProps = {
  type: 'object',
  properties: { apiVersion: str, kind: str, metadata: objectMeta, data: stringMap, binaryData: stringMap, immutable: { type: 'boolean' } },
};

/** A CRD-style schema: metadata left open, a typed spec with a list-map, a free-form part. */
export const WIDGET_CRD: JSONSchemaProps = {
  type: 'object',
  properties: {
    apiVersion: str, kind: str,
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      properties: {
        size: int,
        color: str,
        tags: { type: 'array', items: str, 'x-kubernetes-list-type': 'set' },
        args: { type: 'array', items: str },
        routes: {
          type: 'array',
          items: { type: 'object', required: ['host'], properties: { host: str, port: int, weight: int } },
          'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['host', 'port'],
        },
        config: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      },
    },
    status: { type: 'object', properties: { phase: str, observedGeneration: int } },
  },
};
