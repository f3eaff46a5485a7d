import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../../api/builtin/core/pod-readiness.ts';
import type { PeerAuthentication } from '../config/peer-authentication.ts';
import { meshOfNamespace, originationDecision, podServesTraffic, type NamespaceFacts } from './origination-decision.ts';

function pod(opts: { labels?: Record<string, string>; annotations?: Record<string, string>; serviceAccount?: string; phase?: string; deleting?: boolean } = {}): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name: 'app-1', namespace: 'default',
      labels: opts.labels ?? { app: 'app', 'security.istio.io/tlsMode': 'istio' },
      annotations: opts.annotations ?? { 'sidecar.istio.io/status': '{}' },
      ...(opts.deleting ? { deletionTimestamp: '2030-01-01T00:00:00Z' } : {}),
    },
    spec: { containers: [], ...(opts.serviceAccount ? { serviceAccountName: opts.serviceAccount } : {}) },
    status: { phase: opts.phase ?? 'Running', podIP: '127.244.0.5' },
  } as unknown as Pod;
}

function pa(namespace: string, mode: string, extra: Partial<PeerAuthentication['spec']> = {}): PeerAuthentication {
  return { apiVersion: 'security.istio.io/v1beta1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace }, spec: { mtls: { mode }, ...extra } };
}

const base = { sourceMesh: 'istio-system', destinationMesh: 'istio-system', port: 8080, peerAuthentications: [] as PeerAuthentication[] };

test('a sidecar\'d pod of the same mesh gets mTLS, checked against its service account', () => {
  assert.deepEqual(originationDecision({ ...base, destination: pod({ serviceAccount: 'app' }) }), { mtls: true, mesh: 'istio-system', namespace: 'default', serviceAccount: 'app' });
  assert.deepEqual(originationDecision({ ...base, destination: pod() }), { mtls: true, mesh: 'istio-system', namespace: 'default', serviceAccount: 'default' });
});

test('plaintext: no sidecar (label or injection status missing)', () => {
  assert.equal(originationDecision({ ...base, destination: pod({ labels: { app: 'app' } }) }).mtls, false);
  assert.equal(originationDecision({ ...base, destination: pod({ annotations: {} }) }).mtls, false);
});

test('plaintext: a port the sidecar does not capture', () => {
  const excluded = pod({ annotations: { 'sidecar.istio.io/status': '{}', 'traffic.sidecar.istio.io/excludeInboundPorts': '8022, 9000' } });
  assert.deepEqual(originationDecision({ ...base, port: 8022, destination: excluded }), { mtls: false, reason: 'port 8022 is not captured by the sidecar' });
  assert.equal(originationDecision({ ...base, port: 8080, destination: excluded }).mtls, true);
  const listed = pod({ annotations: { 'sidecar.istio.io/status': '{}', 'traffic.sidecar.istio.io/includeInboundPorts': '8012' } });
  assert.equal(originationDecision({ ...base, port: 8080, destination: listed }).mtls, false);
  assert.equal(originationDecision({ ...base, port: 8012, destination: listed }).mtls, true);
  assert.equal(originationDecision({ ...base, port: 15020, destination: pod() }).mtls, false, 'the agent\'s ports are never captured');
});

test('plaintext: PeerAuthentication DISABLE (mesh-wide, namespace or per port)', () => {
  assert.equal(originationDecision({ ...base, destination: pod(), peerAuthentications: [pa('istio-system', 'DISABLE')] }).mtls, false);
  assert.equal(originationDecision({ ...base, destination: pod(), peerAuthentications: [pa('default', 'DISABLE')] }).mtls, false);
  assert.equal(originationDecision({ ...base, destination: pod(), peerAuthentications: [pa('default', 'STRICT')] }).mtls, true);
  const perPort = pa('default', 'STRICT', { selector: { matchLabels: { app: 'app' } }, portLevelMtls: { 8080: { mode: 'DISABLE' } } });
  assert.equal(originationDecision({ ...base, destination: pod(), peerAuthentications: [perPort] }).mtls, false);
  assert.equal(originationDecision({ ...base, port: 9090, destination: pod(), peerAuthentications: [perPort] }).mtls, true);
});

test('plaintext: source outside every mesh, or another mesh', () => {
  assert.equal(originationDecision({ ...base, sourceMesh: undefined, destination: pod() }).mtls, false);
  assert.equal(originationDecision({ ...base, destinationMesh: 'other-mesh', destination: pod() }).mtls, false);
});

test('mesh membership: the control plane\'s namespace, or member-of a control plane that exists', () => {
  const ns = new Map<string, NamespaceFacts>([
    ['default', { name: 'default', labels: { 'maistra.io/member-of': 'istio-system' } }],
    ['stray', { name: 'stray', labels: { 'maistra.io/member-of': 'gone-mesh' } }],
    ['outsider', { name: 'outsider', labels: {} }],
  ]);
  const planes = new Set(['istio-system']);
  assert.equal(meshOfNamespace('istio-system', ns, planes), 'istio-system');
  assert.equal(meshOfNamespace('default', ns, planes), 'istio-system');
  assert.equal(meshOfNamespace('stray', ns, planes), undefined);
  assert.equal(meshOfNamespace('outsider', ns, planes), undefined);
  assert.equal(meshOfNamespace('unknown', ns, planes), undefined);
});

test('only Running pods not being deleted receive traffic', () => {
  assert.equal(podServesTraffic(pod()), true);
  assert.equal(podServesTraffic(pod({ phase: 'Pending' })), false);
  assert.equal(podServesTraffic(pod({ deleting: true })), false);
});
