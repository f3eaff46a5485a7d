/**
 * The apimachinery definitions every group-version document refers to (ObjectMeta, ListMeta,
 * Status, DeleteOptions, Patch, …), named and shaped as in kube-apiserver's OpenAPI v3.
 * ObjectMeta's fields come from the one ObjectMeta schema in src/api/meta.
 */
import { FIELDS_V1_DESCRIPTION, TIME_DESCRIPTION, managedFieldsEntrySchema, objectMetaSchema, ownerReferenceSchema } from '../../api/meta/object-meta-schema.ts';
import type { JSONSchemaProps } from '../../api/schema-types.ts';

export type OpenApiSchema = Record<string, unknown>;

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
export const DEF = {
  objectMeta: `${META}.ObjectMeta`,
  listMeta: `${META}.ListMeta`,
  ownerReference: `${META}.OwnerReference`,
  managedFieldsEntry: `${META}.ManagedFieldsEntry`,
  fieldsV1: `${META}.FieldsV1`,
  time: `${META}.Time`,
  status: `${META}.Status`,
  statusDetails: `${META}.StatusDetails`,
  statusCause: `${META}.StatusCause`,
  deleteOptions: `${META}.DeleteOptions`,
  preconditions: `${META}.Preconditions`,
  patch: `${META}.Patch`,
  scale: 'io.k8s.api.autoscaling.v1.Scale',
  scaleSpec: 'io.k8s.api.autoscaling.v1.ScaleSpec',
  scaleStatus: 'io.k8s.api.autoscaling.v1.ScaleStatus',
} as const;

/**
 * A reference to a component. A reference with sibling keywords is wrapped in a one-element
 * allOf, as kube-openapi's builder3 does (OpenAPI 3.0 ignores siblings of $ref).
 */
export function refTo(name: string, siblings: OpenApiSchema = {}): OpenApiSchema {
  const ref = { $ref: `#/components/schemas/${name}` };
  return Object.keys(siblings).length === 0 ? ref : { allOf: [ref], ...siblings };
}

export const TYPE_META_DESCRIPTIONS = {
  apiVersion: 'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources',
  kind: 'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds',
};

const typeMeta = (): Record<string, OpenApiSchema> => ({
  apiVersion: { type: 'string', description: TYPE_META_DESCRIPTIONS.apiVersion },
  kind: { type: 'string', description: TYPE_META_DESCRIPTIONS.kind },
});

/** Replaces embedded sub-schemas of ObjectMeta by references to their own components. */
function withRefs(schema: JSONSchemaProps, refs: ReadonlyMap<JSONSchemaProps, string>): OpenApiSchema {
  const out: OpenApiSchema = { ...schema };
  if (schema.properties) {
    out['properties'] = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => {
      if (v.format === 'date-time') return [k, refTo(DEF.time, v.description ? { description: v.description } : {})];
      if (v === managedFieldsEntrySchema.properties!['fieldsV1']) return [k, refTo(DEF.fieldsV1, { description: v.description })];
      const named = refs.get(v);
      if (named) return [k, refTo(named, v.description ? { description: v.description } : {})];
      if (v.items && refs.get(v.items)) return [k, { ...v, items: refTo(refs.get(v.items)!) }];
      return [k, v];
    }));
  }
  return out;
}

const LIST_META: OpenApiSchema = {
  description: 'ListMeta describes metadata that synthetic resources must have, including lists and various status objects. A resource may have only one of {ObjectMeta, ListMeta}.',
  type: 'object',
  properties: {
    continue: { type: 'string', description: 'continue may be set if the user set a limit on the number of items returned, and indicates that the server has more data available. The value is opaque and may be used to issue another request to the endpoint that served this list to retrieve the next set of available objects. Continuing a consistent list may not be possible if the server configuration has changed or more than a few minutes have passed. The resourceVersion field returned when using this continue value will be identical to the value in the first response, unless you have received this token from an error message.' },
    remainingItemCount: { type: 'integer', format: 'int64', description: 'remainingItemCount is the number of subsequent items in the list which are not included in this list response. If the list request contained label or field selectors, then the number of remaining items is unknown and the field will be left unset and omitted during serialization. If the list is complete (either because it is not chunking or because this is the last chunk), then there are no more remaining items and this field will be left unset and omitted during serialization. Servers older than v1.15 do not set this field. The intended use of the remainingItemCount is *estimating* the size of a collection. Clients should not rely on the remainingItemCount to be set or to be exact.' },
    resourceVersion: { type: 'string', description: "String that identifies the server's internal version of this object that can be used by clients to determine when objects have changed. Value must be treated as opaque by clients and passed unmodified back to the server. Populated by the system. Read-only. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#concurrency-control-and-consistency" },
    selfLink: { type: 'string', description: 'Deprecated: selfLink is a legacy read-only field that is no longer populated by the system.' },
  },
};

const STATUS: OpenApiSchema = {
  description: "Status is a return value for calls that don't return other objects.",
  type: 'object',
  properties: {
    ...typeMeta(),
    code: { type: 'integer', format: 'int32', description: 'Suggested HTTP return code for this status, 0 if not set.' },
    details: refTo(DEF.statusDetails, { description: 'Extended data associated with the reason.  Each reason may define its own extended details. This field is optional and the data returned is not guaranteed to conform to any schema except that defined by the reason type.', 'x-kubernetes-list-type': 'atomic' }),
    message: { type: 'string', description: 'A human-readable description of the status of this operation.' },
    metadata: refTo(DEF.listMeta, { default: {}, description: 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds' }),
    reason: { type: 'string', description: 'A machine-readable description of why this operation is in the "Failure" status. If this value is empty there is no information available. A Reason clarifies an HTTP status code but does not override it.' },
    status: { type: 'string', description: 'Status of the operation. One of: "Success" or "Failure". More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status' },
  },
  'x-kubernetes-group-version-kind': [{ group: '', kind: 'Status', version: 'v1' }],
};

const STATUS_DETAILS: OpenApiSchema = {
  description: 'StatusDetails is a set of additional properties that MAY be set by the server to provide additional information about a response. The Reason field of a Status object defines what attributes will be set. Clients must ignore fields that do not match the defined type of each attribute, and should assume that any attribute may be empty, invalid, or under defined.',
  type: 'object',
  properties: {
    causes: { type: 'array', items: refTo(DEF.statusCause, { default: {} }), 'x-kubernetes-list-type': 'atomic', description: 'The Causes array includes more details associated with the StatusReason failure. Not all StatusReasons may provide detailed causes.' },
    group: { type: 'string', description: 'The group attribute of the resource associated with the status StatusReason.' },
    kind: { type: 'string', description: 'The kind attribute of the resource associated with the status StatusReason. On some operations may differ from the requested resource Kind. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds' },
    name: { type: 'string', description: 'The name attribute of the resource associated with the status StatusReason (when there is a single name which can be described).' },
    retryAfterSeconds: { type: 'integer', format: 'int32', description: 'If specified, the time in seconds before the operation should be retried. Some errors may indicate the client must take an alternate action - for those errors this field may indicate how long to wait before taking the alternate action.' },
    uid: { type: 'string', description: 'UID of the resource. (when there is a single resource which can be described). More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#uids' },
  },
};

const STATUS_CAUSE: OpenApiSchema = {
  description: 'StatusCause provides more information about an api.Status failure, including cases when multiple errors are encountered.',
  type: 'object',
  properties: {
    field: { type: 'string', description: 'The field of the resource that has caused this error, as named by its JSON serialization. May include dot and postfix notation for nested attributes. Arrays are zero-indexed.  Fields may appear more than once in an array of causes due to fields having multiple errors. Optional.\n\nExamples:\n  "name" - the field "name" on the current resource\n  "items[0].name" - the field "name" on the first array entry in "items"' },
    message: { type: 'string', description: 'A human-readable description of the cause of the error.  This field may be presented as-is to a reader.' },
    reason: { type: 'string', description: 'A machine-readable description of the cause of the error. If this value is empty there is no information available.' },
  },
};

const DELETE_OPTIONS: OpenApiSchema = {
  description: 'DeleteOptions may be provided when deleting an API object.',
  type: 'object',
  properties: {
    ...typeMeta(),
    dryRun: { type: 'array', items: { type: 'string', default: '' }, 'x-kubernetes-list-type': 'atomic', description: 'When present, indicates that modifications should not be persisted. An invalid or unrecognized dryRun directive will result in an error response and no further processing of the request. Valid values are: - All: all dry run stages will be processed' },
    gracePeriodSeconds: { type: 'integer', format: 'int64', description: 'The duration in seconds before the object should be deleted. Value must be non-negative integer. The value zero indicates delete immediately. If this value is nil, the default grace period for the specified type will be used. Defaults to a per object value if not specified. zero means delete immediately.' },
    orphanDependents: { type: 'boolean', description: 'Deprecated: please use the PropagationPolicy, this field will be deprecated in 1.7. Should the dependent objects be orphaned. If true/false, the "orphan" finalizer will be added to/removed from the object\'s finalizers list. Either this field or PropagationPolicy may be set, but not both.' },
    preconditions: refTo(DEF.preconditions, { description: 'Must be fulfilled before a deletion is carried out. If not possible, a 409 Conflict status will be returned.' }),
    propagationPolicy: { type: 'string', description: "Whether and how garbage collection will be performed. Either this field or OrphanDependents may be set, but not both. The default policy is decided by the existing finalizer set in the metadata.finalizers and the resource-specific default policy. Acceptable values are: 'Orphan' - orphan the dependents; 'Background' - allow the garbage collector to delete the dependents in the background; 'Foreground' - a cascading policy that deletes all dependents in the foreground." },
  },
};

const PRECONDITIONS: OpenApiSchema = {
  description: 'Preconditions must be fulfilled before an operation (update, delete, etc.) is carried out.',
  type: 'object',
  properties: {
    resourceVersion: { type: 'string', description: 'Specifies the target ResourceVersion' },
    uid: { type: 'string', description: 'Specifies the target UID.' },
  },
};

const SCALE: OpenApiSchema = {
  description: 'Scale represents a scaling request for a resource.',
  type: 'object',
  properties: {
    ...typeMeta(),
    metadata: refTo(DEF.objectMeta, { default: {}, description: "Standard object metadata; More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata." }),
    spec: refTo(DEF.scaleSpec, { default: {}, description: 'spec defines the behavior of the scale. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status.' }),
    status: refTo(DEF.scaleStatus, { default: {}, description: 'status is the current status of the scale. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status. Read-only.' }),
  },
  'x-kubernetes-group-version-kind': [{ group: 'autoscaling', kind: 'Scale', version: 'v1' }],
};

/** Every apimachinery component a group-version document may refer to. */
export function metaComponents(): Record<string, OpenApiSchema> {
  const refs = new Map<JSONSchemaProps, string>([[ownerReferenceSchema, DEF.ownerReference], [managedFieldsEntrySchema, DEF.managedFieldsEntry]]);
  return {
    [DEF.deleteOptions]: DELETE_OPTIONS,
    [DEF.fieldsV1]: { description: FIELDS_V1_DESCRIPTION, type: 'object' },
    [DEF.listMeta]: LIST_META,
    [DEF.managedFieldsEntry]: withRefs(managedFieldsEntrySchema, refs),
    [DEF.objectMeta]: withRefs(objectMetaSchema, refs),
    [DEF.ownerReference]: withRefs(ownerReferenceSchema, refs),
    [DEF.patch]: { description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.', type: 'object' },
    [DEF.preconditions]: PRECONDITIONS,
    [DEF.status]: STATUS,
    [DEF.statusCause]: STATUS_CAUSE,
    [DEF.statusDetails]: STATUS_DETAILS,
    [DEF.time]: { description: TIME_DESCRIPTION, type: 'string', format: 'date-time' },
  };
}

/** autoscaling/v1 Scale and its parts, for kinds with a scale subresource. */
export function scaleComponents(): Record<string, OpenApiSchema> {
  return {
    [DEF.scale]: SCALE,
    [DEF.scaleSpec]: { description: 'ScaleSpec describes the attributes of a scale subresource.', type: 'object', properties: { replicas: { type: 'integer', format: 'int32', description: 'replicas is the desired number of instances for the scaled object.' } } },
    [DEF.scaleStatus]: {
      description: 'ScaleStatus represents the current status of a scale subresource.',
      type: 'object',
      required: ['replicas'],
      properties: {
        replicas: { type: 'integer', format: 'int32', default: 0, description: 'replicas is the actual number of observed instances of the scaled object.' },
        selector: { type: 'string', description: 'selector is the label query over pods that should match the replicas count. This is same as the label selector but in the string format to avoid introspection by the clients. The string format is the same as the query-param syntax. More info about label selectors: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels#label-selectors' },
      },
    },
  };
}
