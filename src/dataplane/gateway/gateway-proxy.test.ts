import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { connect as tlsConnect, createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { createServer as createHttpsServer } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { createCertificateAuthority, issueCertificate } from '../../pki/certificates.ts';
import { istio } from '../config/testing-fixtures.ts';
import type { AuthorizationPolicySpec } from '../config/istio-specs.ts';
import { GatewayProxy } from './gateway-proxy.ts';
import { cluster, credential, forwardTo, freePort, listener, proxyConfig, route, tlsChain } from './test-config.ts';

const ADDRESS = '127.0.0.1';
const validity = () => ({ notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 86_400_000) });

function get(port: number, path: string, host: string): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: ADDRESS, port, path, headers: { host }, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The certificate subject a TLS server presents for `servername`. */
function servedSubject(port: number, servername: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ host: ADDRESS, port, servername, rejectUnauthorized: false }, () => {
      resolve(String(s.getPeerCertificate().subject.CN ?? ''));
      s.destroy();
    });
    s.once('error', reject);
  });
}

describe('GatewayProxy', () => {
  let upstream: Server;
  let upstreamPort: number;
  const seen: { url: string; headers: Record<string, unknown> }[] = [];
  let release: (() => void) | undefined;
  before(async () => {
    upstream = createServer((req, res) => {
      seen.push({ url: req.url ?? '', headers: req.headers });
      if (req.url === '/slow') {
        release = () => res.end('slow done');
        return;
      }
      res.end(`upstream ${req.url}`);
    });
    await new Promise<void>((r) => upstream.listen(0, ADDRESS, r));
    upstreamPort = (upstream.address() as AddressInfo).port;
  });
  after(() => {
    upstream.closeAllConnections();
    upstream.close();
  });

  it('routes plain HTTP by authority and path to the cluster\'s endpoints, 404 NR otherwise, and reports records as a gateway', async () => {
    const port = await freePort();
    const hello = cluster('hello.default.svc.cluster.local', 80, [{ address: ADDRESS, port: upstreamPort }]);
    const records: string[] = [];
    const proxy = new GatewayProxy({ address: ADDRESS, self: { workload: 'istio-ingressgateway', namespace: 'istio-system' } });
    const orig = proxy.telemetry.report.bind(proxy.telemetry);
    proxy.telemetry.report = (r) => {
      records.push(`${r.reporter} ${r.responseCode} ${r.responseFlags.join(',') || '-'} ${r.source.workload} ${r.destination.workload ?? ''}`);
      orig(r);
    };
    try {
      const config = proxyConfig([listener(port, 'HTTP', [{ kind: 'http', serverNames: [], routeConfigName: 'http.80', hosts: [], servers: [] }])], {
        'http.80': [
          { domains: ['hello.example.com'], routes: [route(forwardTo(hello, { rewrite: { uriPrefix: { matched: '/api', replacement: '/v1' } } }), '/api', { set: { 'x-gw': 'yes' }, add: {}, remove: [] }), route({ type: 'direct-response', status: 418, body: 'teapot' })] },
        ],
      }, [hello]);
      const applied = await proxy.apply(config, undefined);
      assert.deepEqual(applied, { ports: [port], problems: [] });
      const ok = await get(port, '/api/x?q=1', 'hello.example.com');
      assert.equal(ok.status, 200);
      assert.equal(ok.body, 'upstream /v1/x?q=1');
      assert.equal(seen.at(-1)?.headers['x-gw'], 'yes');
      assert.deepEqual(await get(port, '/other', 'hello.example.com').then((r) => [r.status, r.body]), [418, 'teapot']);
      assert.equal((await get(port, '/', 'nobody.example.com')).status, 404);
      assert.deepEqual(records, ['gateway 200 - istio-ingressgateway hello', 'gateway 418 - istio-ingressgateway ', 'gateway 404 NR istio-ingressgateway ']);
    } finally {
      await proxy.stop();
    }
  });

  it('mirrors a bodiless request to the mirror cluster with a -shadow authority, and answers from the real one', async () => {
    const port = await freePort();
    const mirrored: string[] = [];
    const shadow = createServer((req, res) => {
      mirrored.push(`${req.method} ${req.url} ${req.headers.host}`);
      res.writeHead(500).end('ignored');
    });
    await new Promise<void>((r) => shadow.listen(0, ADDRESS, r));
    const main = cluster('main.default.svc.cluster.local', 80, [{ address: ADDRESS, port: upstreamPort }]);
    const copy = cluster('copy.default.svc.cluster.local', 80, [{ address: ADDRESS, port: (shadow.address() as AddressInfo).port }]);
    const proxy = new GatewayProxy({ address: ADDRESS });
    try {
      const action = forwardTo(main, { mirrors: [{ cluster: copy.name, host: copy.host, port: 80, percentage: 100 }] });
      await proxy.apply(proxyConfig([listener(port, 'HTTP', [{ kind: 'http', serverNames: [], routeConfigName: 'r', hosts: [], servers: [] }])], { r: [{ domains: ['*'], routes: [route(action)] }] }, [main, copy]), undefined);
      const r = await get(port, '/m?x=1', `main.example:${port}`);
      assert.deepEqual([r.status, r.body], [200, 'upstream /m?x=1']);
      await new Promise<void>((resolve) => {
        const poll = () => (mirrored.length > 0 ? resolve() : setTimeout(poll, 10));
        poll();
      });
      assert.deepEqual(mirrored, [`GET /m?x=1 main.example-shadow:${port}`]);
    } finally {
      await proxy.stop();
      shadow.close();
    }
  });

  it('mirrors over TLS when the mirror cluster\'s endpoints take TLS (its DestinationRule, or Istio mTLS to a sidecar), never in plaintext', async () => {
    const ca = await createCertificateAuthority({ commonName: 'shadow root', ...validity() });
    const cert = await issueCertificate(ca, { commonName: 'copy.example.org', dnsNames: ['copy.example.org'], usages: ['serverAuth'], ...validity() });
    const mirrored: string[] = [];
    const shadow = createHttpsServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
      mirrored.push(`${req.method} ${req.url} ${req.headers.host}`);
      res.writeHead(500).end('ignored');
    });
    shadow.on('secureConnection', (sock: TLSSocket) => mirrored.push(`sni ${String(sock.servername)}`));
    await new Promise<void>((r) => shadow.listen(0, ADDRESS, r));
    const main = cluster('main.default.svc.cluster.local', 80, [{ address: ADDRESS, port: upstreamPort }]);
    const copy = { ...cluster('copy.example.org', 443, [{ address: ADDRESS, port: (shadow.address() as AddressInfo).port }]), tls: { mode: 'SIMPLE' as const, auto: false, subjectAltNames: [], insecureSkipVerify: true } };
    const port = await freePort();
    const proxy = new GatewayProxy({ address: ADDRESS });
    try {
      const action = forwardTo(main, { mirrors: [{ cluster: copy.name, host: copy.host, port: 443, percentage: 100 }] });
      await proxy.apply(proxyConfig([listener(port, 'HTTP', [{ kind: 'http', serverNames: [], routeConfigName: 'r', hosts: [], servers: [] }])], { r: [{ domains: ['*'], routes: [route(action)] }] }, [main, copy]), undefined);
      assert.equal((await get(port, '/tls', `main.example:${port}`)).status, 200);
      await new Promise<void>((resolve) => {
        const poll = () => (mirrored.length > 1 ? resolve() : setTimeout(poll, 10));
        poll();
      });
      assert.deepEqual(mirrored, ['sni copy.example.org', `GET /tls main.example-shadow:${port}`]);
    } finally {
      await proxy.stop();
      shadow.closeAllConnections();
      shadow.close();
    }
  });

  it('originates TLS to a cluster whose DestinationRule says SIMPLE', async () => {
    const ca = await createCertificateAuthority({ commonName: 'ext root', ...validity() });
    const cert = await issueCertificate(ca, { commonName: 'api.example.org', dnsNames: ['api.example.org'], usages: ['serverAuth'], ...validity() });
    const sni: string[] = [];
    const ext = createHttpsServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => res.end(`tls ${req.url}`));
    ext.on('secureConnection', (s: TLSSocket) => sni.push(String(s.servername)));
    await new Promise<void>((r) => ext.listen(0, ADDRESS, r));
    const c = { ...cluster('api.example.org', 443, [{ address: ADDRESS, port: (ext.address() as AddressInfo).port }]), tls: { mode: 'SIMPLE' as const, auto: false, subjectAltNames: [], insecureSkipVerify: true } };
    const port = await freePort();
    const proxy = new GatewayProxy({ address: ADDRESS });
    try {
      await proxy.apply(proxyConfig([listener(port, 'HTTP', [{ kind: 'http', serverNames: [], routeConfigName: 'r', hosts: [], servers: [] }])], { r: [{ domains: ['*'], routes: [route(forwardTo(c))] }] }, [c]), undefined);
      assert.deepEqual(await get(port, '/x', 'egress.example').then((r) => [r.status, r.body]), [200, 'tls /x']);
      assert.deepEqual(sni, ['api.example.org']);
    } finally {
      await proxy.stop();
      ext.closeAllConnections();
      ext.close();
    }
  });

  it('reports a port it cannot bind as a problem, keeps the others, and binds it on a later apply', async () => {
    const taken = createTcpServer();
    await new Promise<void>((r) => taken.listen(0, ADDRESS, r));
    const busy = (taken.address() as AddressInfo).port;
    const free = await freePort();
    const proxy = new GatewayProxy({ address: ADDRESS });
    try {
      const chain = { kind: 'http' as const, serverNames: [], routeConfigName: 'r', hosts: [], servers: [] };
      const config = proxyConfig([listener(busy, 'HTTP', [chain]), listener(free, 'HTTP', [chain])], { r: [] }, []);
      const first = await proxy.apply(config, undefined);
      assert.deepEqual(first.ports, [free]);
      assert.match(first.problems[0]!, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${busy}: EADDRINUSE`));
      await new Promise<void>((r) => taken.close(() => r()));
      assert.deepEqual((await proxy.apply(config, undefined)).ports, [busy, free].sort((a, b) => a - b));
    } finally {
      taken.close();
      await proxy.stop();
    }
  });

  it('picks the certificate by SNI and swaps it in place when the credential changes', async () => {
    const ca = await createCertificateAuthority({ commonName: 'test root', ...validity() });
    const leaf = (cn: string) => issueCertificate(ca, { commonName: cn, dnsNames: [cn], usages: ['serverAuth'], ...validity() });
    const [a, b, a2] = await Promise.all([leaf('*.a.example'), leaf('b.example'), leaf('rotated.a.example')]);
    const port = await freePort();
    const proxy = new GatewayProxy({ address: ADDRESS });
    const config = (aCert: typeof a) => proxyConfig([listener(port, 'HTTPS', [tlsChain(['*.a.example'], 'ra', credential(aCert.certPem, aCert.keyPem)), tlsChain(['b.example'], 'rb', credential(b.certPem, b.keyPem))])], { ra: [], rb: [] }, []);
    try {
      assert.deepEqual((await proxy.apply(config(a), undefined)).problems, []);
      assert.equal(await servedSubject(port, 'x.a.example'), '*.a.example');
      assert.equal(await servedSubject(port, 'b.example'), 'b.example');
      // An open connection from before the rotation keeps working on the old certificate.
      const open = await new Promise<ReturnType<typeof tlsConnect>>((resolve) => {
        const s = tlsConnect({ host: ADDRESS, port, servername: 'x.a.example', rejectUnauthorized: false }, () => resolve(s));
      });
      await proxy.apply(config(a2), undefined);
      assert.equal(await servedSubject(port, 'x.a.example'), 'rotated.a.example');
      const answer = await new Promise<string>((resolve) => {
        open.once('data', (d: Buffer) => resolve(d.toString()));
        open.write('GET / HTTP/1.1\r\nHost: x.a.example\r\n\r\n');
      });
      assert.match(answer, /^HTTP\/1\.1 404 /);
      open.destroy();
    } finally {
      await proxy.stop();
    }
  });

  it('MUTUAL: a client certificate from the credential\'s CA (and, with subjectAltNames, the right name) is required', async () => {
    const ca = await createCertificateAuthority({ commonName: 'client root', ...validity() });
    const server = await issueCertificate(ca, { commonName: 'm.example', dnsNames: ['m.example'], usages: ['serverAuth'], ...validity() });
    const good = await issueCertificate(ca, { commonName: 'good', dnsNames: ['good.client'], usages: ['clientAuth'], ...validity() });
    const wrongName = await issueCertificate(ca, { commonName: 'other', dnsNames: ['other.client'], usages: ['clientAuth'], ...validity() });
    const stranger = await createCertificateAuthority({ commonName: 'stranger', ...validity() });
    const foreign = await issueCertificate(stranger, { commonName: 'x', dnsNames: ['good.client'], usages: ['clientAuth'], ...validity() });
    const svc = cluster('m.default.svc.cluster.local', 80, [{ address: ADDRESS, port: upstreamPort }]);
    const port = await freePort();
    const chain = tlsChain([], 'rm', credential(server.certPem, server.keyPem, ca.certPem), 'MUTUAL');
    chain.tls!.subjectAltNames = ['good.client'];
    const proxy = new GatewayProxy({ address: ADDRESS });
    const ask = (client?: { certPem: string; keyPem: string }) => new Promise<string>((resolve) => {
      const c = tlsConnect({ host: ADDRESS, port, servername: 'm.example', ca: ca.certPem, ...(client ? { cert: client.certPem, key: client.keyPem } : {}) }, () => c.write('GET /m HTTP/1.1\r\nHost: m.example\r\nConnection: close\r\n\r\n'));
      let text = '';
      c.on('data', (d: Buffer) => (text += d.toString()));
      c.on('close', () => resolve(text.split('\r\n')[0] ?? ''));
      c.on('error', () => undefined);
    });
    try {
      await proxy.apply(proxyConfig([listener(port, 'HTTPS', [chain])], { rm: [{ domains: ['*'], routes: [route(forwardTo(svc))] }] }, [svc]), undefined);
      assert.equal(await ask(good), 'HTTP/1.1 200 OK');
      assert.equal(await ask(), '');
      assert.equal(await ask(foreign), '');
      assert.equal(await ask(wrongName), '');
    } finally {
      await proxy.stop();
    }
  });

  it('passes TLS through by SNI to the tls route\'s endpoint, which does the handshake itself', async () => {
    const ca = await createCertificateAuthority({ commonName: 'test root', ...validity() });
    const cert = await issueCertificate(ca, { commonName: 'db.example', dnsNames: ['db.example'], usages: ['serverAuth'], ...validity() });
    const backend = createTlsServer({ cert: cert.certPem, key: cert.keyPem }, (s) => s.end('backend says hi'));
    await new Promise<void>((r) => backend.listen(0, ADDRESS, r));
    const target = cluster('db.default.svc.cluster.local', 443, [{ address: ADDRESS, port: (backend.address() as AddressInfo).port }]);
    const port = await freePort();
    const proxy = new GatewayProxy({ address: ADDRESS });
    try {
      const l = listener(port, 'TLS', [{ kind: 'tls-passthrough', serverNames: ['db.example'], hosts: [], servers: [] }]);
      await proxy.apply(proxyConfig([l], {}, [target], [{ listener: l.name, chainIndex: 0, routes: [{ origin: { virtualService: 'default/db', ruleIndex: 0, kind: 'tls' }, sniHosts: ['db.example'], destinationSubnets: [], clusters: [{ cluster: target.name, host: target.host, port: 443, weight: 100 }] }] }]), undefined);
      const reply = await new Promise<{ text: string; cn: string }>((resolve, reject) => {
        const client = tlsConnect({ host: ADDRESS, port, servername: 'db.example', ca: ca.certPem });
        let text = '';
        client.on('data', (d: Buffer) => (text += d.toString()));
        client.on('end', () => resolve({ text, cn: String(client.getPeerCertificate().subject?.CN) }));
        client.on('error', reject);
      });
      assert.deepEqual(reply, { text: 'backend says hi', cn: 'db.example' });
      // An AuthorizationPolicy denying the port closes the connection before any byte reaches the backend.
      const deny = istio<AuthorizationPolicySpec>('AuthorizationPolicy', 'istio-system', 'no-db', { action: 'DENY', rules: [{ to: [{ operation: { ports: [String(port)] } }] }] });
      const config = proxyConfig([l], {}, [target], [{ listener: l.name, chainIndex: 0, routes: [{ origin: { virtualService: 'default/db', ruleIndex: 0, kind: 'tls' }, sniHosts: ['db.example'], destinationSubnets: [], clusters: [{ cluster: target.name, host: target.host, port: 443, weight: 100 }] }] }]);
      await proxy.apply({ ...config, authorizationPolicies: [deny] }, undefined, { workload: { namespace: 'istio-system', labels: {} }, rootNamespace: 'istio-system' });
      await assert.rejects(new Promise((resolve, reject) => {
        const c = tlsConnect({ host: ADDRESS, port, servername: 'db.example', ca: ca.certPem }, () => resolve(c));
        c.on('error', reject);
      }));
      await proxy.apply(config, undefined);
      // Another name has no chain: the connection is closed before any handshake.
      await assert.rejects(new Promise((resolve, reject) => {
        const c = tlsConnect({ host: ADDRESS, port, servername: 'other.example', rejectUnauthorized: false }, () => resolve(c));
        c.on('error', reject);
      }));
    } finally {
      await proxy.stop();
      backend.close();
    }
  });

  it('drains: stops accepting, lets the in-flight request finish, then closes', async () => {
    const port = await freePort();
    const svc = cluster('slow.default.svc.cluster.local', 80, [{ address: ADDRESS, port: upstreamPort }]);
    const proxy = new GatewayProxy({ address: ADDRESS });
    await proxy.apply(proxyConfig([listener(port, 'HTTP', [{ kind: 'http', serverNames: [], routeConfigName: 'r', hosts: [], servers: [] }])], { r: [{ domains: ['*'], routes: [route(forwardTo(svc))] }] }, [svc]), undefined);
    release = undefined;
    const inFlight = get(port, '/slow', 'slow.example');
    await new Promise<void>((resolve) => {
      const poll = () => (release ? resolve() : setImmediate(poll));
      poll();
    });
    assert.equal(proxy.inFlight, 1);
    const stopped = proxy.stop(10_000);
    await assert.rejects(get(port, '/', 'slow.example'));
    release!();
    const done = await inFlight;
    assert.equal(done.body, 'slow done');
    assert.equal(done.headers.connection, 'close');
    await stopped;
    assert.equal(proxy.inFlight, 0);
  });
});
