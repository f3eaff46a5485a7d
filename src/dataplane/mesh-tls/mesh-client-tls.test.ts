/**
 * The MeshClientTls service over Informers on a small in-memory Client (list, watch): it
 * finds the destination pod by address, decides, takes the source's certificate from the
 * certificate source it is given (here: issued from a real mesh CA, counted), and the options
 * it returns complete a real mTLS handshake with a server holding the destination's workload
 * certificate.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect, createServer, type TLSSocket } from 'node:tls';
import { test } from 'node:test';
import type { Pod } from '../../api/builtin/core/pod-readiness.ts';
import type { KubeObject } from '../../api/object.ts';
import { Informer } from '../../client/informer.ts';
import type { Client, ListQuery, TypeRef, WatchHandlers } from '../../client/types.ts';
import { issueWorkloadCertificate } from '../../mesh/pki/index.ts';
import { CA_SECRET_NAME, createSelfSignedCaFiles, meshCaFromFiles } from '../../mesh/pki/mesh-ca.ts';
import type { PeerAuthentication } from '../config/peer-authentication.ts';
import { silentLogger } from '../../util/log.ts';
import { createMeshClientTls, type MeshObjects } from './mesh-client-tls.ts';
import type { MeshSource } from './types.ts';
import { meshServerIdentityCheck } from './server-identity.ts';

const POD_IP = '127.0.0.6';

function memoryClient(objects: KubeObject[]): Client {
  const matches = (o: KubeObject, type: TypeRef, q: ListQuery = {}) => o.apiVersion === type.apiVersion && o.kind === type.kind && (!q.namespace || o.metadata.namespace === q.namespace);
  const notUsed = () => Promise.reject(new Error('not used'));
  return {
    list: <T extends KubeObject>(type: TypeRef, q?: ListQuery) => Promise.resolve({ items: objects.filter((o) => matches(o, type, q)) as T[], resourceVersion: '1' }),
    watch: <T extends KubeObject>(_type: TypeRef, _q: ListQuery, _h: WatchHandlers<T>) => Promise.resolve({ stop: () => undefined }),
    get: notUsed, create: notUsed, update: notUsed, updateStatus: notUsed, patch: notUsed, delete: notUsed, createSubresource: notUsed, resourceFor: notUsed, kinds: notUsed,
  } as Client;
}

function pod(name: string, ip: string, meshed: boolean): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: 'default', labels: meshed ? { app: name, 'security.istio.io/tlsMode': 'istio' } : { app: name }, annotations: meshed ? { 'sidecar.istio.io/status': '{}' } : {} },
    spec: { serviceAccountName: name, containers: [] }, status: { phase: 'Running', podIP: ip },
  } as KubeObject;
}

test('originates mTLS with the source\'s SPIFFE certificate to a meshed pod, plaintext elsewhere', async () => {
  const now = new Date();
  const files = await createSelfSignedCaFiles('cluster.local', now);
  const ca = meshCaFromFiles(files, { meshNamespace: 'istio-system', trustDomain: 'cluster.local', source: 'self-signed', secretName: CA_SECRET_NAME }, now);
  const client = memoryClient([
    { apiVersion: 'maistra.io/v2', kind: 'ServiceMeshControlPlane', metadata: { name: 'basic', namespace: 'istio-system' } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default', labels: { 'maistra.io/member-of': 'istio-system' } } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'knative-serving', labels: { 'maistra.io/member-of': 'istio-system' } } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'outsider' } },
    pod('app', POD_IP, true),
    pod('legacy', '127.0.0.7', false),
  ]);
  const informer = <T extends KubeObject>(apiVersion: string, kind: string) => new Informer<T>(client, { apiVersion, kind }, {}, silentLogger());
  const objects: MeshObjects = {
    pods: informer<Pod>('v1', 'Pod'),
    namespaces: informer('v1', 'Namespace'),
    peerAuthentications: informer<PeerAuthentication>('security.istio.io/v1beta1', 'PeerAuthentication'),
    controlPlanes: informer('maistra.io/v2', 'ServiceMeshControlPlane'),
  };
  const informers = Object.values(objects) as Informer[];
  await Promise.all(informers.map((i) => i.start()));
  const activator = { namespace: 'knative-serving', serviceAccount: 'activator' };
  const activatorCert = await issueWorkloadCertificate(ca, activator);
  const asked: string[] = [];
  const certificateFor = (mesh: string, source: MeshSource) => {
    asked.push(`${mesh} ${source.namespace}/${source.serviceAccount}`);
    return Promise.resolve(activatorCert);
  };
  const service = createMeshClientTls(objects, certificateFor);
  const app = await issueWorkloadCertificate(ca, { namespace: 'default', serviceAccount: 'app' });
  const server = createServer({ cert: app.certChainPem, key: app.keyPem, ca: app.rootCertPem, requestCert: true, rejectUnauthorized: true, ALPNProtocols: ['http/1.1'] }, (s) => {
    s.end(`${s.getPeerCertificate().subjectaltname ?? ''} sni=${String(s.servername)}`);
  });
  server.listen(0, POD_IP);
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  try {
    const tls = await service.originate(activator, POD_IP, port);
    assert.ok(tls, 'a meshed pod of the same mesh gets mTLS');
    assert.equal(await service.originate(activator, POD_IP, port), tls, 'the same certificate: the same options (same pool key)');
    assert.deepEqual(asked, ['istio-system knative-serving/activator', 'istio-system knative-serving/activator'], 'the certificate comes from the source it was given, for the source\'s mesh');
    const socket = connect({ ...tls.options, host: POD_IP, port }) as TLSSocket;
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    await once(socket, 'end');
    assert.equal(answer, `URI:spiffe://cluster.local/ns/knative-serving/sa/activator sni=outbound_.${port}_._.${POD_IP}`);

    // The identity check is what refuses a server that is not the expected workload.
    const wrong = connect({ ...tls.options, checkServerIdentity: meshServerIdentityCheck({ trustDomain: 'cluster.local', subjectAltNames: ['spiffe://cluster.local/ns/default/sa/other'] }), host: POD_IP, port });
    const [err] = (await once(wrong, 'error')) as [Error];
    assert.match(err.message, /sa\/other/);

    assert.equal(await service.originate(activator, '127.0.0.7', port), undefined, 'no sidecar: plaintext');
    assert.equal(await service.originate(activator, '127.0.0.99', port), undefined, 'unknown address: plaintext');
    assert.equal(await service.originate({ namespace: 'outsider', serviceAccount: 'x' }, POD_IP, port), undefined, 'a source outside the mesh: plaintext');
    assert.equal(await service.originate(activator, POD_IP, 15020), undefined, 'the agent\'s port: plaintext');
    assert.equal(asked.length, 2, 'plaintext destinations never ask for a certificate');
  } finally {
    for (const i of informers) i.stop();
    server.close();
  }
});
