import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SkiffError } from '../../errors/skiff-error.ts';
import { API_AUDIENCES, INVALID_BEARER_TOKEN, reviewSelf, reviewToken, type TokenAuthenticator } from './token-review.ts';

const admin = { user: 'skiff-admin', groups: ['system:masters', 'system:authenticated'] };
const onlySecret: TokenAuthenticator = (token) => (token === 'secret' ? admin : undefined);
const review = (spec: object, metadata: object = {}) => ({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', metadata, spec }) as never;

describe('reviewToken', () => {
  it('answers a valid token with its user and the API server audiences', () => {
    assert.deepEqual(reviewToken(review({ token: 'secret' }), onlySecret), {
      apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview',
      metadata: { creationTimestamp: null },
      spec: { token: 'secret' },
      status: { authenticated: true, user: { username: 'skiff-admin', groups: ['system:masters', 'system:authenticated'] }, audiences: [...API_AUDIENCES] },
    });
  });

  it('answers an invalid token in the status, with the bearer authenticator error and an empty user', () => {
    const answer = reviewToken(review({ token: 'wrong' }, { name: 'kept' }), onlySecret);
    assert.deepEqual(answer.status, { user: {}, error: INVALID_BEARER_TOKEN });
    assert.deepEqual(answer.metadata, { name: 'kept', creationTimestamp: null });
  });

  it('checks audiences as for an audience-agnostic token: only the API server audiences match', () => {
    assert.deepEqual(reviewToken(review({ token: 'secret', audiences: ['other', API_AUDIENCES[0]] }), onlySecret).status, {
      authenticated: true, user: { username: 'skiff-admin', groups: admin.groups }, audiences: [API_AUDIENCES[0]],
    });
    assert.deepEqual(reviewToken(review({ token: 'secret', audiences: ['istio-ca'] }), onlySecret).status, { user: {}, error: INVALID_BEARER_TOKEN });
  });

  it('refuses a review without a token with 400, as the tokenreview storage does', () => {
    assert.throws(() => reviewToken(review({}), onlySecret), (e: unknown) => e instanceof SkiffError && e.code === 'SKF_API_BAD_REQUEST' && e.message === 'token is required for TokenReview in authentication');
  });
});

describe('reviewSelf', () => {
  it('tells the requester who they are, stamped with the time of the answer', () => {
    assert.deepEqual(reviewSelf(admin, new Date('2026-01-02T03:04:05.678Z')), {
      apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview',
      metadata: { creationTimestamp: '2026-01-02T03:04:05Z' },
      status: { userInfo: { username: 'skiff-admin', groups: admin.groups } },
    });
  });
});
