import assert from 'node:assert/strict';
import { test } from 'node:test';
import { upstreamHeaders } from './forward.ts';
import { answerProbe, isKubeletProbe } from './probes.ts';
import { revisionIdOf, revisionNotFoundMessage } from './revision-id.ts';

test('probes: kubelet, network probe with hash, activator probe, others pass', () => {
  assert.ok(isKubeletProbe({ 'user-agent': 'kube-probe/1.32' }));
  assert.ok(isKubeletProbe({ 'k-kubelet-probe': 'queue' }));
  assert.deepEqual(answerProbe({ 'user-agent': 'kube-probe/1.32' }, false), { status: 200, body: '' });
  assert.equal(answerProbe({ 'user-agent': 'kube-probe/1.32' }, true)?.status, 500);
  assert.deepEqual(answerProbe({ 'k-network-probe': 'probe', 'k-network-hash': 'abc' }, false), { status: 200, body: '', headers: { 'K-Network-Hash': 'abc' } });
  assert.equal(answerProbe({ 'k-network-probe': 'probe' }, false)?.status, 400);
  assert.deepEqual(answerProbe({ 'k-network-probe': 'activator' }, false), { status: 200, body: 'activator' });
  assert.deepEqual(answerProbe({ 'k-network-probe': 'queue' }, false), { status: 400, body: 'unexpected probe header value: "queue"\n' });
  assert.equal(answerProbe({ host: 'x' }, false), undefined);
});

test('revision id: headers first, then a cluster-local Host', () => {
  assert.deepEqual(revisionIdOf({ 'knative-serving-revision': 'hello-00001', 'knative-serving-namespace': 'default' }), { namespace: 'default', name: 'hello-00001' });
  assert.deepEqual(revisionIdOf({ host: 'hello-00001.default.svc.cluster.local:80' }), { namespace: 'default', name: 'hello-00001' });
  assert.deepEqual(revisionIdOf({ host: 'hello-default.apps.example.com' }), { namespace: '', name: '' });
  assert.equal(revisionNotFoundMessage(''), 'Error getting active endpoint: revision.serving.knative.dev "" not found');
});

test('upstream headers: revision headers pruned, proxy header set, original host restored, hop-by-hop dropped', () => {
  const out = upstreamHeaders({
    host: 'hello-00001.default', 'k-original-host': 'hello-default.apps.example.com', 'knative-serving-revision': 'r', 'knative-serving-namespace': 'n',
    connection: 'keep-alive, x-private', 'x-private': '1', 'keep-alive': 'timeout=5', 'x-forwarded-for': '10.1.1.1', accept: '*/*',
  }, '127.0.0.9', 'activator');
  assert.deepEqual(out, { host: 'hello-default.apps.example.com', 'x-forwarded-for': '10.1.1.1, 127.0.0.9', accept: '*/*', 'k-proxy-request': 'activator' });
});
