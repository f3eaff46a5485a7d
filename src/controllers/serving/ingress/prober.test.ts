/** The probe round against real servers on 127.0.0.1: plain HTTP and TLS with SNI. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createCertificateAuthority, issueCertificate } from '../../../pki/certificates.ts';
import { probeAll, probeTarget } from './prober.ts';
import type { ProbeTarget } from './probe-plan.ts';

const HASH = 'abc123';

/** Echoes the hash the probe route would set, only for the expected host. */
function echo(seen: Array<Record<string, string | string[] | undefined>>) {
  return (req: IncomingMessage, res: ServerResponse) => {
    seen.push(req.headers);
    if (req.headers.host !== 'hello.example.com') return void res.writeHead(404).end();
    res.writeHead(200, { 'K-Network-Hash': req.headers['k-network-hash'] === 'override' ? HASH : 'none' }).end();
  };
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

const target = (port: number, tls = false, host = 'hello.example.com'): ProbeTarget => ({ gateway: 'knative-serving/gw', pod: 'istio-system/gw-1', address: '127.0.0.1', port, tls, host });

test('HTTP: ready on 200 with the hash; not ready with another hash, another status, or no listener', async () => {
  const seen: Array<Record<string, string | string[] | undefined>> = [];
  const server = createServer(echo(seen));
  const port = await listen(server);
  try {
    assert.equal((await probeTarget(target(port), HASH)).ready, true);
    assert.equal(seen[0]!['k-network-probe'], 'probe');
    assert.equal(seen[0]!['k-network-hash'], 'override');
    assert.equal((await probeTarget(target(port), 'other')).ready, false);
    assert.equal((await probeTarget(target(port, false, 'nope.example.com'), HASH)).ready, false);
    const round = await probeAll([target(port), target(port, false, 'nope.example.com')], HASH);
    assert.equal(round.ready, false);
    assert.equal(round.notReady.length, 1);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
  assert.equal((await probeTarget(target(port), HASH)).ready, false);
});

test('HTTPS: SNI is the host, the certificate is not verified', async () => {
  const now = Date.now();
  const validity = { notBefore: new Date(now - 60_000), notAfter: new Date(now + 3_600_000) };
  const ca = await createCertificateAuthority({ commonName: 'test-ca', ...validity });
  const leaf = await issueCertificate(ca, { commonName: 'hello.example.com', dnsNames: ['hello.example.com'], usages: ['serverAuth'], ...validity });
  const seen: Array<Record<string, string | string[] | undefined>> = [];
  let sni: string | undefined;
  const server = createTlsServer({ cert: leaf.certPem, key: leaf.keyPem }, echo(seen));
  server.on('secureConnection', (s) => (sni = (s as unknown as { servername?: string }).servername));
  const port = await listen(server);
  try {
    assert.equal((await probeTarget(target(port, true), HASH)).ready, true);
    assert.equal(sni, 'hello.example.com');
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});
