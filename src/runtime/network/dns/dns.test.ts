import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { test } from 'node:test';
import type { KubeObject } from '../../../api/object.ts';
import { silentLogger } from '../../../util/log.ts';
import { resolveClusterName, type ClusterObjects } from './cluster-names.ts';
import { ClusterDnsServer } from './dns-server.ts';
import { buildResponse, parseQuery, RCODE_NOERROR, TYPE_A, TYPE_AAAA, TYPE_CNAME } from './dns-message.ts';

const svc = (namespace: string, name: string, spec: object): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec });
const eps = (namespace: string, name: string, addresses: object[]): KubeObject => ({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace }, subsets: [{ addresses }] });
const services = [
  svc('default', 'hello', { clusterIP: '127.96.0.10' }), svc('db', 'pg', { clusterIP: 'None' }), svc('default', 'ext', { type: 'ExternalName', externalName: 'example.com' }),
  // Knative's placeholder for a ksvc: an ExternalName to the local gateway's Service; and a loop.
  svc('default', 'ksvc', { type: 'ExternalName', externalName: 'hello.default.svc.cluster.local' }),
  svc('default', 'loop', { type: 'ExternalName', externalName: 'loop.default.svc.cluster.local' }),
];
const endpoints = [eps('db', 'pg', [{ ip: '10.244.0.5', hostname: 'pg-0' }, { ip: '10.244.0.6' }])];
const objects: ClusterObjects = {
  service: (ns, n) => services.find((s) => s.metadata.namespace === ns && s.metadata.name === n),
  endpoints: (ns, n) => endpoints.find((s) => s.metadata.namespace === ns && s.metadata.name === n),
};

test('service, headless, hostname, pod and ExternalName names', () => {
  const ips = (name: string, type = TYPE_A) => {
    const r = resolveClusterName(name, type, objects);
    return r?.found ? r.records.map((x) => ('address' in x ? x.address : x.target)) : r;
  };
  assert.deepEqual(ips('hello.default.svc.cluster.local'), ['127.96.0.10']);
  assert.deepEqual(ips('Hello.Default.svc.cluster.local.'), ['127.96.0.10']);
  assert.deepEqual(ips('pg.db.svc.cluster.local'), ['10.244.0.5', '10.244.0.6']);
  assert.deepEqual(ips('pg-0.pg.db.svc.cluster.local'), ['10.244.0.5']);
  assert.deepEqual(ips('10-244-0-9.db.pod.cluster.local'), ['10.244.0.9']);
  assert.deepEqual(ips('ext.default.svc.cluster.local'), ['example.com']);
  assert.deepEqual(ips('ksvc.default.svc.cluster.local'), ['hello.default.svc.cluster.local', '127.96.0.10'], 'a cluster target is followed in the same answer');
  assert.deepEqual(ips('ksvc.default.svc.cluster.local', TYPE_CNAME), ['hello.default.svc.cluster.local'], 'a CNAME query gets the CNAME only');
  assert.equal((ips('loop.default.svc.cluster.local') as string[]).length, 9, 'a CNAME loop ends');
  assert.deepEqual(ips('hello.default.svc.cluster.local', TYPE_AAAA), [], 'an IPv4 service has no AAAA record');
  assert.deepEqual(ips('nope.default.svc.cluster.local'), { found: false });
  assert.equal(ips('example.org'), undefined, 'not a cluster name');
});

test('the server answers over UDP and TCP, NXDOMAIN for unknown cluster names', async () => {
  const server = new ClusterDnsServer({ address: '127.0.0.1', port: 0, objects, upstreams: [], log: silentLogger() });
  await server.start();
  try {
    const resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([`127.0.0.1:${server.port}`]);
    assert.deepEqual(await resolver.resolve4('hello.default.svc.cluster.local'), ['127.96.0.10']);
    assert.deepEqual((await resolver.resolve4('pg.db.svc.cluster.local')).sort(), ['10.244.0.5', '10.244.0.6']);
    await assert.rejects(resolver.resolve4('nope.default.svc.cluster.local'), (e: NodeJS.ErrnoException) => e.code === 'ENOTFOUND');
    await assert.rejects(resolver.resolve4('example.org'), (e: NodeJS.ErrnoException) => e.code === 'ESERVFAIL');
  } finally {
    await server.stop();
  }
});

test('an ExternalName answers with its target\'s addresses: a cluster target from the cluster, an outside one from the upstream', async () => {
  // A stand-in for the host's resolver: port 53 (root) on a loopback address of its own, every name 203.0.113.7.
  const upstreamIp = `127.${64 + Math.floor(Math.random() * 60)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
  const upstream = createSocket('udp4');
  const asked: string[] = [];
  upstream.on('message', (msg, rinfo) => {
    const query = parseQuery(msg)!;
    asked.push(query.question.name);
    upstream.send(buildResponse(query, RCODE_NOERROR, [{ name: query.question.name, type: TYPE_A, ttl: 30, address: '203.0.113.7' }], false), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => upstream.bind(53, upstreamIp, resolve));
  const server = new ClusterDnsServer({ address: '127.0.0.1', port: 0, objects, upstreams: [upstreamIp], log: silentLogger() });
  await server.start();
  try {
    const resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([`127.0.0.1:${server.port}`]);
    assert.deepEqual(await resolver.resolve4('ksvc.default.svc.cluster.local'), ['127.96.0.10']);
    assert.deepEqual(await resolver.resolve6('ksvc.default.svc.cluster.local').catch(() => []), [], 'the cluster target has no IPv6 address');
    await resolver.resolve4('loop.default.svc.cluster.local').catch(() => undefined);
    assert.deepEqual(asked, [], 'a chain ending in a cluster name (no AAAA there, a loop) never leaves the cluster DNS');
    assert.deepEqual(await resolver.resolve4('ext.default.svc.cluster.local'), ['203.0.113.7']);
    assert.deepEqual(asked, ['example.com']);
  } finally {
    await server.stop();
    upstream.close();
  }
});
