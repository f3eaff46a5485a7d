import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { subjectAccessReviewKind } from '../../api/builtin/authorization/access-reviews.ts';
import { tokenReviewKind } from '../../api/builtin/authentication/token-review.ts';
import { SkiffError } from '../../errors/skiff-error.ts';
import { decodeStrictly } from './strict-decoding.ts';

const tokenReview = () => ({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', metadata: {}, spec: { token: 'x', foo: 1 } }) as never;

describe('decodeStrictly', () => {
  it('refuses unknown fields under Strict with the strict decoding error', () => {
    assert.throws(() => decodeStrictly(tokenReview(), tokenReviewKind(), 'Strict'), (e: unknown) => e instanceof SkiffError && e.code === 'SKF_API_UNKNOWN_FIELD' && e.message === 'TokenReview in version "v1" cannot be handled as a TokenReview: strict decoding error: unknown field "spec.foo"');
    const sar = { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', metadata: {}, spec: { user: 'u', resourceAttributes: { verb: 'get', bogus: 1 } } } as never;
    assert.throws(() => decodeStrictly(sar, subjectAccessReviewKind(), 'Strict'), /unknown field "spec.resourceAttributes.bogus"/);
  });

  it('warns (absent or Warn) or stays silent (Ignore), and drops the fields either way', () => {
    for (const [directive, warnings] of [[null, ['unknown field "spec.foo"']], ['Warn', ['unknown field "spec.foo"']], ['Ignore', []]] as const) {
      const review = tokenReview() as { spec: object };
      assert.deepEqual(decodeStrictly(review as never, tokenReviewKind(), directive), warnings);
      assert.deepEqual(review.spec, { token: 'x' });
    }
  });

  it('keeps every known field, status included', () => {
    const sar = { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', metadata: { creationTimestamp: null }, spec: { user: 'u', groups: ['g'], uid: '1', extra: { k: ['v'] }, resourceAttributes: { namespace: 'n', verb: 'get', group: '', version: 'v1', resource: 'pods', subresource: 'log', name: 'p', fieldSelector: { rawSelector: 'a=b' }, labelSelector: { requirements: [{ key: 'a', operator: 'In', values: ['b'] }] } } }, status: { allowed: false } };
    const copy = structuredClone(sar);
    assert.deepEqual(decodeStrictly(copy as never, subjectAccessReviewKind(), 'Strict'), []);
    assert.deepEqual(copy, sar);
  });

  it('refuses an unknown fieldValidation value as kube-apiserver does', () => {
    assert.throws(() => decodeStrictly(tokenReview(), tokenReviewKind(), 'Bogus'), /CreateOptions\.meta\.k8s\.io "" is invalid: fieldValidation: Unsupported value: "Bogus"/);
  });
});
