import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../api/object.ts';
import { originatedTls } from './destination-rule.ts';
import { mtlsChecks } from './mtls.ts';
import { injected, namespace, obj, pod, service, snapshotOf } from './testing/fixtures.ts';
import type { ClusterSnapshot } from './types.ts';
import { parseWorkloadName, resolvePod } from './workloads.ts';

const pa = (ns: string, name: string, spec: Record<string, unknown>) => obj('security.istio.io/v1beta1', 'PeerAuthentication', { namespace: ns, name, creationTimestamp: '2026-01-01T00:00:00Z' }, { spec });
const dr = (ns: string, name: string, host: string, mode: string, portLevel?: Array<{ port: number; mode: string }>) => obj('networking.istio.io/v1alpha3', 'DestinationRule', { namespace: ns, name }, {
  spec: { host, trafficPolicy: { tls: { mode }, ...(portLevel ? { portLevelSettings: portLevel.map((p) => ({ port: { number: p.port }, tls: { mode: p.mode } })) } : {}) } },
});
const smcp = (spec: Record<string, unknown> = {}) => obj('maistra.io/v2', 'ServiceMeshControlPlane', { namespace: 'istio-system', name: 'basic' }, { spec });

/** Seed 002's mesh: STRICT mesh-wide with the default ISTIO_MUTUAL rule; sleep and httpbin meshed in `apps`, curl plain in `legacy`. */
function mesh(extra: Partial<ClusterSnapshot> = {}, httpbinAnnotations: Record<string, string> = injected): ClusterSnapshot {
  return snapshotOf({
    namespaces: [namespace('istio-system', 'istio-system'), namespace('apps', 'istio-system'), namespace('legacy')],
    pods: [
      pod('apps', 'sleep-7d9f8c6b5-abcde', { labels: { app: 'sleep' }, annotations: injected, owner: { kind: 'ReplicaSet', name: 'sleep-7d9f8c6b5' } }),
      pod('apps', 'httpbin', { labels: { app: 'httpbin' }, annotations: httpbinAnnotations, ports: [{ containerPort: 8080, name: 'http' }, { containerPort: 9090 }] }),
      pod('legacy', 'curl', { labels: { app: 'curl' } }),
    ],
    services: [service('apps', 'httpbin', { selector: { app: 'httpbin' }, ports: [{ name: 'http', port: 8000, targetPort: 'http' }] })],
    peerAuthentications: [pa('istio-system', 'default', { mtls: { mode: 'STRICT' } })],
    destinationRules: [dr('istio-system', 'default', '*.cluster.local', 'ISTIO_MUTUAL')],
    controlPlanes: [smcp()],
    ...extra,
  });
}

const run = (snap: ClusterSnapshot, from: string, to: string) => mtlsChecks(snap, parseWorkloadName(from)!, parseWorkloadName(to)!);
const portLine = (snap: ClusterSnapshot, from: string, to: string, port: number) => run(snap, from, to).find((r) => r.description.includes(`port ${port} (`))!;

describe('mTLS between two workloads', () => {
  it('resolves pods by name, by workload (ReplicaSet owner) and by app label', () => {
    const snap = mesh();
    assert.equal(resolvePod(snap, { namespace: 'apps', name: 'httpbin' })?.metadata.name, 'httpbin');
    assert.equal(resolvePod(snap, { namespace: 'apps', name: 'sleep' })?.metadata.name, 'sleep-7d9f8c6b5-abcde');
    assert.equal(resolvePod(snap, { namespace: 'legacy', name: 'curl' })?.metadata.name, 'curl');
    assert.equal(resolvePod(snap, { namespace: 'apps', name: 'nope' }), undefined);
    assert.deepEqual(parseWorkloadName('web'), { namespace: 'default', name: 'web' });
    assert.equal(parseWorkloadName('a/b/c'), undefined);
  });

  it('meshed to meshed under STRICT is mTLS; the pod-IP-only port is plain', () => {
    const results = run(mesh(), 'apps/sleep', 'apps/httpbin');
    assert.deepEqual(results.map((r) => r.result), ['success', 'success', 'success', 'error']);
    assert.equal(results[0]!.description, 'apps/sleep-7d9f8c6b5-abcde is meshed (mesh istio-system, sidecar injected)');
    assert.equal(results[2]!.description, 'apps/sleep-7d9f8c6b5-abcde → apps/httpbin port 8080 (Service httpbin port 8000): mTLS (server: STRICT; client: ISTIO_MUTUAL by DestinationRule istio-system/default)');
    assert.match(results[3]!.description, /port 9090 \(pod IP, no Service\): refused/);
  });

  it('a plain client is refused by STRICT and let in by PERMISSIVE (port-level too)', () => {
    const strict = portLine(mesh(), 'legacy/curl', 'apps/httpbin', 8080);
    assert.equal(strict.result, 'error');
    assert.match(strict.description, /: refused \(server: STRICT; client: no sidecar, plain text\)$/);
    const portLevel = mesh({ peerAuthentications: [pa('istio-system', 'default', { mtls: { mode: 'STRICT' } }), pa('apps', 'httpbin', { selector: { matchLabels: { app: 'httpbin' } }, portLevelMtls: { 8080: { mode: 'PERMISSIVE' } } })] });
    const permissive = portLine(portLevel, 'legacy/curl', 'apps/httpbin', 8080);
    assert.equal(permissive.result, 'warning');
    assert.match(permissive.description, /: plain text \(server: PERMISSIVE; client: no sidecar, plain text\)$/);
    assert.equal(portLine(portLevel, 'legacy/curl', 'apps/httpbin', 9090).result, 'error');
  });

  it('auto mTLS without a DestinationRule; plain text to a DISABLE server', () => {
    const auto = mesh({ destinationRules: [] });
    assert.match(portLine(auto, 'apps/sleep', 'apps/httpbin', 8080).description, /: mTLS \(server: STRICT; client: auto mTLS\)$/);
    const disabled = mesh({ destinationRules: [], peerAuthentications: [pa('apps', 'default', { mtls: { mode: 'DISABLE' } })] });
    const line = portLine(disabled, 'apps/sleep', 'apps/httpbin', 8080);
    assert.equal(line.result, 'warning');
    assert.match(line.description, /: plain text \(server: DISABLE; client: auto mTLS sends plain text to a server without mTLS\)$/);
    const autoOff = mesh({ destinationRules: [], controlPlanes: [smcp({ security: { dataPlane: { automtls: false } } })] });
    assert.match(portLine(autoOff, 'apps/sleep', 'apps/httpbin', 8080).description, /refused \(server: STRICT; client: no DestinationRule sets tls and auto mTLS is off\)$/);
  });

  it('an ISTIO_MUTUAL rule toward a DISABLE, unmeshed or excluded server is refused', () => {
    const disabled = mesh({ peerAuthentications: [pa('apps', 'default', { mtls: { mode: 'DISABLE' } })] });
    assert.match(portLine(disabled, 'apps/sleep', 'apps/httpbin', 8080).error!, /PeerAuthentication is DISABLE/);
    const unmeshed = mesh({}, {});
    assert.match(portLine(unmeshed, 'apps/sleep', 'apps/httpbin', 8080).error!, /the destination has no sidecar/);
    const excluded = mesh({}, { ...injected, 'traffic.sidecar.istio.io/excludeInboundPorts': '8080' });
    assert.match(portLine(excluded, 'apps/sleep', 'apps/httpbin', 8080).error!, /port 8080 is excluded from the sidecar/);
    const meshExcluded = mesh({ controlPlanes: [smcp({ proxy: { networking: { trafficControl: { inbound: { excludedPorts: [8080] } } } } })] });
    assert.equal(portLine(meshExcluded, 'apps/sleep', 'apps/httpbin', 8080).result, 'error');
  });

  it('a DISABLE rule in the client\'s namespace wins over the root one: refused by STRICT', () => {
    const snap = mesh({ destinationRules: [dr('istio-system', 'default', '*.cluster.local', 'ISTIO_MUTUAL'), dr('apps', 'plain', 'httpbin', 'DISABLE')] });
    assert.match(portLine(snap, 'apps/sleep', 'apps/httpbin', 8080).description, /refused \(server: STRICT; client: DISABLE by DestinationRule apps\/plain\)$/);
  });

  it('reports workloads it cannot find', () => {
    const results = run(mesh(), 'apps/nope', 'legacy/gone');
    assert.deepEqual(results.map((r) => [r.description, r.result]), [['workload apps/nope exists', 'error'], ['workload legacy/gone exists', 'error']]);
  });
});

describe('DestinationRule TLS for a host', () => {
  const rules: KubeObject[] = [
    dr('istio-system', 'default', '*.cluster.local', 'ISTIO_MUTUAL'),
    dr('istio-system', 'apps', '*.apps.svc.cluster.local', 'DISABLE'),
    dr('istio-system', 'exact', 'web.apps.svc.cluster.local', 'SIMPLE', [{ port: 8443, mode: 'MUTUAL' }]),
  ];
  it('takes the most specific host of the first namespace with a match, and port-level settings', () => {
    assert.deepEqual(originatedTls(rules, 'a.b.svc.cluster.local', 80, ['b', 'istio-system']), { mode: 'ISTIO_MUTUAL', rule: 'istio-system/default' });
    assert.deepEqual(originatedTls(rules, 'a.apps.svc.cluster.local', 80, ['istio-system']), { mode: 'DISABLE', rule: 'istio-system/apps' });
    assert.deepEqual(originatedTls(rules, 'web.apps.svc.cluster.local', 80, ['istio-system']), { mode: 'SIMPLE', rule: 'istio-system/exact' });
    assert.deepEqual(originatedTls(rules, 'web.apps.svc.cluster.local', 8443, ['istio-system']), { mode: 'MUTUAL', rule: 'istio-system/exact' });
    assert.deepEqual(originatedTls(rules, 'example.com', 443, ['istio-system']), {});
  });
});
