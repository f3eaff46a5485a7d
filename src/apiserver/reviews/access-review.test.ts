import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SkiffError } from '../../errors/skiff-error.ts';
import { ALLOWED_REASON, ANONYMOUS_REASON, decide, reviewLocalSubjectAccess, reviewSelfSubjectAccess, reviewSelfSubjectRules, reviewSubjectAccess } from './access-review.ts';

const sar = (kind: string, spec: object, metadata: object = {}) => ({ apiVersion: 'authorization.k8s.io/v1', kind, metadata, spec }) as never;
const admin = { user: 'skiff-admin', groups: ['system:masters', 'system:authenticated'] };

/** Runs `fn` and returns the SkiffError it throws. */
function rejection(fn: () => unknown): SkiffError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SkiffError) return err;
    throw err;
  }
  assert.fail('expected a rejection');
}

describe('decide', () => {
  it('allows every subject that could have authenticated, and no anonymous one', () => {
    assert.deepEqual(decide({ user: 'system:serviceaccount:openshift-monitoring:prometheus-k8s', groups: [] }), { allowed: true, reason: ALLOWED_REASON });
    assert.deepEqual(decide({ user: '', groups: ['system:authenticated'] }), { allowed: true, reason: ALLOWED_REASON });
    assert.deepEqual(decide({ user: 'system:anonymous', groups: [] }), { allowed: false, reason: ANONYMOUS_REASON });
    assert.deepEqual(decide({ user: 'x', groups: ['system:unauthenticated'] }), { allowed: false, reason: ANONYMOUS_REASON });
  });
});

describe('reviewSubjectAccess', () => {
  it("answers kube-rbac-proxy's question (non-resource get /metrics) with the posted review and its status", () => {
    const spec = { user: 'system:serviceaccount:openshift-monitoring:prometheus-k8s', groups: ['system:serviceaccounts'], nonResourceAttributes: { path: '/metrics', verb: 'get' } };
    assert.deepEqual(reviewSubjectAccess(sar('SubjectAccessReview', spec)), {
      apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', metadata: { creationTimestamp: null }, spec,
      status: { allowed: true, reason: ALLOWED_REASON },
    });
  });

  it("rejects an empty spec with kube-apiserver's two field errors, naming the internal object's empty kind", () => {
    const err = rejection(() => reviewSubjectAccess(sar('SubjectAccessReview', {})));
    assert.equal(err.code, 'SKF_API_INVALID');
    assert.equal(err.message, '.authorization.k8s.io "" is invalid: [spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified, spec.user: Invalid value: "": at least one of user or group must be specified]');
  });

  it('rejects both kinds of attributes at once, showing the non-resource ones as Go prints them', () => {
    const err = rejection(() => reviewSubjectAccess(sar('SubjectAccessReview', { groups: ['g'], resourceAttributes: { verb: 'get' }, nonResourceAttributes: { path: '/metrics', verb: 'get' } })));
    assert.equal(err.message, '.authorization.k8s.io "" is invalid: spec.nonResourceAttributes: Invalid value: authorization.NonResourceAttributes{Path:"/metrics", Verb:"get"}: cannot be specified in combination with resourceAttributes');
  });

  it('rejects metadata other than the zero value (empty maps count as zero), showing it as Go prints ObjectMeta', () => {
    assert.doesNotThrow(() => reviewSubjectAccess(sar('SubjectAccessReview', { user: 'u', resourceAttributes: {} }, { labels: {}, creationTimestamp: null })));
    const err = rejection(() => reviewSubjectAccess(sar('SubjectAccessReview', { user: 'u', resourceAttributes: {} }, { name: 'x', labels: { b: '2', a: '1' } })));
    assert.equal(err.message, '.authorization.k8s.io "" is invalid: metadata: Invalid value: v1.ObjectMeta{Name:"x", GenerateName:"", Namespace:"", SelfLink:"", UID:"", ResourceVersion:"", Generation:0, CreationTimestamp:time.Date(1, time.January, 1, 0, 0, 0, 0, time.UTC), DeletionTimestamp:<nil>, DeletionGracePeriodSeconds:(*int64)(nil), Labels:map[string]string{"a":"1", "b":"2"}, Annotations:map[string]string(nil), OwnerReferences:[]v1.OwnerReference(nil), Finalizers:[]string(nil), ManagedFields:[]v1.ManagedFieldsEntry(nil)}: must be empty');
  });

  it('validates field and label selector attributes', () => {
    const err = rejection(() => reviewSubjectAccess(sar('SubjectAccessReview', { user: 'u', resourceAttributes: { fieldSelector: {}, labelSelector: { rawSelector: 'a=b', requirements: [{ key: 'a', operator: 'In', values: ['b'] }] } } })));
    assert.equal(err.message, '.authorization.k8s.io "" is invalid: [spec.resourceAttributes.fieldSelector.requirements: Required value: when spec.resourceAttributes.fieldSelector is specified, requirements or rawSelector is required, spec.resourceAttributes.labelSelector.rawSelector: Invalid value: "a=b": may not specified at the same time as requirements]');
  });
});

describe('reviewLocalSubjectAccess', () => {
  it('answers a review whose resource namespace is the request namespace', () => {
    const answer = reviewLocalSubjectAccess(sar('LocalSubjectAccessReview', { user: 'u', resourceAttributes: { namespace: 'ns', verb: 'get', resource: 'pods' } }, { namespace: 'ns' }), 'ns');
    assert.deepEqual(answer.status, { allowed: true, reason: ALLOWED_REASON });
    assert.equal(answer.metadata.namespace, 'ns');
  });

  it('rejects another resource namespace and non-resource attributes', () => {
    const err = rejection(() => reviewLocalSubjectAccess(sar('LocalSubjectAccessReview', { user: 'u', resourceAttributes: { namespace: 'other' } }, { namespace: 'ns' }), 'ns'));
    assert.equal(err.message, '.authorization.k8s.io "" is invalid: spec.resourceAttributes.namespace: Invalid value: "other": must match metadata.namespace');
    const err2 = rejection(() => reviewLocalSubjectAccess(sar('LocalSubjectAccessReview', { user: 'u', nonResourceAttributes: { path: '/x', verb: 'get' } }, { namespace: 'ns' }), 'ns'));
    assert.equal(err2.message, '.authorization.k8s.io "" is invalid: spec.nonResourceAttributes: Invalid value: authorization.NonResourceAttributes{Path:"/x", Verb:"get"}: disallowed on this kind of request');
  });
});

describe('reviewSelfSubjectAccess', () => {
  it('decides for the requester and needs no user in the spec', () => {
    const answer = reviewSelfSubjectAccess(sar('SelfSubjectAccessReview', { resourceAttributes: { namespace: 'default', verb: 'get', resource: 'pods' } }), admin);
    assert.deepEqual(answer.status, { allowed: true, reason: ALLOWED_REASON });
  });

  it('still needs exactly one kind of attributes', () => {
    const err = rejection(() => reviewSelfSubjectAccess(sar('SelfSubjectAccessReview', {}), admin));
    assert.equal(err.message, '.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified');
  });
});

describe('reviewSelfSubjectRules', () => {
  it("lists what kube-apiserver's AlwaysAllow authorizer lists: everything, complete", () => {
    assert.deepEqual(reviewSelfSubjectRules(sar('SelfSubjectRulesReview', { namespace: 'default' })).status, {
      resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
      nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
      incomplete: false,
    });
  });

  it('needs a namespace', () => {
    assert.equal(rejection(() => reviewSelfSubjectRules(sar('SelfSubjectRulesReview', {}))).message, 'no namespace on request');
  });
});
