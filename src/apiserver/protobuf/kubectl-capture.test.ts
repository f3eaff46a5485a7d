/**
 * Drives the real kubectl against a throwaway HTTP server that records request bodies, then
 * checks that decoding each protobuf body gives exactly the JSON the same command prints
 * with `--dry-run=client -o json` (which is what kubectl 1.31 sent on the wire).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { decodeKubernetesProtobuf, PROTOBUF_MEDIA_TYPE } from './decode.ts';

const run = promisify(execFile);

interface Capture {
  method: string;
  path: string;
  contentType: string;
  body: Buffer;
}

describe('protobuf bodies sent by the real kubectl', () => {
  let dir = '';
  let server: http.Server;
  const captures: Capture[] = [];
  let env: NodeJS.ProcessEnv = {};

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'skiff-pb-'));
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        if (req.method !== 'POST') {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 }));
          return;
        }
        captures.push({ method: req.method, path: (req.url ?? '').split('?')[0] as string, contentType: req.headers['content-type'] ?? '', body });
        // Answer like kube-apiserver would: the created object, as JSON (kubectl accepts it).
        const created = decodeKubernetesProtobuf(body);
        created.metadata = { ...created.metadata, namespace: 'default', uid: '4f9d3c3e-0000-4000-8000-000000000001', resourceVersion: '1', creationTimestamp: '2025-01-01T00:00:00Z' };
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify(created));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    // Plain HTTP and no credentials: enough for kubectl to send its bodies.
    await writeFile(join(dir, 'kubeconfig'), [
      'apiVersion: v1', 'kind: Config',
      `clusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}"}}]`,
      'users: [{name: u, user: {}}]',
      'contexts: [{name: c, context: {cluster: c, user: u}}]',
      'current-context: c', '',
    ].join('\n'));
    await writeFile(join(dir, 'blob.bin'), Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x41]));
    await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=web.example.com',
      '-days', '1', '-keyout', join(dir, 'tls.key'), '-out', join(dir, 'tls.crt')]);
    env = { PATH: process.env.PATH, HOME: dir, KUBECONFIG: join(dir, 'kubeconfig'), KUBECACHEDIR: join(dir, 'cache') };
  });

  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  const cases: { name: string; path: string; args: (dir: string) => string[] }[] = [
    { name: 'secret generic (binary file, empty literal)', path: '/api/v1/namespaces/default/secrets',
      args: (d) => ['create', 'secret', 'generic', 'plain', '--from-literal=user=admin', '--from-literal=empty=', `--from-file=blob=${join(d, 'blob.bin')}`] },
    { name: 'secret tls', path: '/api/v1/namespaces/default/secrets',
      args: (d) => ['create', 'secret', 'tls', 'web-tls', `--cert=${join(d, 'tls.crt')}`, `--key=${join(d, 'tls.key')}`] },
    { name: 'secret tls in another namespace (seed 002)', path: '/api/v1/namespaces/istio-system/secrets',
      args: (d) => ['create', '-n', 'istio-system', 'secret', 'tls', 'wildcard-certs', `--key=${join(d, 'tls.key')}`, `--cert=${join(d, 'tls.crt')}`] },
    { name: 'secret docker-registry', path: '/api/v1/namespaces/default/secrets',
      args: () => ['create', 'secret', 'docker-registry', 'pull', '--docker-server=registry.example', '--docker-username=u', '--docker-password=p', '--docker-email=e@example.com'] },
    { name: 'configmap (literal and binary file)', path: '/api/v1/namespaces/default/configmaps',
      args: (d) => ['create', 'configmap', 'settings', '--from-literal=mode=fast', `--from-file=blob=${join(d, 'blob.bin')}`] },
    { name: 'namespace', path: '/api/v1/namespaces', args: () => ['create', 'namespace', 'team-a'] },
    { name: 'serviceaccount', path: '/api/v1/namespaces/default/serviceaccounts', args: () => ['create', 'serviceaccount', 'robot'] },
    { name: 'deployment with port, replicas and --save-config', path: '/apis/apps/v1/namespaces/default/deployments',
      args: () => ['create', 'deployment', 'web', '--image=nginx:1.27', '--port=8080', '--replicas=3', '--save-config'] },
    { name: 'deployment with two images', path: '/apis/apps/v1/namespaces/default/deployments',
      args: () => ['create', 'deployment', 'multi', '--image=busybox', '--image=nginx'] },
    { name: 'deployment with a command', path: '/apis/apps/v1/namespaces/default/deployments',
      args: () => ['create', 'deployment', 'sleeper', '--image=busybox', '--', 'sleep', '3600'] },
    { name: 'service clusterip', path: '/api/v1/namespaces/default/services',
      args: () => ['create', 'service', 'clusterip', 'web', '--tcp=80:8080', '--tcp=443:https'] },
    { name: 'service clusterip headless', path: '/api/v1/namespaces/default/services',
      args: () => ['create', 'service', 'clusterip', 'headless', '--clusterip=None'] },
    { name: 'service nodeport', path: '/api/v1/namespaces/default/services',
      args: () => ['create', 'service', 'nodeport', 'np', '--tcp=80:8080', '--node-port=30080'] },
    { name: 'service loadbalancer', path: '/api/v1/namespaces/default/services',
      args: () => ['create', 'service', 'loadbalancer', 'lb', '--tcp=443:8443'] },
    { name: 'service externalname', path: '/api/v1/namespaces/default/services',
      args: () => ['create', 'service', 'externalname', 'ext', '--external-name=db.example.com'] },
    // `kubectl create role` resolves its --resource flags through discovery, which this server
    // does not answer: test/e2e/rbac.test.ts sends it to skiff.
    { name: 'rolebinding', path: '/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings',
      args: () => ['create', 'rolebinding', 'read', '--role=reader', '--user=jane', '--group=devs', '--serviceaccount=ci:robot'] },
    { name: 'clusterrole with non-resource URLs', path: '/apis/rbac.authorization.k8s.io/v1/clusterroles',
      args: () => ['create', 'clusterrole', 'health', '--verb=get', '--non-resource-url=/healthz', '--non-resource-url=/metrics'] },
    { name: 'clusterrole with an aggregation rule', path: '/apis/rbac.authorization.k8s.io/v1/clusterroles',
      args: () => ['create', 'clusterrole', 'monitoring', '--aggregation-rule=example.com/aggregate-to-monitoring=true'] },
    { name: 'clusterrolebinding', path: '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
      args: () => ['create', 'clusterrolebinding', 'viewers', '--clusterrole=view', '--group=auditors', '--serviceaccount=ci:robot'] },
  ];

  for (const c of cases) {
    it(`kubectl create ${c.name}`, async () => {
      const args = c.args(dir);
      const before = captures.length;
      await run('kubectl', args, { env, timeout: 60_000 });
      assert.equal(captures.length, before + 1, 'kubectl sent exactly one POST');
      const capture = captures[before] as Capture;
      assert.equal(capture.path, c.path);
      assert.equal(capture.contentType, PROTOBUF_MEDIA_TYPE);

      // Flags must precede `--`, after which everything is the container's command.
      const dashes = args.indexOf('--');
      const at = dashes < 0 ? args.length : dashes;
      const dryRun = [...args.slice(0, at), '--dry-run=client', '-o', 'json', ...args.slice(at)];
      const { stdout } = await run('kubectl', dryRun, { env, timeout: 60_000 });
      assert.deepEqual(decodeKubernetesProtobuf(capture.body), JSON.parse(stdout));
    });
  }
});
