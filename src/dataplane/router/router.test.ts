/**
 * The router's listeners against in-process endpoints and raw sockets: what the e2e suite
 * cannot easily provoke — malformed and slow clients, refused endpoints, half-closed
 * connections, forwarding headers, reencrypt verification, weighted spreading.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { connect as connectTls, createServer as createTlsServer } from 'node:tls';
import { createCertificateAuthority, issueCertificate, type CertificateAndKey } from '../../pki/certificates.ts';
import type { RouterRoute } from './model.ts';
import { Router } from './router.ts';

const validity = () => ({ notBefore: new Date(Date.now() - 3_600_000), notAfter: new Date(Date.now() + 86_400_000) });

/** An endpoint that answers every connection's first request with its name and the head it got. */
function echoHead(name: string): Server {
  return createServer((socket) => {
    let data = '';
    socket.on('data', (d: Buffer) => {
      data += d.toString('latin1');
      if (!data.includes('\r\n\r\n')) return;
      const body = `${name}\n${data}`;
      socket.end(`HTTP/1.1 200 OK\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    });
    socket.on('error', () => {});
  });
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/** Sends raw bytes to a port, optionally half-closing, and collects everything until close. */
function exchange(port: number, bytes: string, opts: { halfClose?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    let out = '';
    socket.on('data', (d: Buffer) => (out += d.toString('latin1')));
    socket.on('error', reject);
    socket.on('end', () => socket.end());
    socket.on('close', () => resolve(out));
    socket.write(bytes);
    if (opts.halfClose) socket.end();
  });
}

function httpsGet(port: number, servername: string, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connectTls({ host: '127.0.0.1', port, servername, ca }, () => socket.write(`GET / HTTP/1.1\r\nHost: ${servername}\r\n\r\n`));
    let out = '';
    socket.on('data', (d: Buffer) => (out += d.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve(out));
  });
}

describe('Router listeners', () => {
  let ca: CertificateAndKey;
  let router: Router;
  let http: number;
  let https: number;
  const servers: Server[] = [];
  let ports: number[] = [];

  const route = (name: string, host: string, endpointPorts: number[], extra: Partial<RouterRoute> = {}): RouterRoute => ({
    namespace: 'ns', name, host, wildcard: false, path: '', balance: 'roundrobin', serviceHostname: 'backend.ns.svc',
    backends: [{ service: 'backend', weight: 100, endpoints: endpointPorts.map((port) => ({ address: '127.0.0.1', port })) }], ...extra,
  });

  before(async () => {
    ca = await createCertificateAuthority({ commonName: 'test-ca', ...validity() });
    const defaultCertificate = await issueCertificate(ca, { commonName: '*.apps.test', dnsNames: ['*.apps.test'], usages: ['serverAuth'], ...validity() });
    const backendCert = await issueCertificate(ca, { commonName: 'backend', dnsNames: ['backend.ns.svc'], usages: ['serverAuth'], ...validity() });
    const tlsEndpoint = createTlsServer({ cert: backendCert.certPem, key: backendCert.keyPem }, (s) => s.once('data', () => s.end('HTTP/1.1 200 OK\r\nContent-Length: 9\r\nConnection: close\r\n\r\nencrypted')));
    servers.push(echoHead('one'), echoHead('two'), tlsEndpoint as unknown as Server);
    ports = await Promise.all(servers.map(listen));
    const closed = createServer();
    const refusedPort = await listen(closed);
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    router = new Router({ httpPort: 0, httpsPort: 0, defaultCertificate, serviceCaPem: ca.certPem, headTimeoutMs: 300 });
    ({ http: { port: http }, https: { port: https } } = await router.listen());
    router.apply({ routes: [
      route('plain', 'plain.test', [ports[0]!]),
      route('split', 'split.test', [], { backends: [{ service: 'a', weight: 3, endpoints: [{ address: '127.0.0.1', port: ports[0]! }] }, { service: 'b', weight: 1, endpoints: [{ address: '127.0.0.1', port: ports[1]! }] }] }),
      route('refused', 'refused.test', [refusedPort]),
      route('empty', 'empty.test', []),
      route('re', 're.apps.test', [ports[2]!], { tls: { termination: 'reencrypt', insecurePolicy: 'None' } }),
      route('re-wrong-name', 're-wrong.apps.test', [ports[2]!], { serviceHostname: 'other.ns.svc', tls: { termination: 'reencrypt', insecurePolicy: 'None' } }),
    ] });
  });
  after(async () => {
    await router?.stop();
    for (const s of servers) s.close();
  });

  it('forwards by Host with OpenShift\'s forwarding headers, and answers after the client half-closes', async () => {
    const answer = await exchange(http, 'GET /x HTTP/1.1\r\nHost: plain.test:80\r\nX-Forwarded-Proto: https\r\nX-Forwarded-For: 10.1.1.1\r\n\r\n', { halfClose: true });
    assert.match(answer, /^HTTP\/1\.1 200 OK/);
    assert.match(answer, /\none\nGET \/x HTTP\/1\.1\r\n/);
    assert.match(answer, /X-Forwarded-Host: plain\.test:80\r\n/);
    assert.match(answer, new RegExp(`X-Forwarded-Port: ${http}\\r\\n`));
    assert.match(answer, /X-Forwarded-Proto: http\r\n/);
    assert.doesNotMatch(answer, /X-Forwarded-Proto: https/);
    assert.match(answer, /Forwarded: for=127\.0\.0\.1;host=plain\.test:80;proto=http\r\n/);
    assert.match(answer, /X-Forwarded-For: 10\.1\.1\.1\r\n[^]*X-Forwarded-For: 127\.0\.0\.1\r\n/);
  });

  it('spreads requests over backends by weight', async () => {
    const names: string[] = [];
    for (let i = 0; i < 8; i++) names.push((await exchange(http, 'GET / HTTP/1.1\r\nHost: split.test\r\n\r\n')).split('\r\n\r\n')[1]!.split('\n')[0]!);
    assert.equal(names.filter((n) => n === 'one').length, 6);
    assert.equal(names.filter((n) => n === 'two').length, 2);
  });

  it('answers 503 when there is no route, no endpoint, or the endpoint refuses', async () => {
    for (const host of ['unknown.test', 'empty.test', 'refused.test']) {
      assert.match(await exchange(http, `GET / HTTP/1.1\r\nHost: ${host}\r\n\r\n`), /^HTTP\/1\.1 503 Service Unavailable\r\n[^]*Application is not available/, host);
    }
  });

  it('answers 400 to malformed or oversized heads and 408 to a client too slow to send one', async () => {
    assert.match(await exchange(http, 'BROKEN\r\n\r\n'), /^HTTP\/1\.1 400 Bad Request/);
    assert.match(await exchange(http, 'GET / HTTP/1.1\r\n\r\n'), /^HTTP\/1\.1 400 Bad Request/);
    assert.match(await exchange(http, `GET / HTTP/1.1\r\nHost: plain.test\r\nX-Big: ${'a'.repeat(70_000)}\r\n\r\n`), /^HTTP\/1\.1 400 Bad Request/);
    assert.match(await exchange(http, 'GET / HTTP/1.1\r\nHost: plain.test\r\n'), /^HTTP\/1\.1 408 Request Time-out/);
  });

  it('closes a connection to the HTTPS port that does not start with a ClientHello', async () => {
    assert.equal(await exchange(https, 'GET / HTTP/1.1\r\nHost: plain.test\r\n\r\n'), '');
  });

  it('re-encrypts to an endpoint whose certificate carries the Service name, and refuses one that does not', async () => {
    assert.match(await httpsGet(https, 're.apps.test', ca.certPem), /200 OK[^]*encrypted$/);
    assert.match(await httpsGet(https, 're-wrong.apps.test', ca.certPem), /^HTTP\/1\.1 503/);
  });
});
