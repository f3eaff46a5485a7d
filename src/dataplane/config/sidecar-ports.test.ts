import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod } from '../../api/builtin/core/pod-readiness.ts';
import { parsePortList, planInboundPorts } from './sidecar-ports.ts';
import type { InboundPort } from './sidecar-inbound.ts';

function meshedPod(annotations: Record<string, string> = {}): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { namespace: 'default', name: 'hello-abc', annotations: { 'sidecar.istio.io/status': '{}', ...annotations } },
    spec: {
      containers: [
        { name: 'app', ports: [{ containerPort: 8080 }, { containerPort: 9090 }, { containerPort: 5353, protocol: 'UDP' }] },
        { name: 'istio-proxy', ports: [{ containerPort: 15090 }, { containerPort: 15021 }, { containerPort: 7777 }] },
      ],
    },
  };
}

const http8080: InboundPort = { port: 8080, protocol: 'HTTP', services: ['hello.default.svc.cluster.local:80'], cluster: 'inbound|8080||', mtlsMode: 'STRICT' };
const grpc8443: InboundPort = { port: 8443, protocol: 'GRPC', services: ['hello.default.svc.cluster.local:443'], cluster: 'inbound|8443||', mtlsMode: 'DISABLE' };
const permissive = () => 'PERMISSIVE' as const;

describe('planInboundPorts', () => {
  it('captures declared container ports (not the proxy\'s, not UDP), Service target ports and listening ports', () => {
    const plan = planInboundPorts({ pod: meshedPod(), inbound: { ports: [http8080, grpc8443] }, listening: [3000, 15020], modeOf: permissive });
    assert.deepEqual(plan, [
      { port: 3000, mode: 'PERMISSIVE', protocol: 'AUTO' },
      { port: 8080, mode: 'STRICT', protocol: 'HTTP', services: ['hello.default.svc.cluster.local:80'] },
      { port: 8443, mode: 'DISABLE', protocol: 'GRPC', services: ['hello.default.svc.cluster.local:443'] },
      { port: 9090, mode: 'PERMISSIVE', protocol: 'AUTO' },
    ]);
  });

  it('with sniffing off (Maistra\'s autoDetect.inbound: false) a port of unknown protocol is TCP; named ones keep theirs', () => {
    const plan = planInboundPorts({ pod: meshedPod(), inbound: { ports: [http8080, { ...grpc8443, protocol: 'AUTO' }] }, listening: [], modeOf: permissive, sniff: false });
    assert.deepEqual(plan.map((p) => `${p.port} ${p.protocol}`), ['8080 HTTP', '8443 TCP', '9090 TCP']);
  });

  it('gives every captured port the mesh\'s protocol detection timeout; excluded ports never wait for bytes', () => {
    const pod = meshedPod({ 'traffic.sidecar.istio.io/excludeInboundPorts': '9090' });
    const plan = planInboundPorts({ pod, inbound: { ports: [http8080] }, listening: [], modeOf: permissive, detectionTimeoutMs: 0 });
    assert.deepEqual(plan.map((p) => [p.port, p.detectionTimeoutMs]), [[8080, 0], [9090, undefined]]);
  });

  it('relays excluded ports plain, even undeclared ones, but never the proxy\'s own ports', () => {
    const pod = meshedPod({ 'traffic.sidecar.istio.io/excludeInboundPorts': '9090, 8022,15020,bogus' });
    const plan = planInboundPorts({ pod, inbound: { ports: [http8080] }, listening: [], modeOf: permissive });
    assert.deepEqual(plan.map((p) => `${p.port} ${p.mode}`), ['8022 EXCLUDED', '8080 STRICT', '9090 EXCLUDED']);
  });

  it('an include list captures only the listed ports (undeclared ones too); the others are relayed plain', () => {
    const pod = meshedPod({ 'traffic.sidecar.istio.io/includeInboundPorts': '8080,4000' });
    const plan = planInboundPorts({ pod, inbound: { ports: [http8080] }, listening: [], modeOf: () => 'STRICT' });
    assert.deepEqual(plan.map((p) => `${p.port} ${p.mode} ${p.protocol}`), ['4000 STRICT AUTO', '8080 STRICT HTTP', '9090 EXCLUDED TCP']);
  });

  it('`*` captures everything; an empty include list captures nothing (Istio disables inbound redirection)', () => {
    const all = planInboundPorts({ pod: meshedPod({ 'traffic.sidecar.istio.io/includeInboundPorts': '*' }), inbound: { ports: [] }, listening: [], modeOf: permissive });
    assert.deepEqual(all.map((p) => p.mode), ['PERMISSIVE', 'PERMISSIVE']);
    const none = planInboundPorts({ pod: meshedPod({ 'traffic.sidecar.istio.io/includeInboundPorts': '' }), inbound: { ports: [http8080] }, listening: [], modeOf: permissive });
    assert.deepEqual(none.map((p) => `${p.port} ${p.mode}`), ['8080 EXCLUDED', '9090 EXCLUDED']);
  });

  it('parses port lists leniently', () => {
    assert.deepEqual(parsePortList(' 80, 80,x, 0, 65536,443 '), [80, 443]);
    assert.deepEqual(parsePortList(''), []);
  });
});
