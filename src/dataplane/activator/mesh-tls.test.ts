/**
 * The activator and the autoscaler's scraper reach a STRICT meshed pod as their sidecars
 * would: a real TLS "pod" on 127.77.0.2 that demands a client certificate from a real mesh CA
 * (src/mesh/pki), and a small `MeshClientTls` that builds real client options from workload
 * certificates of that CA (the one thing the mesh-tls implementation would do differently
 * is look the pod up in the cluster). The callers bind their own pod IPs (127.77.0.1 for the
 * activator, 127.77.0.4 for the autoscaler) and the pod sees them and their SPIFFE IDs.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { test, type TestContext } from 'node:test';
import type { TLSSocket } from 'node:tls';
import { activatorInPathOverMesh } from '../../controllers/serving/autoscaler/controller.ts';
import { FakeClient } from '../../controllers/serving/autoscaler/fake-client.ts';
import { scrapePod } from '../../controllers/serving/autoscaler/scrape.ts';
import type { StatSink } from '../../controllers/serving/shared/contracts.ts';
import { createSelfSignedCaFiles, meshCaFromFiles, type MeshCa } from '../../mesh/pki/mesh-ca.ts';
import { spiffeId } from '../../mesh/pki/spiffe.ts';
import { issueWorkloadCertificate, type WorkloadCertificate } from '../../mesh/pki/workload-certificate.ts';
import type { MeshClientTls, MeshSource, OriginatedTls } from '../mesh-tls/types.ts';
import { Activator } from './activator.ts';
import { RevisionBackendsManager } from './backends-manager.ts';
import type { MeshCaller } from './pod-connection.ts';
import { probeQueue } from './queue-probe.ts';

const TD = 'cluster.local';
const ACTIVATOR_IP = '127.77.0.1';
const POD_IP = '127.77.0.2';
const PLAIN_POD_IP = '127.77.0.3';
const AUTOSCALER_IP = '127.77.0.4';
const ACTIVATOR_ID: MeshSource = { namespace: 'knative-serving', serviceAccount: 'activator' };
const AUTOSCALER_ID: MeshSource = { namespace: 'knative-serving', serviceAccount: 'controller' };
const POD_ID: MeshSource = { namespace: 'default', serviceAccount: 'hello' };
const REV = { 'knative-serving-revision': 'hello-00001', 'knative-serving-namespace': 'default' };
const METRICS = 'queue_average_concurrent_requests{destination_pod="hello-00001-deployment-abc"} 2.5\nqueue_requests_per_second 7\n';

async function meshCa(): Promise<MeshCa> {
  const now = new Date();
  const files = await createSelfSignedCaFiles(TD, now);
  return meshCaFromFiles(files, { meshNamespace: 'istio-system', trustDomain: TD, source: 'self-signed', secretName: 'istio-ca-secret' }, now);
}

/**
 * Auto mTLS for one known STRICT pod: TLS to `tlsAddress` (any port) with the source's own
 * certificate, Istio's SNI and ALPN, and the server's URI SAN checked against `expected`.
 */
class TestMeshTls implements MeshClientTls {
  readonly #ca: MeshCa;
  readonly #certs = new Map<string, Promise<WorkloadCertificate>>();
  readonly asked: string[] = [];

  constructor(ca: MeshCa, readonly tlsAddress: string, public expected: string) {
    this.#ca = ca;
  }

  async originate(source: MeshSource, address: string, port: number): Promise<OriginatedTls | undefined> {
    this.asked.push(`${source.namespace}/${source.serviceAccount}->${address}:${port}`);
    if (address !== this.tlsAddress) return undefined;
    const key = `${source.namespace}/${source.serviceAccount}`;
    let cert = this.#certs.get(key);
    if (!cert) this.#certs.set(key, (cert = issueWorkloadCertificate(this.#ca, source)));
    const { certChainPem, keyPem, rootCertPem } = await cert;
    const expected = this.expected;
    return {
      key: `${key}|${expected}`,
      options: {
        cert: certChainPem, key: keyPem, ca: rootCertPem,
        servername: `outbound_.${port}_._.hello-00001-private.default.svc.cluster.local`,
        ALPNProtocols: ['istio-http/1.1', 'istio', 'http/1.1'],
        checkServerIdentity: (_host, peer) => (peer.subjectaltname === `URI:${expected}` ? undefined : new Error(`peer is ${peer.subjectaltname}, not ${expected}`)),
      },
    };
  }
}

interface Seen { url: string; remoteAddress: string; peer: string; alpn: string | false | null; headers: http.IncomingHttpHeaders }

/** The STRICT pod: mTLS only, answering as a queue-proxy would (probe, metrics, requests, upgrades). */
async function strictPod(t: TestContext, ca: MeshCa) {
  const cert = await issueWorkloadCertificate(ca, POD_ID);
  const seen: Seen[] = [];
  let handshakes = 0;
  const server = https.createServer({ cert: cert.certChainPem, key: cert.keyPem, ca: cert.rootCertPem, requestCert: true, rejectUnauthorized: true, ALPNProtocols: ['http/1.1'] }, (req, res) => {
    const socket = req.socket as TLSSocket;
    seen.push({ url: req.url ?? '', remoteAddress: socket.remoteAddress ?? '', peer: socket.getPeerCertificate().subjectaltname ?? '', alpn: socket.alpnProtocol, headers: req.headers });
    // A queue-proxy answers `queue` probes, the activator `activator` ones: one stand-in for both.
    if (req.url === '/healthz') res.end(req.headers['k-network-probe'] === 'queue' ? 'queue' : req.headers['k-network-probe'] === 'activator' ? 'activator' : '');
    else if (req.url === '/metrics') res.end(METRICS);
    else res.end('Hello mesh!');
  });
  server.on('secureConnection', () => handshakes++);
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex) => {
    seen.push({ url: req.url ?? '', remoteAddress: (socket as TLSSocket).remoteAddress ?? '', peer: (socket as TLSSocket).getPeerCertificate().subjectaltname ?? '', alpn: (socket as TLSSocket).alpnProtocol, headers: req.headers });
    socket.write('HTTP/1.1 101 Switching Protocols\r\nconnection: Upgrade\r\nupgrade: websocket\r\n\r\n');
    socket.pipe(socket);
  });
  await new Promise<void>((r) => server.listen(0, POD_IP, r));
  t.after(() => new Promise<void>((r) => {
    server.closeAllConnections();
    server.close(() => r());
  }));
  return { port: (server.address() as AddressInfo).port, seen, handshakes: () => handshakes };
}

const sink: StatSink = { record: () => {}, poke: () => {} };

async function startActivator(t: TestContext, meshTls?: MeshClientTls): Promise<Activator> {
  const a = new Activator({ host: ACTIVATOR_IP, podName: 'activator-1', sink, port: 0, metricsPort: null, reportIntervalMs: 60_000, ...(meshTls ? { meshTls, meshSource: ACTIVATOR_ID } : {}) });
  await a.listen();
  t.after(() => a.close());
  return a;
}

function get(port: number, headers: Record<string, string> = REV): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: ACTIVATOR_IP, port, path: '/greet', headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

test('the activator forwards over mTLS with its own identity, from its pod IP, on pooled connections', async (t) => {
  const ca = await meshCa();
  const pod = await strictPod(t, ca);
  const meshTls = new TestMeshTls(ca, POD_IP, spiffeId(TD, POD_ID));
  const a = await startActivator(t, meshTls);
  a.updateRevision('default', 'hello-00001', { containerConcurrency: 0, timeoutSeconds: 30, backends: [{ ip: POD_IP, port: pod.port }] });
  assert.deepEqual(await get(a.port), { status: 200, body: 'Hello mesh!' });
  assert.deepEqual(await get(a.port), { status: 200, body: 'Hello mesh!' });
  assert.equal(pod.seen.length, 2);
  for (const s of pod.seen) {
    assert.equal(s.peer, `URI:${spiffeId(TD, ACTIVATOR_ID)}`, 'the pod sees the activator\'s SPIFFE ID');
    assert.equal(s.remoteAddress, ACTIVATOR_IP, 'from the activator pod\'s IP');
    assert.equal(s.alpn, 'http/1.1');
    assert.equal(s.headers['k-proxy-request'], 'activator');
  }
  assert.equal(pod.handshakes(), 1, 'the second request reused the pooled TLS connection');
  assert.deepEqual(meshTls.asked, [`knative-serving/activator->${POD_IP}:${pod.port}`, `knative-serving/activator->${POD_IP}:${pod.port}`]);
});

test('a plaintext destination stays plaintext (from the pod IP); a wrong server identity or no mesh is a 502', async (t) => {
  const ca = await meshCa();
  const pod = await strictPod(t, ca);
  const plainSeen: string[] = [];
  const plain = http.createServer((req, res) => {
    plainSeen.push(req.socket.remoteAddress ?? '');
    res.end('plain');
  });
  await new Promise<void>((r) => plain.listen(0, PLAIN_POD_IP, r));
  t.after(() => new Promise<void>((r) => {
    plain.closeAllConnections();
    plain.close(() => r());
  }));
  const meshTls = new TestMeshTls(ca, POD_IP, spiffeId(TD, POD_ID));
  const a = await startActivator(t, meshTls);
  a.updateRevision('default', 'plain-00001', { containerConcurrency: 0, timeoutSeconds: 30, backends: [{ ip: PLAIN_POD_IP, port: (plain.address() as AddressInfo).port }] });
  assert.deepEqual(await get(a.port, { ...REV, 'knative-serving-revision': 'plain-00001' }), { status: 200, body: 'plain' });
  assert.deepEqual(plainSeen, [ACTIVATOR_IP]);

  a.updateRevision('default', 'hello-00001', { containerConcurrency: 0, timeoutSeconds: 30, backends: [{ ip: POD_IP, port: pod.port }] });
  meshTls.expected = spiffeId(TD, { namespace: 'default', serviceAccount: 'someone-else' });
  const wrong = await get(a.port);
  assert.equal(wrong.status, 502);
  assert.match(wrong.body, /not spiffe:\/\/cluster\.local\/ns\/default\/sa\/someone-else/);

  const unmeshed = await startActivator(t);
  unmeshed.updateRevision('default', 'hello-00001', { containerConcurrency: 0, timeoutSeconds: 30, backends: [{ ip: POD_IP, port: pod.port }] });
  assert.equal((await get(unmeshed.port)).status, 502, 'a STRICT pod refuses the plaintext activator');
  assert.equal(pod.seen.length, 0);
});

test('listening on an inner address, the activator still calls from its pod IP', async (t) => {
  const ca = await meshCa();
  const pod = await strictPod(t, ca);
  const a = new Activator({ host: '127.77.128.1', localAddress: ACTIVATOR_IP, podName: 'activator-1', sink, port: 0, metricsPort: null, meshTls: new TestMeshTls(ca, POD_IP, spiffeId(TD, POD_ID)), meshSource: ACTIVATOR_ID });
  await a.listen();
  t.after(() => a.close());
  a.updateRevision('default', 'hello-00001', { containerConcurrency: 0, timeoutSeconds: 30, backends: [{ ip: POD_IP, port: pod.port }] });
  const reply = await new Promise<number>((resolve, reject) => {
    http.get({ host: '127.77.128.1', port: a.port, path: '/', headers: REV, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject);
  });
  assert.equal(reply, 200);
  assert.equal(pod.seen[0]?.remoteAddress, ACTIVATOR_IP);
});

test('an upgrade (WebSocket) is tunnelled inside the activator\'s mTLS', async (t) => {
  const ca = await meshCa();
  const pod = await strictPod(t, ca);
  const a = await startActivator(t, new TestMeshTls(ca, POD_IP, spiffeId(TD, POD_ID)));
  a.updateRevision('default', 'hello-00001', { containerConcurrency: 0, timeoutSeconds: 30, backends: [{ ip: POD_IP, port: pod.port }] });
  const socket = await new Promise<Duplex>((resolve, reject) => {
    const req = http.request({ host: ACTIVATOR_IP, port: a.port, agent: false, headers: { ...REV, connection: 'Upgrade', upgrade: 'websocket' } });
    req.on('upgrade', (_res, s) => resolve(s));
    req.on('error', reject);
    req.end();
  });
  socket.write('ping');
  assert.equal(await new Promise<string>((r) => socket.once('data', (d: Buffer) => r(d.toString()))), 'ping');
  socket.destroy();
  assert.equal(pod.seen[0]?.peer, `URI:${spiffeId(TD, ACTIVATOR_ID)}`);
  assert.equal(pod.seen[0]?.remoteAddress, ACTIVATOR_IP);
  assert.equal(pod.seen[0]?.headers.upgrade, 'websocket');
});

test('the activator\'s queue probe passes through mTLS; without it the STRICT pod fails it', async (t) => {
  const ca = await meshCa();
  const pod = await strictPod(t, ca);
  const caller: MeshCaller = { tls: new TestMeshTls(ca, POD_IP, spiffeId(TD, POD_ID)), source: ACTIVATOR_ID, localAddress: ACTIVATOR_IP };
  const dest = `${POD_IP}:${pod.port}`;
  assert.equal(await probeQueue(dest, 2_000, caller), true);
  assert.equal(await probeQueue(dest, 2_000), false, 'plaintext is refused');
  assert.equal(pod.seen[0]?.peer, `URI:${spiffeId(TD, ACTIVATOR_ID)}`);
  assert.equal(pod.seen[0]?.remoteAddress, ACTIVATOR_IP);
  const failing: MeshCaller = { ...caller, tls: { originate: () => Promise.reject(new Error('no mesh CA yet')) } };
  assert.equal(await probeQueue(dest, 2_000, failing), false, 'the mesh cannot say: a failed probe, never plaintext');

  // The backends manager probes as the caller of the moment.
  let announce: (key: string) => void = () => {};
  const changed = new Promise<string>((r) => (announce = r));
  const manager = new RevisionBackendsManager({ onChange: (key) => announce(key), held: () => 1, caller: () => caller, intervalMs: 10, timeoutMs: 2_000 });
  t.after(() => manager.stop());
  manager.update('default/hello-00001', { ready: [], notReady: [{ ip: POD_IP, port: pod.port }] });
  assert.equal(await changed, 'default/hello-00001');
  assert.deepEqual(manager.backends('default/hello-00001'), [{ ip: POD_IP, port: pod.port }]);
});

test('the autoscaler scrapes a STRICT pod\'s metrics over mTLS with its own identity and address', async (t) => {
  const ca = await meshCa();
  const pod = await strictPod(t, ca);
  const caller: MeshCaller = { tls: new TestMeshTls(ca, POD_IP, spiffeId(TD, POD_ID)), source: AUTOSCALER_ID, localAddress: AUTOSCALER_IP };
  const target = { ip: POD_IP, name: 'hello-00001-deployment-abc', namespace: 'default', revision: 'hello-00001' };
  const stat = await scrapePod(target, 2_000, 5, pod.port, caller);
  assert.equal(stat.averageConcurrentRequests, 2.5);
  assert.equal(stat.requestCount, 7);
  assert.equal(pod.seen[0]?.url, '/metrics');
  assert.equal(pod.seen[0]?.peer, `URI:${spiffeId(TD, AUTOSCALER_ID)}`);
  assert.equal(pod.seen[0]?.remoteAddress, AUTOSCALER_IP);
  await assert.rejects(scrapePod(target, 2_000, 5, pod.port), 'a plaintext scrape is refused');
});

test('the KPA\'s activator-in-path probe goes over mTLS too', async (t) => {
  const ca = await meshCa();
  const activatorPod = await strictPod(t, ca);
  const client = new FakeClient();
  await client.create({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'hello-00001', namespace: 'default' }, subsets: [{ addresses: [{ ip: POD_IP }], ports: [{ name: 'http', port: activatorPod.port }] }] });
  const caller: MeshCaller = { tls: new TestMeshTls(ca, POD_IP, spiffeId(TD, POD_ID)), source: AUTOSCALER_ID, localAddress: AUTOSCALER_IP };
  assert.equal(await activatorInPathOverMesh(client, 'default', 'hello-00001', caller), true);
  assert.equal(activatorPod.seen[0]?.peer, `URI:${spiffeId(TD, AUTOSCALER_ID)}`);
  assert.equal(await activatorInPathOverMesh(client, 'default', 'hello-00001', undefined), false, 'plaintext is refused');
  assert.equal(await activatorInPathOverMesh(client, 'default', 'missing', caller), false, 'no endpoints');
});
