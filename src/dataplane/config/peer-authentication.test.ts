import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type PeerAuthentication, type PeerAuthenticationSpec, effectiveMtlsMode, mergePeerAuthentication } from './peer-authentication.ts';

const ROOT = 'istio-system';
let clock = Date.parse('2026-01-01T00:00:00Z');

function pa(namespace: string, name: string, spec: PeerAuthenticationSpec, createdAt?: string): PeerAuthentication {
  clock += 1000;
  return { apiVersion: 'security.istio.io/v1beta1', kind: 'PeerAuthentication', metadata: { namespace, name, creationTimestamp: createdAt ?? new Date(clock).toISOString() }, spec };
}

const app = { namespace: 'bookinfo', labels: { app: 'reviews', version: 'v1' } };

describe('PeerAuthentication evaluation', () => {
  it('is PERMISSIVE with no policy at all', () => {
    assert.equal(effectiveMtlsMode([], ROOT, app, 9080), 'PERMISSIVE');
    assert.deepEqual(mergePeerAuthentication([], ROOT, app).appliedPolicies, []);
  });

  it('narrower scope wins: workload over namespace over mesh', () => {
    const mesh = pa(ROOT, 'default', { mtls: { mode: 'STRICT' } });
    const ns = pa('bookinfo', 'default', { mtls: { mode: 'PERMISSIVE' } });
    const wl = pa('bookinfo', 'reviews', { selector: { matchLabels: { app: 'reviews' } }, mtls: { mode: 'DISABLE' } });
    assert.equal(effectiveMtlsMode([mesh], ROOT, app, 9080), 'STRICT');
    assert.equal(effectiveMtlsMode([mesh, ns], ROOT, app, 9080), 'PERMISSIVE');
    assert.equal(effectiveMtlsMode([wl, mesh, ns], ROOT, app, 9080), 'DISABLE');
    assert.deepEqual(mergePeerAuthentication([wl, mesh, ns], ROOT, app).appliedPolicies.map((p) => `${p.scope}:${p.namespace}/${p.name}`), ['mesh:istio-system/default', 'namespace:bookinfo/default', 'workload:bookinfo/reviews']);
  });

  it('ignores policies of other namespaces, unmatched selectors and selector policies in the root namespace', () => {
    const other = pa('other', 'default', { mtls: { mode: 'STRICT' } });
    const unmatched = pa('bookinfo', 'ratings', { selector: { matchLabels: { app: 'ratings' } }, mtls: { mode: 'STRICT' } });
    const rootSelector = pa(ROOT, 'reviews', { selector: { matchLabels: { app: 'reviews' } }, mtls: { mode: 'STRICT' } });
    assert.equal(effectiveMtlsMode([other, unmatched, rootSelector], ROOT, app, 9080), 'PERMISSIVE');
  });

  it('an empty matchLabels is a namespace policy', () => {
    assert.equal(effectiveMtlsMode([pa('bookinfo', 'all', { selector: { matchLabels: {} }, mtls: { mode: 'STRICT' } })], ROOT, app, 9080), 'STRICT');
  });

  it('the oldest of equal scope wins', () => {
    const newer = pa('bookinfo', 'a-newer', { mtls: { mode: 'DISABLE' } }, '2026-02-02T00:00:00Z');
    const older = pa('bookinfo', 'z-older', { mtls: { mode: 'STRICT' } }, '2026-02-01T00:00:00Z');
    assert.equal(effectiveMtlsMode([newer, older], ROOT, app, 1), 'STRICT');
    // Same creation time: namespace/name order decides, as istiod sorts configs.
    const sameA = pa('bookinfo', 'a', { mtls: { mode: 'DISABLE' } }, '2026-02-01T00:00:00Z');
    const sameB = pa('bookinfo', 'b', { mtls: { mode: 'STRICT' } }, '2026-02-01T00:00:00Z');
    assert.equal(effectiveMtlsMode([sameB, sameA], ROOT, app, 1), 'DISABLE');
  });

  it('UNSET inherits from the wider scope', () => {
    const mesh = pa(ROOT, 'default', { mtls: { mode: 'STRICT' } });
    const nsUnset = pa('bookinfo', 'default', { mtls: { mode: 'UNSET' } });
    const wlNoMtls = pa('bookinfo', 'reviews', { selector: { matchLabels: { app: 'reviews' } } });
    assert.equal(effectiveMtlsMode([mesh, nsUnset, wlNoMtls], ROOT, app, 9080), 'STRICT');
  });

  it('port-level mTLS applies on the workload policy only; an UNSET port inherits the workload mode', () => {
    const ns = pa('bookinfo', 'default', { mtls: { mode: 'STRICT' }, portLevelMtls: { 9080: { mode: 'DISABLE' } } });
    assert.equal(effectiveMtlsMode([ns], ROOT, app, 9080), 'STRICT');
    const wl = pa('bookinfo', 'reviews', { selector: { matchLabels: { app: 'reviews' } }, mtls: { mode: 'PERMISSIVE' }, portLevelMtls: { 9080: { mode: 'DISABLE' }, 8080: { mode: 'UNSET' }, 7070: {} } });
    const merged = mergePeerAuthentication([ns, wl], ROOT, app);
    assert.equal(merged.mode, 'PERMISSIVE');
    assert.deepEqual([...merged.perPort].sort(), [[7070, 'PERMISSIVE'], [8080, 'PERMISSIVE'], [9080, 'DISABLE']]);
    assert.equal(effectiveMtlsMode([ns, wl], ROOT, app, 9080), 'DISABLE');
    assert.equal(effectiveMtlsMode([ns, wl], ROOT, app, 9999), 'PERMISSIVE');
  });

  it('workloads in the root namespace get only the mesh policy', () => {
    const mesh = pa(ROOT, 'default', { mtls: { mode: 'STRICT' } });
    const rootSelector = pa(ROOT, 'gw', { selector: { matchLabels: { istio: 'ingressgateway' } }, mtls: { mode: 'DISABLE' } });
    assert.equal(effectiveMtlsMode([mesh, rootSelector], ROOT, { namespace: ROOT, labels: { istio: 'ingressgateway' } }, 8443), 'STRICT');
  });
});
