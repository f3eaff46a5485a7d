/**
 * TokenReview and the access reviews through the real kubectl and curl: discovery lists them
 * create-only; `kubectl create -f` answers a review with its status (the admin token
 * authenticates, a wrong one does not); every authenticated subject is allowed (skiff has no
 * authorization); `kubectl auth can-i` (protobuf bodies) and `kubectl auth whoami` work;
 * nothing is stored; without credentials the reviews answer 401 like everything else.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ALLOWED_REASON } from '../../src/apiserver/reviews/access-review.ts';
import { API_AUDIENCES } from '../../src/apiserver/reviews/token-review.ts';
import { ADMIN_GROUPS, ADMIN_USER } from '../../src/pki/cluster-pki.ts';
import { curlFor, type CurlAnswer, type CurlRequest } from '../support/https.ts';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';

describe('API reviews (TokenReview, SubjectAccessReview …)', () => {
  let s: TestSkiff;
  let curl: (req: CurlRequest) => Promise<CurlAnswer>;
  let adminToken: string;
  const dir = mkdtempSync(join(tmpdir(), 'skiff-reviews-'));

  /** Writes a manifest into the scratch directory; returns its path. */
  const manifest = (name: string, body: object) => {
    const path = join(dir, `${name}.yaml`);
    writeFileSync(path, JSON.stringify(body));
    return path;
  };
  const tokenReview = (token: string) => manifest(`tr-${token.length}`, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } });

  before(async () => {
    s = await startTestSkiff();
    curl = curlFor(s.dataDir, s.skiff.info.apiServer);
    const config = parse(readFileSync(s.skiff.info.kubeconfig, 'utf8')) as { users: { user: { token: string } }[] };
    adminToken = config.users[0]!.user.token;
  });
  after(async () => {
    await s?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('discovery lists the reviews with the verb create only', async () => {
    const out = await s.kubectl.ok(['api-resources', '-o', 'wide', '--api-group=authentication.k8s.io']);
    assert.match(out, /^selfsubjectreviews\s+authentication\.k8s\.io\/v1\s+false\s+SelfSubjectReview\s+create\s*$/m);
    assert.match(out, /^tokenreviews\s+authentication\.k8s\.io\/v1\s+false\s+TokenReview\s+create\s*$/m);
    const authz = await s.kubectl.ok(['api-resources', '-o', 'name', '--api-group=authorization.k8s.io']);
    assert.deepEqual(authz.trim().split('\n'), ['localsubjectaccessreviews.authorization.k8s.io', 'selfsubjectaccessreviews.authorization.k8s.io', 'selfsubjectrulesreviews.authorization.k8s.io', 'subjectaccessreviews.authorization.k8s.io']);
  });

  it('a TokenReview of the admin token answers its user, groups and the API server audiences', async () => {
    const review = parse(await s.kubectl.ok(['create', '-f', tokenReview(adminToken), '-o', 'yaml']));
    assert.deepEqual(review, {
      apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview',
      metadata: { creationTimestamp: null },
      spec: { token: adminToken },
      status: { authenticated: true, user: { username: ADMIN_USER, groups: [...ADMIN_GROUPS, 'system:authenticated'] }, audiences: [...API_AUDIENCES] },
    });
    // A server-side dry run is answered the same way (the review stores nothing anyway).
    assert.deepEqual(parse(await s.kubectl.ok(['create', '--dry-run=server', '-f', tokenReview(adminToken), '-o', 'yaml'])), review);
  });

  it('a TokenReview of a wrong token is an answer, not an error', async () => {
    const review = parse(await s.kubectl.ok(['create', '-f', tokenReview('not-a-token'), '-o', 'yaml']));
    assert.deepEqual(review.status, { user: {}, error: 'invalid bearer token' });
    const empty = await s.kubectl(['create', '-f', manifest('tr-empty', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: {} })]);
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /Error from server \(BadRequest\).*token is required for TokenReview in authentication/);
    const unknown = await s.kubectl(['create', '-f', manifest('tr-unknown', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: 'x', tokn: 'y' } })]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /Error from server \(BadRequest\).*TokenReview in version "v1" cannot be handled as a TokenReview: strict decoding error: unknown field "spec\.tokn"/);
  });

  it("a SubjectAccessReview (kube-rbac-proxy's question) is allowed; an invalid one is refused with upstream's messages", async () => {
    const spec = { user: 'system:serviceaccount:openshift-monitoring:prometheus-k8s', groups: ['system:serviceaccounts', 'system:authenticated'], nonResourceAttributes: { path: '/metrics', verb: 'get' } };
    const review = JSON.parse(await s.kubectl.ok(['create', '-f', manifest('sar', { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec }), '-o', 'json']));
    assert.deepEqual(review.spec, spec);
    assert.deepEqual(review.status, { allowed: true, reason: ALLOWED_REASON });
    const invalid = await s.kubectl(['create', '-f', manifest('sar-empty', { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: {} })]);
    assert.equal(invalid.code, 1);
    assert.equal(invalid.stderr, 'The request is invalid: \n* spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified\n* spec.user: Invalid value: "": at least one of user or group must be specified\n');
  });

  it('a LocalSubjectAccessReview is answered in its namespace', async () => {
    const spec = { user: 'someone', resourceAttributes: { namespace: 'knative-serving', verb: 'get', resource: 'pods' } };
    const review = JSON.parse(await s.kubectl.ok(['create', '-n', 'knative-serving', '-f', manifest('lsar', { apiVersion: 'authorization.k8s.io/v1', kind: 'LocalSubjectAccessReview', spec }), '-o', 'json']));
    assert.equal(review.metadata.namespace, 'knative-serving');
    assert.equal(review.status.allowed, true);
  });

  it('kubectl auth can-i and whoami answer as against a cluster that allows everything', async () => {
    assert.equal(await s.kubectl.ok(['auth', 'can-i', 'get', 'pods']), 'yes\n');
    assert.equal(await s.kubectl.ok(['auth', 'can-i', 'delete', 'knativeservings.operator.knative.dev', '-n', 'knative-serving']), 'yes\n');
    assert.equal(await s.kubectl.ok(['auth', 'can-i', 'get', '/metrics']), 'yes\n');
    const list = (await s.kubectl.ok(['auth', 'can-i', '--list'])).split('\n').map((l) => l.trim().split(/\s+/).join(' '));
    assert.deepEqual(list.slice(0, 3), ['Resources Non-Resource URLs Resource Names Verbs', '*.* [] [] [*]', '[*] [] [*]']);
    const whoami = await s.kubectl.ok(['auth', 'whoami', '-o', 'json']);
    assert.deepEqual(JSON.parse(whoami).status, { userInfo: { username: ADMIN_USER, groups: [...ADMIN_GROUPS, 'system:authenticated'] } });
  });

  it('nothing is stored: the reviews cannot be listed or read', async () => {
    const listed = await curl({ path: '/apis/authentication.k8s.io/v1/tokenreviews' });
    assert.equal(listed.status, 405);
    assert.equal(JSON.parse(listed.body).message, 'the server does not allow this method on the requested resource (get tokenreviews.authentication.k8s.io)');
    assert.equal((await curl({ path: '/apis/authorization.k8s.io/v1/subjectaccessreviews/x' })).status, 404);
  });

  it('without credentials a review answers 401, as every request does', async () => {
    const body = JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: adminToken } });
    const answer = await curl({ method: 'POST', path: '/apis/authentication.k8s.io/v1/tokenreviews', contentType: 'application/json', body, credentials: { kind: 'none' } });
    assert.equal(answer.status, 401);
    assert.equal(JSON.parse(answer.body).reason, 'Unauthorized');
    const withToken = await curl({ method: 'POST', path: '/apis/authentication.k8s.io/v1/tokenreviews', contentType: 'application/json', body });
    assert.equal(withToken.status, 201);
    assert.equal(JSON.parse(withToken.body).status.authenticated, true);
  });
});
