import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect, createServer as createNetServer, type AddressInfo, type Server as NetServer } from 'node:net';
import { before, describe, it } from 'node:test';
import type { WorkloadCertificate } from '../../mesh/pki/index.ts';
import type { MeshCa } from '../../mesh/pki/mesh-ca.ts';
import type { AuthorizationPolicy } from '../config/istio-specs.ts';
import { istio } from '../config/testing-fixtures.ts';
import { SidecarProxy } from './sidecar-proxy.ts';
import { echoApp, httpApp, meshCa, mtlsExchange, mtlsGet, plainGet, podAddresses, recordsOf, tcpExchange, workloadCert } from './test-support.ts';

const SELF = { workload: 'hello', namespace: 'default', principal: 'spiffe://cluster.local/ns/default/sa/hello' };

function closeNet(server: NetServer): Promise<void> {
  return new Promise((r) => server.close(() => r()));
}

/**
 * Connects and reads until the connection closes. With `send`: writes it and half-closes
 * first, keeping the reading side open for the answer.
 */
function readUntilClose(host: string, port: number, send?: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let text = '';
    const c = connect({ host, port, allowHalfOpen: send !== undefined }, () => (send !== undefined ? c.end(send) : undefined));
    c.on('data', (d: Buffer) => (text += d.toString()));
    c.on('error', reject);
    c.on('close', () => resolve(text));
  });
}

describe('SidecarProxy: traffic', () => {
  let ca: MeshCa;
  let server: WorkloadCertificate;
  let client: WorkloadCertificate;
  let other: WorkloadCertificate;
  before(async () => {
    ca = await meshCa();
    [server, client, other] = await Promise.all([workloadCert(ca, 'default', 'hello'), workloadCert(ca, 'tester', 'sleep'), workloadCert(ca, 'tester', 'other')]);
  });

  it('AuthorizationPolicy DENY by principal answers 403 RBAC: access denied; other principals pass', async () => {
    const { address, appAddress } = podAddresses();
    const app = await httpApp(appAddress);
    const proxy = new SidecarProxy({ address, appAddress, self: SELF, serveStats: false });
    const { records, next } = recordsOf(proxy);
    const deny = istio('AuthorizationPolicy', 'default', 'deny-sleep', { action: 'DENY', rules: [{ from: [{ source: { principals: ['cluster.local/ns/tester/sa/sleep'] } }] }] }) as AuthorizationPolicy;
    try {
      await proxy.apply({
        ports: [{ port: app.port, mode: 'STRICT', protocol: 'HTTP' }], identity: server,
        authz: { policies: [deny], workload: { namespace: 'default', labels: { app: 'hello' } }, rootNamespace: 'istio-system' },
      });
      const denied = await mtlsGet(address, app.port, '/x', client, ca.rootCertPem);
      assert.deepEqual([denied.status, denied.body], [403, 'RBAC: access denied']);
      const allowed = await mtlsGet(address, app.port, '/y', other, ca.rootCertPem);
      assert.deepEqual([allowed.status, allowed.body], [200, 'app /y']);
      assert.deepEqual(app.seen.map((s) => s.url), ['/y']);
      await next(2);
      assert.equal(records[0]?.responseCodeDetails, 'rbac_access_denied_matched_policy[ns[default]-policy[deny-sleep]-rule[0]]');
    } finally {
      await proxy.stop();
      await app.close();
    }
  });

  it('a TCP port relays both ways, plain and over mTLS, with tcp records; L4 DENY closes the connection', async () => {
    const { address, appAddress } = podAddresses();
    const echo = await echoApp(appAddress);
    const proxy = new SidecarProxy({ address, appAddress, self: SELF, serveStats: false });
    const { records, next } = recordsOf(proxy);
    try {
      await proxy.apply({ ports: [{ port: echo.port, mode: 'PERMISSIVE', protocol: 'TCP', services: ['db.default.svc.cluster.local:5432'] }], identity: server });
      assert.equal((await tcpExchange(address, echo.port, Buffer.from('ping'))).toString(), 'echo:ping');
      assert.equal((await mtlsExchange(address, echo.port, Buffer.from('secret'), client)).toString(), 'echo:secret');
      await next(2);
      assert.deepEqual(records.map((r) => `${r.protocol} ${r.connectionSecurityPolicy} ${r.bytesReceived}/${r.bytesSent} ${r.destinationService}`), [
        'tcp none 4/9 db.default.svc.cluster.local',
        'tcp mutual_tls 6/11 db.default.svc.cluster.local',
      ]);
      assert.equal(records[1]?.source.principal, 'spiffe://cluster.local/ns/tester/sa/sleep');
      assert.equal(records[1]?.downstreamLocalAddress, `${address}:${echo.port}`);
      const deny = istio('AuthorizationPolicy', 'default', 'deny-plain', { action: 'DENY', rules: [{ from: [{ source: { notPrincipals: ['*'] } }] }] }) as AuthorizationPolicy;
      await proxy.apply({ ports: [{ port: echo.port, mode: 'PERMISSIVE', protocol: 'TCP' }], identity: server, authz: { policies: [deny], workload: { namespace: 'default', labels: {} }, rootNamespace: 'istio-system' } });
      assert.equal((await tcpExchange(address, echo.port, Buffer.from('ping'))).length, 0);
      assert.equal((await mtlsExchange(address, echo.port, Buffer.from('mesh'), client)).toString(), 'echo:mesh');
    } finally {
      await proxy.stop();
      await closeNet(echo.server);
    }
  });

  it('an EXCLUDED port relays bytes untouched, TLS records included, even in a STRICT mesh', async () => {
    const { address, appAddress } = podAddresses();
    const echo = await echoApp(appAddress);
    const proxy = new SidecarProxy({ address, appAddress, self: SELF, serveStats: false });
    const { records } = recordsOf(proxy);
    try {
      await proxy.apply({ ports: [{ port: echo.port, mode: 'EXCLUDED', protocol: 'TCP' }], identity: server });
      const bytes = Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5]);
      const back = await tcpExchange(address, echo.port, bytes);
      assert.deepEqual(back, Buffer.concat([Buffer.from('echo:'), bytes]));
      assert.deepEqual(Buffer.concat(echo.received), bytes);
      assert.equal(records.length, 0, 'an uncaptured port reports nothing');
    } finally {
      await proxy.stop();
      await closeNet(echo.server);
    }
  });

  it('AUTO sniffs: an HTTP/1 request goes through the engine, other bytes are relayed', async () => {
    const { address, appAddress } = podAddresses();
    const app = await httpApp(appAddress);
    const proxy = new SidecarProxy({ address, appAddress, self: SELF, serveStats: false });
    const { records, next } = recordsOf(proxy);
    try {
      await proxy.apply({ ports: [{ port: app.port, mode: 'DISABLE', protocol: 'AUTO' }], identity: undefined });
      const r = await plainGet(address, app.port, '/auto');
      assert.equal(r.headers.server, 'istio-envoy', 'answered through the proxy engine');
      const raw = await tcpExchange(address, app.port, Buffer.from('NOT-HTTP\r\n\r\n'));
      assert.match(raw.toString(), /^HTTP\/1\.1 400/, 'the app itself saw the bytes');
      await next(2);
      assert.deepEqual(records.map((x) => x.protocol), ['http', 'tcp']);
    } finally {
      await proxy.stop();
      await app.close();
    }
  });

  it('AUTO waits for a client\'s first bytes as long as the port\'s plan says (the mesh\'s protocolDetectionTimeout): a server-first app then greets through the relay', { timeout: 60_000 }, async () => {
    const { address, appAddress } = podAddresses();
    // A server-first protocol (MySQL, SMTP): the app speaks as soon as a connection arrives.
    const greeter = createNetServer((socket) => socket.end('220 ready\r\n'));
    await new Promise<void>((r) => greeter.listen(0, appAddress, r));
    const port = (greeter.address() as AddressInfo).port;
    // The proxy's own default would keep a silent client waiting ten minutes: only the plan's 50 ms lets the greeting through.
    const proxy = new SidecarProxy({ address, appAddress, self: SELF, serveStats: false, timeouts: { detectionMs: 600_000 } });
    try {
      await proxy.apply({ ports: [{ port, mode: 'DISABLE', protocol: 'AUTO', detectionTimeoutMs: 50 }], identity: undefined });
      const greeting = await readUntilClose(address, port);
      assert.equal(greeting, '220 ready\r\n');
    } finally {
      await proxy.stop();
      await closeNet(greeter);
    }
  });

  it('a declared HTTP port does not wait forever for a silent client when the mesh\'s detection timeout is 0s (that is for sniffed ports)', { timeout: 60_000 }, async () => {
    const { address, appAddress } = podAddresses();
    const app = await httpApp(appAddress);
    const proxy = new SidecarProxy({ address, appAddress, self: SELF, serveStats: false, timeouts: { detectionMs: 50, idleMs: 200 } });
    try {
      await proxy.apply({ ports: [{ port: app.port, mode: 'DISABLE', protocol: 'HTTP', detectionTimeoutMs: 0 }], identity: undefined });
      // Closed by the engine's idle timeout once the proxy's own detection bound passed; held forever otherwise.
      assert.equal(await readUntilClose(address, app.port), '');
    } finally {
      await proxy.stop();
      await app.close();
    }
  });

  it('AUTO relays a client that half-closes before its bytes decided, bytes first', async () => {
    const { address, appAddress } = podAddresses();
    const echo = await echoApp(appAddress);
    const proxy = new SidecarProxy({ address, appAddress, self: SELF, serveStats: false });
    try {
      await proxy.apply({ ports: [{ port: echo.port, mode: 'PERMISSIVE', protocol: 'AUTO' }], identity: server });
      const back = await readUntilClose(address, echo.port, 'ping');
      assert.equal(back, 'echo:ping');
    } finally {
      await proxy.stop();
      await closeNet(echo.server);
    }
  });

  it('an app that refuses gets 503 UF', async () => {
    const { address, appAddress } = podAddresses();
    const app = await httpApp(appAddress);
    const port = app.port;
    await app.close();
    const proxy = new SidecarProxy({ address, appAddress, self: SELF, serveStats: false });
    const { records, next } = recordsOf(proxy);
    try {
      await proxy.apply({ ports: [{ port, mode: 'PERMISSIVE', protocol: 'HTTP' }], identity: server });
      const r = await plainGet(address, port, '/gone');
      assert.equal(r.status, 503);
      await next(1);
      assert.deepEqual(records[0]?.responseFlags, ['UF']);
    } finally {
      await proxy.stop();
    }
  });

  it('drain lets an in-flight request finish and refuses new connections; a removed port closes', async () => {
    const { address, appAddress } = podAddresses();
    const app = await httpApp(appAddress);
    const proxy = new SidecarProxy({ address, appAddress, self: SELF, serveStats: false });
    try {
      await proxy.apply({ ports: [{ port: app.port, mode: 'PERMISSIVE', protocol: 'HTTP' }], identity: server });
      const slow = new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request({ host: address, port: app.port, path: '/slow', agent: false }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end();
      });
      await app.slowArrived;
      assert.equal(proxy.inFlight, 1);
      const drained = proxy.drain(10_000);
      await assert.rejects(plainGet(address, app.port, '/new'), /ECONNREFUSED/);
      app.release();
      assert.deepEqual(await slow, { status: 200, body: 'slow done' });
      await drained;
      assert.equal(proxy.inFlight, 0);
    } finally {
      await proxy.stop();
      await app.close();
    }
  });

  it('serves its Istio metrics on the pod IP :15090 when free', async () => {
    const { address, appAddress } = podAddresses();
    const app = await httpApp(appAddress);
    const proxy = new SidecarProxy({ address, appAddress, self: SELF });
    const { next } = recordsOf(proxy);
    try {
      await proxy.apply({ ports: [{ port: app.port, mode: 'PERMISSIVE', protocol: 'HTTP' }], identity: server });
      await plainGet(address, app.port, '/m');
      await next(1);
      const stats = await plainGet(address, 15090, '/stats/prometheus');
      assert.equal(stats.status, 200);
      assert.match(stats.body, /istio_requests_total\{[^}]*reporter="destination"[^}]*\} 1/);
    } finally {
      await proxy.stop();
      await app.close();
    }
  });
});
