import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseReadyz, parseStatusComponents, parseStatusExtras } from './health.ts';

test('parseReadyz reads kube-apiserver verbose readiness output', () => {
  const body = '[+]ping ok\n[+]log ok\n[-]etcd failed: reason withheld\n[+]poststarthook/start-informers excluded: ok\nreadyz check failed\n';
  assert.deepEqual(parseReadyz(body), [
    { name: 'ping', healthy: true, message: 'ok' },
    { name: 'log', healthy: true, message: 'ok' },
    { name: 'etcd', healthy: false, message: 'failed: reason withheld' },
    { name: 'poststarthook/start-informers', healthy: true, message: 'excluded: ok' },
  ]);
  assert.deepEqual(parseReadyz('ok'), []);
});

test('parseStatusComponents accepts {components: [{name, healthy, message?}]} and nothing else', () => {
  assert.deepEqual(parseStatusComponents('{"components":[{"name":"store","healthy":true},{"name":"x","healthy":false,"message":"down","extra":1}]}'), [
    { name: 'store', healthy: true },
    { name: 'x', healthy: false, message: 'down' },
  ]);
  for (const bad of ['', '{', 'null', '{}', '{"components":{}}', '{"components":[{"name":"a"}]}', '{"components":[{"name":1,"healthy":true}]}']) {
    assert.equal(parseStatusComponents(bad), undefined, bad);
  }
});

test('parseStatusExtras reads NetworkPolicy enforcement and the mesh proxies, and leaves out what is malformed', () => {
  const body = JSON.stringify({
    components: [],
    networkPolicy: { enforced: true, isolatedPods: 3, policies: 2 },
    mesh: { proxies: [{ pod: 'istio-system/istio-ingressgateway-1', kind: 'gateway', mesh: 'istio-system', appliedVersion: '42', appliedAt: '', problems: 0 }, { kind: 'sidecar' }] },
  });
  assert.deepEqual(parseStatusExtras(body), {
    networkPolicy: { enforced: true, isolatedPods: 3, policies: 2 },
    meshProxies: [{ pod: 'istio-system/istio-ingressgateway-1', kind: 'gateway', mesh: 'istio-system', appliedVersion: '42', problems: 0 }],
  });
  assert.deepEqual(parseStatusExtras(JSON.stringify({ networkPolicy: { enforced: 'yes' } })), {});
  assert.deepEqual(parseStatusExtras('not json'), {});
});
