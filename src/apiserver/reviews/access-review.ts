/**
 * SubjectAccessReview, LocalSubjectAccessReview, SelfSubjectAccessReview and
 * SelfSubjectRulesReview, answered as kube-apiserver's REST storages answer them
 * (pkg/registry/authorization/*), with the validation of pkg/apis/authorization/validation
 * (1.32) and its messages. skiff has no authorizer (docs/api-server.md): every
 * authenticated user may do everything, which is what kube-apiserver's AlwaysAllow
 * authorizer decides too — so the answers are AlwaysAllow's, plus a reason saying why.
 */
import { fieldErr, type FieldError } from '../../api/field-error.ts';
import type { KubeObject } from '../../api/object.ts';
import { badRequest, invalid } from '../storage/api-errors.ts';
import { goNonResourceAttributes, goObjectMeta, isZeroObjectMeta } from './go-values.ts';

export interface Subject {
  user: string;
  groups: readonly string[];
}

export const ALLOWED_REASON = 'skiff authorizes every authenticated user: it has no authorization (see docs/api-server.md)';
export const ANONYMOUS_REASON = 'skiff answers every request without credentials with 401 Unauthorized';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** What skiff decides for a subject: anyone who could have authenticated may do anything. */
export function decide(subject: Subject): { allowed: boolean; reason: string } {
  const anonymous = subject.user === 'system:anonymous' || subject.groups.includes('system:unauthenticated');
  return anonymous ? { allowed: false, reason: ANONYMOUS_REASON } : { allowed: true, reason: ALLOWED_REASON };
}

// ── validation (pkg/apis/authorization/validation, 1.32) ─────────────────────────────

function validateAttributes(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const resource = obj(spec.resourceAttributes);
  const nonResource = obj(spec.nonResourceAttributes);
  if (resource && nonResource) errs.push(fieldErr.invalid('spec.nonResourceAttributes', goNonResourceAttributes(nonResource), 'cannot be specified in combination with resourceAttributes'));
  // Upstream names resourceAttributes but shows the (nil) nonResourceAttributes: "null".
  if (!resource && !nonResource) errs.push(fieldErr.invalid('spec.resourceAttributes', null, 'exactly one of nonResourceAttributes or resourceAttributes must be specified'));
  return errs;
}

function validateSelector(selector: Obj | undefined, path: string): FieldError[] {
  if (!selector) return [];
  const errs: FieldError[] = [];
  const raw = typeof selector.rawSelector === 'string' ? selector.rawSelector : '';
  const requirements = Array.isArray(selector.requirements) ? selector.requirements : [];
  if (raw !== '' && requirements.length > 0) errs.push(fieldErr.invalid(`${path}.rawSelector`, raw, 'may not specified at the same time as requirements'));
  if (raw === '' && requirements.length === 0) errs.push(fieldErr.required(`${path}.requirements`, `when ${path} is specified, requirements or rawSelector is required`));
  return errs;
}

function validateResourceAttributes(spec: Obj): FieldError[] {
  const attrs = obj(spec.resourceAttributes);
  if (!attrs) return [];
  return [...validateSelector(obj(attrs.fieldSelector), 'spec.resourceAttributes.fieldSelector'), ...validateSelector(obj(attrs.labelSelector), 'spec.resourceAttributes.labelSelector')];
}

function validateMetadata(review: KubeObject, ignore: readonly string[], message: string): FieldError[] {
  const meta = (review.metadata ?? {}) as Obj;
  return isZeroObjectMeta(meta, ['managedFields', ...ignore]) ? [] : [fieldErr.invalid('metadata', goObjectMeta(meta), message)];
}

function validateSubject(spec: Obj): FieldError[] {
  const user = typeof spec.user === 'string' ? spec.user : '';
  return user === '' && strings(spec.groups).length === 0 ? [fieldErr.invalid('spec.user', user, 'at least one of user or group must be specified')] : [];
}

/**
 * The 422 of an invalid review. The REST storages name the internal object's kind, which
 * decoding leaves empty: `.authorization.k8s.io "" is invalid: …`.
 */
function rejectInvalid(errs: FieldError[]): void {
  if (errs.length > 0) throw invalid({ kind: '', group: 'authorization.k8s.io' }, '', errs);
}

// ── answers ──────────────────────────────────────────────────────────────────────────

function answer(review: KubeObject, kind: string, status: Obj): KubeObject {
  return {
    ...review,
    apiVersion: 'authorization.k8s.io/v1',
    kind,
    metadata: { ...review.metadata, creationTimestamp: null } as unknown as KubeObject['metadata'],
    spec: review.spec ?? {},
    status,
  };
}

function accessStatus(subject: Subject): Obj {
  const { allowed, reason } = decide(subject);
  return { allowed, reason };
}

export function reviewSubjectAccess(review: KubeObject): KubeObject {
  const spec = obj(review.spec) ?? {};
  rejectInvalid([...validateAttributes(spec), ...validateSubject(spec), ...validateResourceAttributes(spec), ...validateMetadata(review, [], 'must be empty')]);
  return answer(review, 'SubjectAccessReview', accessStatus({ user: typeof spec.user === 'string' ? spec.user : '', groups: strings(spec.groups) }));
}

/** `namespace` is the request's (the URL's); the handler has already put it in metadata.namespace. */
export function reviewLocalSubjectAccess(review: KubeObject, namespace: string): KubeObject {
  const spec = obj(review.spec) ?? {};
  const errs = [...validateAttributes(spec), ...validateSubject(spec), ...validateResourceAttributes(spec), ...validateMetadata(review, ['namespace'], 'must be empty except for namespace')];
  const resource = obj(spec.resourceAttributes);
  const resourceNamespace = typeof resource?.namespace === 'string' ? resource.namespace : '';
  if (resource && resourceNamespace !== (review.metadata?.namespace ?? '')) errs.push(fieldErr.invalid('spec.resourceAttributes.namespace', resourceNamespace, 'must match metadata.namespace'));
  const nonResource = obj(spec.nonResourceAttributes);
  if (nonResource) errs.push(fieldErr.invalid('spec.nonResourceAttributes', goNonResourceAttributes(nonResource), 'disallowed on this kind of request'));
  rejectInvalid(errs);
  if (namespace === '') throw badRequest('namespace is required on this type: ');
  return answer(review, 'LocalSubjectAccessReview', accessStatus({ user: typeof spec.user === 'string' ? spec.user : '', groups: strings(spec.groups) }));
}

export function reviewSelfSubjectAccess(review: KubeObject, requester: Subject): KubeObject {
  const spec = obj(review.spec) ?? {};
  rejectInvalid([...validateAttributes(spec), ...validateResourceAttributes(spec), ...validateMetadata(review, [], 'must be empty')]);
  return answer(review, 'SelfSubjectAccessReview', accessStatus(requester));
}

/** What kube-apiserver's AlwaysAllow authorizer lists (RulesFor): everything, complete. */
export function reviewSelfSubjectRules(review: KubeObject): KubeObject {
  const spec = obj(review.spec) ?? {};
  if (typeof spec.namespace !== 'string' || spec.namespace === '') throw badRequest('no namespace on request');
  return answer(review, 'SelfSubjectRulesReview', {
    resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
    nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
    incomplete: false,
  });
}
