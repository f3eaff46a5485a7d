/**
 * The shape shared by the review kinds (TokenReview, SubjectAccessReview & co.): create-only
 * and never stored. kube-apiserver serves them with a REST storage that implements only
 * Create, so discovery lists the verb `create` alone, and the answer is the posted object
 * with `status` filled. Their schemas are not in definitions.json (its generator keeps
 * stored kinds), so each kind writes its own from k8s.io/api v0.32's types.
 */
import type { KindDefinition, Scope } from '../../kind.ts';
import type { JSONSchemaProps } from '../../schema-types.ts';
import { SkiffError } from '../../../errors/skiff-error.ts';
import { builtinDefinition } from '../schemas/load.ts';
import { age, ageColumn, nameColumn, OBJECT_META } from './table.ts';

export interface ReviewKindInput {
  group: string;
  kind: string;
  plural: string;
  scope: Scope;
  description: string;
  /** Absent for SelfSubjectReview, which asks nothing but "who am I?". */
  spec?: JSONSchemaProps;
  status: JSONSchemaProps;
}

export const REVIEW_VERBS: readonly string[] = ['create'];

export function reviewKind(input: ReviewKindInput): KindDefinition {
  const schema: JSONSchemaProps = {
    type: 'object',
    description: input.description,
    ...(input.spec ? { required: ['spec'] } : {}),
    properties: {
      apiVersion: { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources' },
      kind: { type: 'string', description: 'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds' },
      metadata: { ...builtinDefinition(OBJECT_META), description: "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata" },
      ...(input.spec ? { spec: input.spec } : {}),
      status: input.status,
    },
  };
  return {
    group: input.group, kind: input.kind, plural: input.plural, singular: input.kind.toLowerCase(), listKind: `${input.kind}List`,
    scope: input.scope, shortNames: [], categories: [],
    versions: [{ name: 'v1', served: true, storage: true, schema }],
    verbs: REVIEW_VERBS,
    subresources: {},
    builtin: true,
    generation: 'none',
    // Never listed (no list verb); a printer keeps `kubectl create` without -o simple.
    table: { columns: [nameColumn(), ageColumn()], row: (o, now) => [o.metadata.name ?? '', age(o, now)] },
    // The HTTP handler answers reviews before storage; a write reaching storage (an
    // in-process client's create) would store one, which kube-apiserver never does.
    validate: () => {
      throw new SkiffError('SKF_API_METHOD_NOT_ALLOWED', `${input.kind} is answered by the API server's HTTP handler (POST /apis/${input.group}/v1/${input.plural}) and never stored`);
    },
  };
}

/** Whether a kind is one of these create-only reviews (served by the review handlers). */
export function isReviewKind(def: Pick<KindDefinition, 'verbs'>): boolean {
  return def.verbs === REVIEW_VERBS;
}

export const stringArray = (description: string): JSONSchemaProps => ({ type: 'array', description, items: { type: 'string', default: '' } });
export const extraMap = (description: string): JSONSchemaProps => ({ type: 'object', description, additionalProperties: { type: 'array', items: { type: 'string', default: '' } } });
