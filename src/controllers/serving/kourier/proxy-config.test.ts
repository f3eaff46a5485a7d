import assert from 'node:assert/strict';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { request as httpsRequest } from 'node:https';
import { createCertificateAuthority, issueCertificate } from '../../../pki/certificates.ts';
import { tlsSecret } from '../../../dataplane/config/testing-fixtures.ts';
import type { Pod } from '../../../api/builtin/core/pod-readiness.ts';
import { slice, pod } from '../../../dataplane/config/testing-services.ts';
import { service } from '../../../dataplane/config/testing-fixtures.ts';
import { GatewayProxy } from '../../../dataplane/gateway/index.ts';
import { helloIngress } from '../ingress/testing-fixtures.ts';
import { KOURIER_INGRESS_CLASS } from './gateway.ts';
import { compileKourierProxy, kourierObjects, type KourierInputs } from './proxy-config.ts';
import { kourierProbeTargets } from './reconcile.ts';

const GATEWAY_IP = '127.0.83.7';
const REVISION_IP = '127.0.83.8';
const ingress = helloIngress({ annotations: { 'networking.knative.dev/ingress.class': KOURIER_INGRESS_CLASS } });
const gatewayPod: Pod = {
  apiVersion: 'v1', kind: 'Pod',
  metadata: { namespace: 'knative-serving-ingress', name: '3scale-kourier-gateway-abc', labels: { app: '3scale-kourier-gateway' } },
  spec: { containers: [] }, status: { podIP: GATEWAY_IP, phase: 'Running' },
};

function inputs(port: number): KourierInputs {
  const revisionPod = pod('default', 'hello-00001-deployment-x', REVISION_IP, { app: 'hello-00001' });
  return {
    ingresses: [ingress],
    services: [service('default', 'hello-00001', { clusterIP: '127.96.9.9', ports: [{ name: 'http', port: 80, targetPort: port }] })],
    endpointSlices: [slice('default', 'hello-00001', [{ name: 'http', port }], [revisionPod])],
    pods: [revisionPod, gatewayPod],
    secret: () => undefined,
  };
}

describe('kourierObjects', () => {
  it('binds external rules to both listeners and cluster-local rules to the internal one', () => {
    const objects = kourierObjects(inputs(8012), 'knative-serving-ingress');
    const vs = objects.virtualServices.find((v) => v.metadata.name === 'hello-ingress')!;
    assert.deepEqual(vs.spec?.gateways, ['knative-serving-ingress/kourier-external', 'knative-serving-ingress/kourier-internal']);
    assert.equal(objects.virtualServices.some((v) => v.metadata.name === 'hello-mesh'), false);
    assert.equal(objects.hashes.size, 1);
    const servers = objects.gateways.flatMap((g) => g.spec?.servers ?? []).map((s) => s.port?.number);
    assert.deepEqual(servers, [8080, 8081]);
  });

  it('adds an HTTPS server per TLS entry whose secret is visible, on a copy in the gateway namespace', () => {
    const tls = helloIngress({ annotations: { 'networking.knative.dev/ingress.class': KOURIER_INGRESS_CLASS }, tls: [{ hosts: ['hello-default.apps.example.com'], secretName: 'cert', secretNamespace: 'default' }] });
    const visible = kourierObjects({ ...inputs(8012), ingresses: [tls], secret: (ns, name) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { namespace: ns, name }, data: {} }) }, 'knative-serving-ingress');
    const https = visible.gateways[0]!.spec!.servers!.find((s) => s.port?.number === 8443)!;
    assert.equal(visible.secrets[0]!.metadata.namespace, 'knative-serving-ingress');
    assert.equal(https.tls?.credentialName, visible.secrets[0]!.metadata.name);
    const hidden = kourierObjects({ ...inputs(8012), ingresses: [tls] }, 'knative-serving-ingress');
    assert.equal(hidden.gateways[0]!.spec!.servers!.some((s) => s.port?.number === 8443), false);
  });
});

describe('a GatewayProxy running the compiled Kourier configuration', () => {
  let revision: Server;
  let proxy: GatewayProxy;
  let seen: IncomingHttpHeaders | undefined;
  let hash: string;
  const get = (port: number, host: string, path = '/', headers: Record<string, string> = {}) => new Promise<{ status: number; body: string; headers: IncomingHttpHeaders }>((resolve, reject) => {
    const req = request({ host: GATEWAY_IP, port, path, headers: { Host: host, ...headers }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject).end();
  });

  before(async () => {
    revision = createServer((req, res) => {
      seen = req.headers;
      const h = req.headers['k-network-hash'];
      if (typeof h === 'string') res.setHeader('K-Network-Hash', h);
      res.end('Hello Kourier!\n');
    });
    await new Promise<void>((resolve) => revision.listen(0, REVISION_IP, resolve));
    const compiled = compileKourierProxy(inputs((revision.address() as AddressInfo).port), gatewayPod);
    hash = [...compiled.hashes.values()][0]!;
    proxy = new GatewayProxy({ address: GATEWAY_IP });
    const result = await proxy.apply(compiled.config, undefined);
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.ports, [8080, 8081]);
  });
  after(async () => {
    await proxy?.stop(0);
    revision?.close();
  });

  it('routes an external host on 8080 with the split\'s appended headers', async () => {
    const r = await get(8080, 'hello-default.apps.example.com');
    assert.deepEqual([r.status, r.body], [200, 'Hello Kourier!\n']);
    assert.equal(seen?.['knative-serving-revision'], 'hello-00001');
    assert.equal(seen?.['knative-serving-namespace'], 'default');
  });

  it('serves cluster-local hosts only on the internal listener', async () => {
    assert.equal((await get(8081, 'hello.default.svc.cluster.local')).status, 200);
    assert.equal((await get(8081, 'hello-default.apps.example.com')).status, 200);
    assert.equal((await get(8080, 'hello.default.svc.cluster.local')).status, 404);
  });

  it('answers the readiness probe and carries the ingress probe hash', async () => {
    assert.equal((await get(8081, 'internalkourier', '/ready')).status, 200);
    const probe = await get(8080, 'hello-default.apps.example.com', '/healthz', { 'K-Network-Probe': 'probe', 'K-Network-Hash': 'override' });
    assert.equal(probe.headers['k-network-hash'], hash);
  });
});

describe('Kourier HTTPS (a KIngress with spec.tls)', () => {
  it('terminates TLS on 8443 with the ingress\'s certificate and routes by the host', async () => {
    const validity = { notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 86_400_000) };
    const ca = await createCertificateAuthority({ commonName: 'shop root', ...validity });
    const cert = await issueCertificate(ca, { commonName: 'hello-default.apps.example.com', dnsNames: ['hello-default.apps.example.com'], usages: ['serverAuth'], ...validity });
    const secret = tlsSecret('default', 'hello-cert', { 'tls.crt': cert.certPem, 'tls.key': cert.keyPem });
    const backend = createServer((_req, res) => res.end('over tls\n'));
    await new Promise<void>((resolve) => backend.listen(0, REVISION_IP, resolve));
    const tls = helloIngress({ annotations: { 'networking.knative.dev/ingress.class': KOURIER_INGRESS_CLASS }, tls: [{ hosts: ['hello-default.apps.example.com'], secretName: 'hello-cert', secretNamespace: 'default' }] });
    const { config } = compileKourierProxy({ ...inputs((backend.address() as AddressInfo).port), ingresses: [tls], secret: (ns, name) => (ns === 'default' && name === 'hello-cert' ? secret : undefined) }, gatewayPod);
    const proxy = new GatewayProxy({ address: GATEWAY_IP });
    try {
      const applied = await proxy.apply(config, undefined);
      assert.deepEqual(applied.ports, [8080, 8081, 8443]);
      const body = await new Promise<string>((resolve, reject) => {
        const req = httpsRequest({ host: GATEWAY_IP, port: 8443, servername: 'hello-default.apps.example.com', headers: { Host: 'hello-default.apps.example.com' }, ca: ca.certPem, agent: false }, (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => resolve(text));
        });
        req.on('error', reject).end();
      });
      assert.equal(body, 'over tls\n');
    } finally {
      await proxy.stop(0);
      backend.close();
    }
  });
});

describe('kourierProbeTargets', () => {
  it('probes each running gateway pod: external hosts on 8080, cluster-local hosts on 8081', () => {
    const pending: Pod = { ...gatewayPod, metadata: { ...gatewayPod.metadata, name: 'pending' }, status: { phase: 'Pending' } };
    const targets = kourierProbeTargets(ingress, [gatewayPod, pending]).map((t) => `${t.address}:${t.port} ${t.host}`);
    assert.deepEqual(targets, [
      `${GATEWAY_IP}:8080 hello-default.apps.example.com`,
      `${GATEWAY_IP}:8081 hello.default`, `${GATEWAY_IP}:8081 hello.default.svc`, `${GATEWAY_IP}:8081 hello.default.svc.cluster.local`,
    ]);
  });
});
