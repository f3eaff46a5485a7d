import assert from 'node:assert/strict';
import { it } from 'node:test';
import { proxyChecks } from './proxies.ts';
import { injected, namespace, pod, snapshotOf } from './testing/fixtures.ts';

it('reports pods that ask for a sidecar without one, and sidecars that are not ready, in the mesh\'s members only', () => {
  const snap = snapshotOf({
    namespaces: [namespace('apps', 'istio-system'), namespace('plain')],
    pods: [
      pod('apps', 'good', { annotations: injected }),
      pod('apps', 'old', { annotations: { 'sidecar.istio.io/inject': 'true' } }),
      pod('apps', 'slow', { annotations: injected, ready: false }),
      pod('apps', 'unmeshed'),
      pod('plain', 'elsewhere', { annotations: injected, ready: false }),
    ],
  });
  const [inject, ready] = proxyChecks(snap, 'istio-system');
  assert.equal(inject!.result, 'warning');
  assert.match(inject!.error!, /^apps\/old asks for a sidecar but has none/);
  assert.equal(ready!.result, 'error');
  assert.equal(ready!.description, 'sidecars of istio-system are running and ready (1/2)');
  assert.equal(ready!.error, 'not ready: apps/slow (Running)');
  assert.deepEqual(proxyChecks(snapshotOf(), 'istio-system').map((r) => r.result), ['success', 'success']);
});
