/**
 * Test fixtures: a few KindDefinitions covering what documents must handle — a namespaced
 * CRD with a status subresource (SMCP), compiled-in core kinds (namespaced and cluster-scoped,
 * with restricted verbs) and a cluster-scoped CRD served in two versions with a scale
 * subresource.
 */
import type { KindDefinition } from '../../../api/kind.ts';
import type { JSONSchemaProps } from '../../../api/schema-types.ts';
import { smcpSchema } from '../../../api/schema/testdata/smcp-schema.ts';

export const smcpKind: KindDefinition = {
  group: 'maistra.io',
  kind: 'ServiceMeshControlPlane',
  plural: 'servicemeshcontrolplanes',
  singular: 'servicemeshcontrolplane',
  listKind: 'ServiceMeshControlPlaneList',
  scope: 'Namespaced',
  shortNames: ['smcp'],
  categories: ['maistra-io'],
  versions: [{ name: 'v2', served: true, storage: true, schema: { ...smcpSchema, description: 'ServiceMeshControlPlane is the Schema for the controlplanes API' } }],
  subresources: { status: true },
  builtin: false,
  generation: 'spec',
};

const typeMeta = { apiVersion: { type: 'string', description: 'APIVersion of ConfigMap.' }, kind: { type: 'string', description: 'Kind of ConfigMap.' } } satisfies Record<string, JSONSchemaProps>;

export const configMapKind: KindDefinition = {
  group: '',
  kind: 'ConfigMap',
  plural: 'configmaps',
  singular: 'configmap',
  listKind: 'ConfigMapList',
  scope: 'Namespaced',
  shortNames: ['cm'],
  categories: [],
  versions: [{
    name: 'v1', served: true, storage: true,
    schema: {
      type: 'object',
      description: 'ConfigMap holds configuration data for pods to consume.',
      properties: {
        ...typeMeta,
        metadata: { type: 'object', description: "Standard object's metadata." },
        data: { type: 'object', additionalProperties: { type: 'string' }, description: 'Data contains the configuration data.' },
        immutable: { type: 'boolean', description: 'Immutable, if set to true, ensures that data stored in the ConfigMap cannot be updated.' },
      },
    },
  }],
  subresources: {},
  builtin: true,
  generation: 'none',
};

export const namespaceKind: KindDefinition = {
  group: '',
  kind: 'Namespace',
  plural: 'namespaces',
  singular: 'namespace',
  listKind: 'NamespaceList',
  scope: 'Cluster',
  shortNames: ['ns'],
  categories: [],
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  versions: [{ name: 'v1', served: true, storage: true, schema: { type: 'object', properties: { spec: { type: 'object', properties: { finalizers: { type: 'array', items: { type: 'string' } } } } } } }],
  subresources: { status: true, others: ['finalize'] },
  builtin: true,
  generation: 'none',
};

const widgetSchema = (description: string): JSONSchemaProps => ({
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      description: 'WidgetSpec is the desired state of a widget.',
      properties: {
        replicas: { type: 'integer', description },
        port: { 'x-kubernetes-int-or-string': true, description: 'Port number or name.' },
        template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
      },
    },
    status: { type: 'object', properties: { replicas: { type: 'integer' }, selector: { type: 'string' } } },
  },
});

export const widgetKind: KindDefinition = {
  group: 'example.com',
  kind: 'Widget',
  plural: 'widgets',
  singular: 'widget',
  listKind: 'WidgetList',
  scope: 'Cluster',
  shortNames: [],
  categories: [],
  versions: [
    { name: 'v1', served: true, storage: true, schema: widgetSchema('How many widgets to run.'), selectableFields: ['.spec.replicas'] },
    { name: 'v1beta1', served: true, storage: false, schema: widgetSchema('Replica count (beta).') },
    { name: 'v1alpha1', served: false, storage: false, schema: widgetSchema('unserved') },
  ],
  subresources: { status: true, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' } },
  builtin: false,
  fromCrd: true,
  generation: 'spec',
};
