import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  bearerToken, forbiddenMessage, readSubjectAccessReview, readTokenReview, requestAttributes, subjectAccessReviewRequest, tokenReviewRequest, verbOfMethod,
} from './reviews.ts';

const user = { name: 'system:serviceaccount:openshift-monitoring:prometheus-k8s', uid: 'u1', groups: ['system:serviceaccounts', 'system:authenticated'], extra: {} };

test('a TokenReview asks about the token (and the audiences when set)', () => {
  assert.deepEqual(tokenReviewRequest('abc', []), { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: 'abc' } });
  assert.deepEqual((tokenReviewRequest('abc', ['x']) as { spec: unknown }).spec, { token: 'abc', audiences: ['x'] });
});

test('a TokenReview answer is read as the webhook authenticator reads it', () => {
  assert.deepEqual(readTokenReview({ status: { authenticated: true, user: { username: 'alice', groups: ['g'] } } }, []), { authenticated: true, user: { name: 'alice', uid: '', groups: ['g'], extra: {} } });
  assert.deepEqual(readTokenReview({ status: { authenticated: false } }, []), { authenticated: false });
  assert.deepEqual(readTokenReview({ status: { error: 'token expired' } }, []), { authenticated: false, error: 'token expired' });
  assert.deepEqual(readTokenReview({ status: { authenticated: true, user: { username: 'a' }, audiences: ['other'] } }, ['mine']), { authenticated: false });
  assert.equal(readTokenReview({ status: { authenticated: true, user: { username: 'a' }, audiences: ['mine'] } }, ['mine']).authenticated, true);
});

test('verbs come from the method; everything else is *', () => {
  assert.deepEqual(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'].map(verbOfMethod), ['get', 'create', 'update', 'patch', 'delete', '*', '*']);
});

test('a SubjectAccessReview is non-resource: path and verb', () => {
  assert.deepEqual(subjectAccessReviewRequest(user, requestAttributes('GET', '/metrics')), {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: { user: user.name, uid: 'u1', groups: user.groups, nonResourceAttributes: { path: '/metrics', verb: 'get' } },
  });
});

test('a SubjectAccessReview answer: allowed, denied or no opinion', () => {
  assert.deepEqual(readSubjectAccessReview({ status: { allowed: true, reason: 'RBAC' } }), { decision: 'allow', reason: 'RBAC' });
  assert.deepEqual(readSubjectAccessReview({ status: { allowed: false, denied: true } }), { decision: 'deny', reason: '' });
  assert.deepEqual(readSubjectAccessReview({ status: { allowed: false } }), { decision: 'no-opinion', reason: '' });
});

test('the 403 message is upstream\'s', () => {
  assert.equal(forbiddenMessage(user, requestAttributes('GET', '/metrics')), 'Forbidden (user=system:serviceaccount:openshift-monitoring:prometheus-k8s, verb=get, resource=, subresource=)');
});

test('bearer tokens as the apiserver\'s bearertoken authenticator reads them', () => {
  assert.equal(bearerToken('Bearer abc'), 'abc');
  assert.equal(bearerToken('bearer abc'), 'abc');
  assert.equal(bearerToken('Basic abc'), undefined);
  assert.equal(bearerToken('Bearer'), undefined);
  assert.equal(bearerToken('Bearer  abc'), undefined);
  assert.equal(bearerToken(undefined), undefined);
});
