/**
 * Gateways originating Istio mTLS to meshed endpoints, against a real TLS server on its own
 * loopback address that plays a sidecar: it serves the workload certificate of
 * `ns/default/sa/app` and requires a client certificate chaining to the mesh root.
 */
import assert from 'node:assert/strict';
import { createServer as createHttpServer, request, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { connect, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { issueWorkloadCertificate, type WorkloadCertificate } from '../../mesh/pki/index.ts';
import { createSelfSignedCaFiles, meshCaFromFiles } from '../../mesh/pki/mesh-ca.ts';
import { istioMtlsSni } from '../config/cluster-policy.ts';
import type { Cluster, Endpoint } from '../config/model.ts';
import type { RequestRecord } from '../request-record.ts';
import { GatewayProxy } from './gateway-proxy.ts';
import { cluster, forwardTo, freePort, listener, proxyConfig, route } from './test-config.ts';

const GATEWAY_IP = '127.0.0.3';
const SIDECAR_IP = '127.0.0.4';
const HOST = 'app.default.svc.cluster.local';
const GATEWAY_ID = 'spiffe://cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account';

function get(port: number, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: GATEWAY_IP, port, path, headers: { host: 'app.example.com' }, agent: false }, (res: IncomingMessage) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function listen(server: Server | ReturnType<typeof createTlsServer>, address: string): Promise<number> {
  return new Promise((resolve) => server.listen(0, address, () => resolve((server.address() as AddressInfo).port)));
}

interface Seen { peer: string; sni: string; remote: string; alpn: string }

describe('gateway mTLS origination', () => {
  let gateway: WorkloadCertificate;
  let app: WorkloadCertificate;
  let sidecar: Server;
  let sidecarPort: number;
  let plain: Server;
  let plainPort: number;
  let tcpSidecar: ReturnType<typeof createTlsServer>;
  let tcpPort: number;
  const seen: Seen[] = [];

  before(async () => {
    const now = new Date();
    const ca = meshCaFromFiles(await createSelfSignedCaFiles('cluster.local', now), { meshNamespace: 'istio-system', trustDomain: 'cluster.local', source: 'self-signed', secretName: 'istio-ca-secret' }, now);
    gateway = await issueWorkloadCertificate(ca, { namespace: 'istio-system', serviceAccount: 'istio-ingressgateway-service-account' });
    app = await issueWorkloadCertificate(ca, { namespace: 'default', serviceAccount: 'app' });
    const serverTls = { cert: app.certChainPem, key: app.keyPem, ca: app.rootCertPem, requestCert: true, rejectUnauthorized: true, ALPNProtocols: ['http/1.1'] };
    sidecar = createHttpsServer(serverTls, (req, res) => {
      const s = req.socket as TLSSocket;
      seen.push({ peer: s.getPeerCertificate().subjectaltname ?? '', sni: String(s.servername), remote: s.remoteAddress ?? '', alpn: String(s.alpnProtocol) });
      res.end(`mtls ${req.url}`);
    });
    sidecarPort = await listen(sidecar, SIDECAR_IP);
    plain = createHttpServer((req, res) => res.end(`plain ${req.url}`));
    plainPort = await listen(plain, SIDECAR_IP);
    // A TCP sidecar: after the handshake it answers with the client's identity.
    tcpSidecar = createTlsServer({ ...serverTls, ALPNProtocols: ['istio-peer-exchange', 'http/1.1'] }, (s) => {
      s.on('data', (d: Buffer) => s.end(`${d.toString()} from ${s.getPeerCertificate().subjectaltname ?? ''} via ${String(s.alpnProtocol)}`));
    });
    tcpPort = await listen(tcpSidecar, SIDECAR_IP);
  });
  after(() => {
    for (const s of [sidecar, plain]) {
      s.closeAllConnections();
      s.close();
    }
    tcpSidecar.close();
  });

  const mesh = () => ({ certChainPem: gateway.certChainPem, keyPem: gateway.keyPem, rootCertPem: gateway.rootCertPem, notAfter: gateway.notAfter });

  function meshCluster(port: number, tls: Partial<Cluster['tls']>, endpoint: Partial<Endpoint> = {}): Cluster {
    const base = cluster(HOST, 80, [{ address: SIDECAR_IP, port }]);
    return {
      ...base,
      tls: { mode: 'ISTIO_MUTUAL', auto: false, sni: istioMtlsSni(80, undefined, HOST), subjectAltNames: [], ...tls },
      endpoints: base.endpoints.map((e) => ({ ...e, tlsMode: 'istio', serviceAccount: 'app', ...endpoint })),
    };
  }

  async function gatewayFor(c: Cluster, withIdentity: boolean): Promise<{ port: number; proxy: GatewayProxy; records: RequestRecord[]; problems: string[] }> {
    const port = await freePort();
    const proxy = new GatewayProxy({ address: GATEWAY_IP });
    const records: RequestRecord[] = [];
    const report = proxy.telemetry.report.bind(proxy.telemetry);
    proxy.telemetry.report = (r) => (records.push(r), report(r));
    const config = proxyConfig([listener(port, 'HTTP', [{ kind: 'http', serverNames: [], routeConfigName: 'r', hosts: [], servers: [] }])], { r: [{ domains: ['*'], routes: [route(forwardTo(c))] }] }, [c]);
    const { problems } = await proxy.apply(config, withIdentity ? mesh() : undefined);
    return { port, proxy, records, problems };
  }

  it('reaches an ISTIO_MUTUAL endpoint with its own SPIFFE certificate, Istio\'s SNI, from the gateway pod\'s IP', async () => {
    const g = await gatewayFor(meshCluster(sidecarPort, {}), true);
    try {
      assert.deepEqual(g.problems, []);
      assert.deepEqual(await get(g.port, '/hello'), { status: 200, body: 'mtls /hello' });
      assert.deepEqual(seen.at(-1), { peer: `URI:${GATEWAY_ID}`, sni: `outbound_.80_._.${HOST}`, remote: GATEWAY_IP, alpn: 'http/1.1' });
      // Kept alive: a second request reuses the pooled mTLS connection.
      assert.equal((await get(g.port, '/again')).status, 200);
    } finally {
      await g.proxy.stop();
    }
  });

  it('auto mTLS: mTLS to an endpoint with a sidecar, plaintext to one without', async () => {
    const withSidecar = await gatewayFor(meshCluster(sidecarPort, { auto: true }), true);
    const without = await gatewayFor(meshCluster(plainPort, { auto: true }, { tlsMode: 'disabled' }), true);
    try {
      assert.deepEqual(await get(withSidecar.port, '/a'), { status: 200, body: 'mtls /a' });
      assert.deepEqual(await get(without.port, '/b'), { status: 200, body: 'plain /b' });
    } finally {
      await withSidecar.proxy.stop();
      await without.proxy.stop();
    }
  });

  it('refuses a server that is not the endpoint\'s workload (503 UF), and DestinationRule subjectAltNames win', async () => {
    const wrong = await gatewayFor(meshCluster(sidecarPort, {}, { serviceAccount: 'someone-else' }), true);
    const pinned = await gatewayFor(meshCluster(sidecarPort, { subjectAltNames: ['spiffe://cluster.local/ns/default/sa/app'] }, { serviceAccount: 'someone-else' }), true);
    try {
      const r = await get(wrong.port);
      assert.equal(r.status, 503);
      assert.deepEqual(wrong.records.at(-1)?.responseFlags, ['UF']);
      assert.match(wrong.records.at(-1)?.upstreamTransportFailureReason ?? '', /spiffe:\/\/cluster\.local\/ns\/default\/sa\/someone-else/);
      assert.equal((await get(pinned.port)).status, 200);
    } finally {
      await wrong.proxy.stop();
      await pinned.proxy.stop();
    }
  });

  it('without a mesh certificate an ISTIO_MUTUAL endpoint is 503 UF and a problem, never plaintext', async () => {
    const g = await gatewayFor(meshCluster(plainPort, { auto: true }), false);
    try {
      assert.match(g.problems.join('\n'), /needs the gateway's mesh certificate/);
      const r = await get(g.port);
      assert.equal(r.status, 503);
      assert.deepEqual(g.records.at(-1)?.responseFlags, ['UF']);
      assert.match(g.records.at(-1)?.upstreamTransportFailureReason ?? '', /no workload certificate/);
    } finally {
      await g.proxy.stop();
    }
  });

  it('a plain TCP route originates mTLS to a meshed endpoint', async () => {
    const c = { ...meshCluster(tcpPort, { auto: true }), protocol: 'TCP' };
    const port = await freePort();
    const proxy = new GatewayProxy({ address: GATEWAY_IP });
    try {
      const tcpRoute = { origin: { virtualService: 'default/vs', ruleIndex: 0, kind: 'tcp' as const }, sniHosts: [], destinationSubnets: [], clusters: [{ cluster: c.name, host: c.host, port: 80, weight: 100 }] };
      const config = proxyConfig([listener(port, 'TCP', [{ kind: 'tcp', serverNames: [], hosts: [], servers: [] }])], {}, [c], [{ listener: `0.0.0.0_${port}`, chainIndex: 0, routes: [tcpRoute] }]);
      await proxy.apply(config, mesh());
      const answer = await new Promise<string>((resolve, reject) => {
        const s = connect({ host: GATEWAY_IP, port }, () => s.write('ping'));
        let text = '';
        s.on('data', (d: Buffer) => (text += d.toString()));
        s.on('end', () => resolve(text));
        s.on('error', reject);
      });
      assert.equal(answer, `ping from URI:${GATEWAY_ID} via istio-peer-exchange`);
    } finally {
      await proxy.stop();
    }
  });
});
