/**
 * Seed 004's federation control plane (red-mesh, v2.3, trust domain red-mesh.local) applied
 * verbatim: the additional ingress and egress gateways with the seed's ports, labels,
 * service types and router mode; the v2.3 chart version and namespace labels; workload
 * identities in the mesh's own trust domain.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { meshCaFromFiles } from '../../src/mesh/pki/mesh-ca.ts';
import { issueWorkloadCertificate } from '../../src/mesh/pki/workload-certificate.ts';
import { extractSteps, readSeed, type SeedYaml } from '../support/seeds.ts';
import type { TestSkiff } from '../support/skiff.ts';
import { type List, type Obj, type Service, getJson, jsonpath, startMeshSkiff } from './mesh-controlplane-fixtures.ts';

interface Container { name: string; imagePullPolicy?: string; env?: Array<{ name: string; value?: string }> }
type Deployment = Obj<{ template: { metadata: { labels: Record<string, string> }; spec: { containers: Container[] } } }>;

describe('seed 004: the federation control plane', () => {
  let s: TestSkiff;
  const ns = ['-n', 'red-mesh-system'];
  const work = mkdtempSync(join(tmpdir(), 'skiff-federation-'));

  before(async () => {
    s = await startMeshSkiff();
  });
  after(async () => {
    await s?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('installs red-mesh with its federation gateways, as v2.3', async () => {
    const smcp = extractSteps(readSeed('004')).find((st): st is SeedYaml => st.type === 'yaml' && st.text.includes('kind: ServiceMeshControlPlane') && st.text.includes('additionalIngress'))!.text;
    await s.kubectl.ok(['create', 'ns', 'red-mesh-system']);
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: smcp });
    await s.kubectl.ok(['wait', ...ns, 'smcp/red-mesh', '--for=condition=Ready', '--timeout=90s']);
    assert.match(await s.kubectl.ok(['get', 'smcp', ...ns]), /\nred-mesh\s+4\/4\s+ComponentsReady\s+\["default"\]\s+2\.3\.11\s+\d+s\n/);
    const labels = await jsonpath(s, 'ns', undefined, 'red-mesh-system', '{.metadata.labels}');
    assert.match(labels, /"maistra.io\/member-of":"red-mesh-system"/);
    // Meshes before v2.4 keep sidecar injection out of their own namespace.
    assert.match(labels, /"maistra.io\/ignore-namespace":"ignore"/);
    const deploys = await getJson<List<Deployment>>(s, 'get', 'deploy', ...ns);
    assert.deepEqual(deploys.items.map((d) => d.metadata.name).sort(), ['egress-blue-mesh', 'egress-green-mesh', 'ingress-blue-mesh', 'ingress-green-mesh', 'istio-egressgateway', 'istio-ingressgateway', 'istiod-red-mesh']);
    for (const d of deploys.items) assert.equal(d.spec.template.spec.containers[0]!.imagePullPolicy, 'Always', d.metadata.name);
  });

  it('gives the additional gateways the seed\'s ports, labels, service types and router mode', async () => {
    const ingress = await getJson<Service>(s, 'get', 'svc', ...ns, 'ingress-green-mesh');
    assert.equal(ingress.spec.type, 'LoadBalancer');
    assert.deepEqual(ingress.spec.ports.map((p) => [p.name, p.port, p.targetPort]), [['tls', 15443, 15443], ['https-discovery', 8188, 8188]]);
    assert.ok(ingress.spec.ports.every((p) => typeof p.nodePort === 'number'));
    assert.deepEqual(ingress.spec.selector, { app: 'ingress-green-mesh', istio: 'ingressgateway', 'federation.maistra.io/ingress-for': 'ingress-green-mesh' });
    const egress = await getJson<Service>(s, 'get', 'svc', ...ns, 'egress-blue-mesh');
    assert.equal(egress.spec.type, 'ClusterIP');
    assert.deepEqual(egress.spec.ports.map((p) => [p.name, p.port, p.targetPort]), [['tls', 15443, 15443], ['http-discovery', 8188, 8188]]);
    assert.equal(egress.metadata.labels?.['federation.maistra.io/egress-for'], 'egress-blue-mesh');
    const deploy = await getJson<Deployment>(s, 'get', 'deploy', ...ns, 'egress-green-mesh');
    const env = Object.fromEntries((deploy.spec.template.spec.containers[0]!.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value]));
    assert.equal(env.ISTIO_META_ROUTER_MODE, 'sni-dnat');
    assert.equal(env.ISTIO_META_REQUESTED_NETWORK_VIEW, 'green-network');
    assert.equal(env.TRUST_DOMAIN, 'red-mesh.local');
    assert.deepEqual(deploy.spec.template.metadata.labels.istio, 'egressgateway');
    // The federation ingress pods answer both selectors: their own label and Istio's `istio: ingressgateway`.
    const pods = await getJson<List<Obj>>(s, 'get', 'pods', ...ns, '-l', 'istio=ingressgateway');
    assert.deepEqual(pods.items.map((p) => p.metadata.labels?.app).sort(), ['ingress-blue-mesh', 'ingress-green-mesh', 'istio-ingressgateway']);
  });

  it('issues identities in the mesh\'s trust domain from its own CA', async () => {
    assert.match(await jsonpath(s, 'cm', 'red-mesh-system', 'istio-red-mesh', '{.data.mesh}'), /^trustDomain: red-mesh\.local$/m);
    const secret = await getJson<{ data: Record<string, string> }>(s, 'get', 'secret', ...ns, 'istio-ca-secret');
    const files = Object.fromEntries(Object.entries(secret.data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
    const mesh = meshCaFromFiles(files, { meshNamespace: 'red-mesh-system', trustDomain: 'red-mesh.local', source: 'self-signed', secretName: 'istio-ca-secret' }, new Date());
    const cert = await issueWorkloadCertificate(mesh, { namespace: 'red-mesh-system', serviceAccount: 'ingress-green-mesh-service-account' });
    writeFileSync(join(work, 'cert.pem'), cert.certPem);
    writeFileSync(join(work, 'chain.pem'), cert.certChainPem);
    writeFileSync(join(work, 'root.pem'), await jsonpath(s, 'cm', 'red-mesh-system', 'istio-ca-root-cert', '{.data.root-cert\\.pem}'));
    assert.equal(execFileSync('openssl', ['verify', '-CAfile', 'root.pem', '-untrusted', 'chain.pem', 'cert.pem'], { cwd: work, encoding: 'utf8' }).trim(), 'cert.pem: OK');
    assert.match(execFileSync('openssl', ['x509', '-in', 'cert.pem', '-noout', '-ext', 'subjectAltName'], { cwd: work, encoding: 'utf8' }), /URI:spiffe:\/\/red-mesh\.local\/ns\/red-mesh-system\/sa\/ingress-green-mesh-service-account/);
  });
});
