import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MeshClientTls } from '../mesh-tls/types.ts';
import { meshSourceOf, PodAgents, podConnection, requestOptions, splitDest } from './pod-connection.ts';

const mesh: MeshClientTls = {
  originate: (source, address, port) => Promise.resolve(address === '127.244.0.5'
    ? { key: `${source.namespace}/${source.serviceAccount}`, options: { servername: `outbound_.${port}_._.x`, host: 'ignored', port: 1 } }
    : undefined),
};
const caller = { tls: mesh, source: { namespace: 'knative-serving', serviceAccount: 'activator' }, localAddress: '127.244.0.2' };

test('ip:port splits at the last colon', () => {
  assert.deepEqual(splitDest('127.244.0.5:8012'), { host: '127.244.0.5', port: 8012 });
});

test('without a caller: plain, no bound address; with one: what the mesh says, from the caller\'s IP', async () => {
  assert.deepEqual(await podConnection('127.244.0.5:8012'), { host: '127.244.0.5', port: 8012 });
  assert.deepEqual(await podConnection('127.244.0.6:8012', caller), { host: '127.244.0.6', port: 8012, localAddress: '127.244.0.2' });
  const tls = await podConnection('127.244.0.5:8012', caller);
  assert.equal(tls.tls?.key, 'knative-serving/activator');
  assert.deepEqual(requestOptions(tls), { servername: 'outbound_.8012_._.x', host: '127.244.0.5', port: 8012, localAddress: '127.244.0.2' }, 'the address wins over TLS options');
});

test('one pool for plaintext, one per mTLS key', async () => {
  const agents = new PodAgents();
  const plain = await podConnection('127.244.0.6:8012', caller);
  const a = await podConnection('127.244.0.5:8012', caller);
  const b = await podConnection('127.244.0.5:9090', caller);
  assert.equal(agents.agentFor(plain), agents.plain);
  assert.equal(agents.agentFor(a), agents.agentFor(b));
  assert.notEqual(agents.agentFor(a), agents.plain);
  assert.equal(agents.tlsPools, 1);
  agents.destroy();
  assert.equal(agents.tlsPools, 0);
});

test('a pod\'s mesh identity: its namespace and service account, `default` when unset', () => {
  const pod = (sa?: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'knative-serving' }, spec: sa ? { serviceAccountName: sa } : {} });
  assert.deepEqual(meshSourceOf(pod('activator')), { namespace: 'knative-serving', serviceAccount: 'activator' });
  assert.deepEqual(meshSourceOf(pod()), { namespace: 'knative-serving', serviceAccount: 'default' });
});
