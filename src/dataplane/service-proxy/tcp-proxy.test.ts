import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type AddressInfo } from 'node:net';
import { Balancer } from './balancer.ts';
import { createServer as createTlsServer } from 'node:tls';
import { CA_SECRET_NAME, createSelfSignedCaFiles, meshCaFromFiles } from '../../mesh/pki/mesh-ca.ts';
import { issueWorkloadCertificate } from '../../mesh/pki/index.ts';
import { peekFirstBytes } from '../sidecar/first-bytes.ts';
import { loopbackClientSource, TcpServiceProxy, type TcpProxyOptions } from './tcp-proxy.ts';

/** A backend that answers every connection with its name and closes. */
async function namedServer(name: string, host = '127.0.0.1'): Promise<{ server: Server; port: number; address: string }> {
  const server = createServer((s) => s.end(name));
  await new Promise<void>((r) => server.listen(0, host, r));
  return { server, port: (server.address() as AddressInfo).port, address: host };
}

/** Connects, reads to the end; resolves to the text or to `reset` / `refused`. */
function fetchText(address: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const s = connect({ host: address, port });
    s.on('data', (d) => (text += d.toString()));
    s.on('end', () => resolve(text));
    s.on('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNRESET' ? 'reset' : err.code === 'ECONNREFUSED' ? 'refused' : err.code ?? 'error'));
  });
}

async function freePort(host: string): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, host, r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('Balancer', () => {
  const a = { address: '127.0.0.1', port: 1 };
  const b = { address: '127.0.0.1', port: 2 };
  it('rotates round-robin', () => {
    const bal = new Balancer('round-robin');
    bal.update([a, b], undefined);
    assert.deepEqual([bal.order(undefined)[0], bal.order(undefined)[0], bal.order(undefined)[0]], [a, b, a]);
  });
  it('prefers the backend with the fewest open connections', () => {
    const bal = new Balancer('least-connections');
    bal.update([a, b], undefined);
    bal.opened(a, undefined);
    assert.deepEqual([bal.order(undefined)[0], bal.order(undefined)[0]], [b, b]);
    bal.closed(a);
    assert.equal(bal.openConnections(a), 0);
  });
  it('keeps a client on its backend within the affinity timeout', () => {
    let now = 0;
    const bal = new Balancer('round-robin', () => now);
    bal.update([a, b], 10);
    const first = bal.order('10.0.0.1')[0]!;
    bal.opened(first, '10.0.0.1');
    assert.deepEqual(bal.order('10.0.0.1')[0], first);
    now = 11_000;
    assert.deepEqual(bal.order('10.0.0.1')[0], b);
  });
});

describe('TcpServiceProxy', () => {
  const proxy = new TcpServiceProxy({ strategy: 'round-robin' });
  const servers: Server[] = [];
  after(async () => {
    await proxy.stop();
    for (const s of servers) s.close();
  });

  it('balances connections over the backends, follows updates, and resets when there are none', async () => {
    const one = await namedServer('one');
    const two = await namedServer('two');
    servers.push(one.server, two.server);
    const address = '127.96.255.7';
    const port = await freePort(address);
    await proxy.apply({ listeners: [{ address, port, service: 'default/web:http', backends: [one, two] }] });
    assert.deepEqual(proxy.listening(), [`${address}:${port}`]);
    const got = [await fetchText(address, port), await fetchText(address, port), await fetchText(address, port)];
    assert.deepEqual(got.sort(), ['one', 'one', 'two']);
    await proxy.apply({ listeners: [{ address, port, service: 'default/web:http', backends: [two] }] });
    assert.deepEqual([await fetchText(address, port), await fetchText(address, port)], ['two', 'two']);
    await proxy.apply({ listeners: [{ address, port, service: 'default/web:http', backends: [] }] });
    assert.equal(await fetchText(address, port), 'reset');
    await proxy.apply({ listeners: [] });
    assert.equal(await fetchText(address, port), 'refused');
  });

  it('skips a backend that refuses and reports listeners it cannot open', async () => {
    const up = await namedServer('up');
    servers.push(up.server);
    const deadPort = await freePort('127.0.0.1');
    const address = '127.96.255.8';
    const port = await freePort(address);
    const failures: string[] = [];
    const other = new TcpServiceProxy({ onListenError: (f) => failures.push(`${f.spec.service}:${f.error.code}`) });
    try {
      await other.apply({ listeners: [{ address, port, service: 'default/a:p', backends: [{ address: '127.0.0.1', port: deadPort }, up] }, { address: '127.0.0.1', port: up.port, service: 'default/b:p', backends: [up] }] });
      assert.equal(await fetchText(address, port), 'up');
      assert.deepEqual(failures, ['default/b:p:EADDRINUSE']);
      assert.equal(other.failures().length, 1);
    } finally {
      await other.stop();
    }
  });
});

/** A backend that reads to the end, then answers `<client address>|<what it read>`; counts its connections. */
async function whoServer(host = '127.0.0.1'): Promise<{ server: Server; port: number; address: string; accepted: () => number }> {
  let accepted = 0;
  const server = createServer({ allowHalfOpen: true }, (s) => {
    accepted++;
    let got = '';
    s.on('data', (d) => (got += d.toString()));
    s.on('end', () => s.end(`${s.remoteAddress}|${got}`));
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  return { server, port: (server.address() as AddressInfo).port, address: host, accepted: () => accepted };
}

/** Sends `payload`, half-closes, reads to the end; `reset` when the proxy cut the connection. */
function exchange(address: string, port: number, payload: string, localAddress?: string): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const s = connect({ host: address, port, allowHalfOpen: true, ...(localAddress ? { localAddress } : {}) }, () => s.end(payload));
    s.on('data', (d) => (text += d.toString()));
    s.on('end', () => resolve(text));
    s.on('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNRESET' ? 'reset' : err.code ?? 'error'));
  });
}

describe('TcpServiceProxy sourceOf', () => {
  it('without the hook, the backend sees the kernel-chosen source (127.0.0.1 on loopback)', async () => {
    const backend = await whoServer();
    const address = '127.96.255.9';
    const port = await freePort(address);
    const proxy = new TcpServiceProxy();
    try {
      await proxy.apply({ listeners: [{ address, port, service: 'default/who:p', backends: [backend] }] });
      assert.equal(await exchange(address, port, 'hi'), '127.0.0.1|hi');
    } finally {
      await proxy.stop();
      backend.server.close();
    }
  });

  it("binds the client pod's address upstream (loopbackClientSource), the node's never", async () => {
    const backend = await whoServer();
    const address = '127.96.255.10';
    const port = await freePort(address);
    const proxy = new TcpServiceProxy({ upstreamSource: loopbackClientSource });
    try {
      await proxy.apply({ listeners: [{ address, port, service: 'default/who:p', backends: [backend] }] });
      // A pod's connection arrives from its pod IP (the kernel's per-pod source NAT): bound here from 127.96.255.77.
      assert.equal(await exchange(address, port, 'x'.repeat(100_000), '127.96.255.77'), `127.96.255.77|${'x'.repeat(100_000)}`);
      assert.equal(await exchange(address, port, 'plain'), '127.0.0.1|plain');
      assert.equal(backend.accepted(), 2);
    } finally {
      await proxy.stop();
      backend.server.close();
    }
  });
});

describe('TcpServiceProxy upstreamTls', () => {
  it('originates TLS (client certificate included) to the backend when asked, and relays plain bytes otherwise', async () => {
    const now = new Date();
    const files = await createSelfSignedCaFiles('cluster.local', now);
    const ca = meshCaFromFiles(files, { meshNamespace: 'istio-system', trustDomain: 'cluster.local', source: 'self-signed', secretName: CA_SECRET_NAME }, now);
    const server = await issueWorkloadCertificate(ca, { namespace: 'apps', serviceAccount: 'web' }, { now });
    const client = await issueWorkloadCertificate(ca, { namespace: 'apps', serviceAccount: 'client' }, { now });
    // A STRICT-like backend: TLS only, a client certificate from the mesh required; it answers with the peer's URI SAN.
    const backend = createTlsServer({ cert: server.certChainPem, key: server.keyPem, ca: server.rootCertPem, requestCert: true, rejectUnauthorized: true }, (s) => {
      s.once('data', (d) => s.end(`${s.getPeerCertificate().subjectaltname}|${d.toString()}`));
    });
    await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
    const backendPort = (backend.address() as AddressInfo).port;
    const address = '127.96.255.11';
    const port = await freePort(address);
    let tls = true;
    const proxy = new TcpServiceProxy({
      upstreamTls: () => (tls ? Promise.resolve({ cert: client.certChainPem, key: client.keyPem, ca: client.rootCertPem, checkServerIdentity: () => undefined }) : undefined),
    });
    try {
      await proxy.apply({ listeners: [{ address, port, service: 'apps/web:http', backends: [{ address: '127.0.0.1', port: backendPort }] }] });
      assert.equal(await exchange(address, port, 'hello'), 'URI:spiffe://cluster.local/ns/apps/sa/client|hello');
      tls = false;
      assert.equal(await exchange(address, port, 'plain'), '', 'relayed plain, the bytes meet the TLS-only backend, which closes without an answer');
    } finally {
      await proxy.stop();
      backend.close();
    }
  });
});

/**
 * A TcpServiceProxy on `address` in front of an echo backend (what arrives is what the client
 * sent, through the proxy), with `takeover` deciding each connection; `talk` runs a client
 * against it and resolves with what came back.
 */
async function throughEcho(address: string, takeover: TcpProxyOptions['takeover'], talk: (port: number) => Promise<string>): Promise<string> {
  const echo = createServer((sock) => sock.pipe(sock));
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  const backend = { address: '127.0.0.1', port: (echo.address() as AddressInfo).port };
  const proxy = new TcpServiceProxy({ strategy: 'round-robin', ...(takeover ? { takeover } : {}) });
  try {
    const port = await freePort(address);
    await proxy.apply({ listeners: [{ address, port, service: 'default/db:', backends: [backend] }] });
    return await talk(port);
  } finally {
    await proxy.stop();
    echo.close();
  }
}

describe('TcpServiceProxy takeover by sniffing', () => {
  it('relays a connection a sniffing taker declined, the bytes it read first included', async () => {
    const sniffed: string[] = [];
    const address = '127.96.255.9';
    const answer = await throughEcho(address, (client) => peekFirstBytes(client, 5_000).then((first) => {
      sniffed.push(first.kind);
      return false; // not HTTP: the relay takes it
    }), (port) => new Promise<string>((resolve, reject) => {
      const s = connect({ host: address, port }, () => s.write('\x00\x01binary hello'));
      let text = '';
      s.on('data', (d) => {
        text += d.toString('latin1');
        if (text.length >= 14) s.end();
      });
      s.on('close', () => resolve(text));
      s.on('error', reject);
    }));
    assert.deepEqual(sniffed, ['other']);
    assert.equal(answer, '\x00\x01binary hello');
  });

  it('relays the bytes a sniffing taker read before the client ended its side', async () => {
    const address = '127.96.255.11';
    // Half a request line, then the client's FIN: the bytes are off the socket, the relay must send them.
    const answer = await throughEcho(address, (client) => peekFirstBytes(client, 5_000).then((first) => (first.ended ? first.data : false)), (port) => new Promise<string>((resolve, reject) => {
      let text = '';
      const s = connect({ host: address, port }, () => s.end('GET /half'));
      s.on('data', (d) => (text += d.toString('latin1')));
      s.on('close', () => resolve(text));
      s.on('error', reject);
    }));
    assert.equal(answer, 'GET /half');
  });
});
