import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { before, describe, it } from 'node:test';
import type { WorkloadCertificate } from '../../mesh/pki/index.ts';
import type { MeshCa } from '../../mesh/pki/mesh-ca.ts';
import { SidecarProxy } from './sidecar-proxy.ts';
import { httpApp, meshCa, mtlsGet, plainGet, podAddresses, recordsOf, workloadCert } from './test-support.ts';

const SELF = { workload: 'hello', namespace: 'default', app: 'hello', principal: 'spiffe://cluster.local/ns/default/sa/hello' };

describe('SidecarProxy: inbound mTLS modes', () => {
  let ca: MeshCa;
  let server: WorkloadCertificate;
  let client: WorkloadCertificate;
  let foreign: WorkloadCertificate;
  before(async () => {
    ca = await meshCa();
    [server, client] = await Promise.all([workloadCert(ca, 'default', 'hello'), workloadCert(ca, 'tester', 'sleep')]);
    foreign = await workloadCert(await meshCa(), 'tester', 'sleep');
  });

  async function setUp(mode: 'STRICT' | 'PERMISSIVE' | 'DISABLE', withIdentity = true) {
    const identity = withIdentity ? server : undefined;
    const { address, appAddress } = podAddresses();
    const app = await httpApp(appAddress);
    const proxy = new SidecarProxy({ address, appAddress, self: SELF, serveStats: false, peerOf: (ip) => (ip === '127.0.0.1' ? { workload: 'sleep', namespace: 'tester' } : undefined) });
    const { records, next } = recordsOf(proxy);
    const applied = await proxy.apply({ ports: [{ port: app.port, mode, protocol: 'HTTP', services: ['hello.default.svc.cluster.local:80'] }], identity });
    const done = async () => {
      await proxy.stop();
      await app.close();
    };
    return { address, app, proxy, records, next, applied, done };
  }

  it('STRICT serves a mesh client with XFCC and a mutual_tls record, and cuts plaintext and foreign-CA clients', async () => {
    const s = await setUp('STRICT');
    try {
      assert.deepEqual(s.applied, { ports: [s.app.port], problems: [] });
      const ok = await mtlsGet(s.address, s.app.port, '/hi', client, ca.rootCertPem);
      assert.deepEqual([ok.status, ok.body], [200, 'app /hi']);
      const hash = createHash('sha256').update(new X509Certificate(client.certPem).raw).digest('hex');
      assert.equal(s.app.seen.at(-1)?.headers['x-forwarded-client-cert'], `By=${SELF.principal};Hash=${hash};Subject="";URI=spiffe://cluster.local/ns/tester/sa/sleep`);
      assert.equal(s.app.seen.at(-1)?.headers['x-forwarded-proto'], 'https');
      await s.next(1);
      const r = s.records[0]!;
      assert.equal(r.reporter, 'destination');
      assert.equal(r.connectionSecurityPolicy, 'mutual_tls');
      assert.deepEqual(r.source, { workload: 'sleep', namespace: 'tester', principal: 'spiffe://cluster.local/ns/tester/sa/sleep' });
      assert.equal(r.destination, SELF);
      assert.equal(r.upstreamCluster, `inbound|${s.app.port}||`);
      assert.equal(r.destinationService, 'hello.default.svc.cluster.local');
      assert.equal(r.requestedServerName, `outbound_.${s.app.port}_._.hello.default.svc.cluster.local`);
      await assert.rejects(plainGet(s.address, s.app.port, '/plain'));
      await assert.rejects(mtlsGet(s.address, s.app.port, '/foreign', foreign, ca.rootCertPem));
      await assert.rejects(mtlsGet(s.address, s.app.port, '/anonymous', undefined, ca.rootCertPem));
      assert.deepEqual(s.app.seen.map((x) => x.url), ['/hi']);
    } finally {
      await s.done();
    }
  });

  it('PERMISSIVE serves plaintext (no XFCC, security policy none) and mTLS on the same port', async () => {
    const s = await setUp('PERMISSIVE');
    try {
      const plain = await plainGet(s.address, s.app.port, '/plain');
      assert.deepEqual([plain.status, plain.body], [200, 'app /plain']);
      assert.equal(s.app.seen.at(-1)?.headers['x-forwarded-client-cert'], undefined);
      const secure = await mtlsGet(s.address, s.app.port, '/secure', client, ca.rootCertPem);
      assert.deepEqual([secure.status, secure.body], [200, 'app /secure']);
      assert.match(String(s.app.seen.at(-1)?.headers['x-forwarded-client-cert']), /URI=spiffe:\/\/cluster\.local\/ns\/tester\/sa\/sleep$/);
      await s.next(2);
      assert.deepEqual(s.records.map((r) => `${r.path} ${r.connectionSecurityPolicy} ${r.source.principal ?? '-'}`), ['/plain none -', '/secure mutual_tls spiffe://cluster.local/ns/tester/sa/sleep']);
    } finally {
      await s.done();
    }
  });

  it('DISABLE serves plaintext', async () => {
    const s = await setUp('DISABLE');
    try {
      assert.deepEqual(await plainGet(s.address, s.app.port, '/d').then((r) => [r.status, r.body]), [200, 'app /d']);
    } finally {
      await s.done();
    }
  });

  it('without a mesh certificate: a problem; PERMISSIVE keeps plaintext, STRICT refuses', async () => {
    const s = await setUp('PERMISSIVE', false);
    try {
      assert.match(s.applied.problems.join(), /no mesh certificate yet/);
      assert.equal((await plainGet(s.address, s.app.port, '/p')).status, 200);
      await assert.rejects(mtlsGet(s.address, s.app.port, '/tls', client, ca.rootCertPem));
      const strict = await s.proxy.apply({ ports: [{ port: s.app.port, mode: 'STRICT', protocol: 'HTTP' }], identity: undefined });
      assert.match(strict.problems.join(), /every connection is refused/);
      await assert.rejects(plainGet(s.address, s.app.port, '/p2'));
      // The certificate arrives: the same socket now serves mTLS.
      const ready = await s.proxy.apply({ ports: [{ port: s.app.port, mode: 'STRICT', protocol: 'HTTP' }], identity: server });
      assert.deepEqual(ready.problems, []);
      assert.equal((await mtlsGet(s.address, s.app.port, '/now', client, ca.rootCertPem)).status, 200);
    } finally {
      await s.done();
    }
  });

  it('a rotated certificate is served to new handshakes', async () => {
    const s = await setUp('STRICT');
    try {
      const first = await mtlsGet(s.address, s.app.port, '/1', client, ca.rootCertPem);
      assert.equal(first.peerSerial, new X509Certificate(server.certPem).serialNumber);
      const rotated = await workloadCert(ca, 'default', 'hello');
      await s.proxy.apply({ ports: [{ port: s.app.port, mode: 'STRICT', protocol: 'HTTP' }], identity: rotated });
      const second = await mtlsGet(s.address, s.app.port, '/2', client, ca.rootCertPem);
      assert.equal(second.status, 200);
      assert.equal(second.peerSerial, new X509Certificate(rotated.certPem).serialNumber);
      assert.notEqual(second.peerSerial, first.peerSerial);
    } finally {
      await s.done();
    }
  });
});
