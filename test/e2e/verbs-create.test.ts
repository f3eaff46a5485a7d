/**
 * The imperative `kubectl create` generators: namespace, configmap (--from-literal,
 * --from-file, --from-env-file), secret generic, secret tls (a pair made with openssl),
 * secret docker-registry, deployment and service clusterip. kubectl 1.32 sends these as
 * protobuf; the suite checks that on the wire (-v=8) and the stored objects field by field.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';
import { requestContentTypes, scratchDir } from './verbs-fixtures.ts';

const PROTOBUF = 'application/vnd.kubernetes.protobuf';

describe('kubectl create generators (protobuf bodies)', () => {
  let s: TestSkiff;
  const scratch = scratchDir('skiff-verbs-create-');
  const json = async (args: string[]) => JSON.parse(await s.kubectl.ok([...args, '-o', 'json']));
  const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');
  /** Runs a create generator at -v=8 and returns stdout, asserting the POST body was protobuf. */
  const createProtobuf = async (args: string[]): Promise<string> => {
    const r = await s.kubectl(['create', ...args, '-v=8']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(requestContentTypes(r.stderr, 'POST'), [PROTOBUF], `kubectl create ${args[0]} posts protobuf`);
    return r.stdout;
  };

  before(async () => {
    s = await startTestSkiff();
  });
  after(async () => {
    await s?.stop();
    scratch.remove();
  });

  it('creates a namespace that becomes Active with its name label and the kubernetes finalizer', async () => {
    assert.equal(await createProtobuf(['namespace', 'team-a']), 'namespace/team-a created\n');
    const ns = await json(['get', 'namespace', 'team-a']);
    assert.equal(ns.status.phase, 'Active');
    assert.deepEqual(ns.metadata.labels, { 'kubernetes.io/metadata.name': 'team-a' });
    assert.deepEqual(ns.spec.finalizers, ['kubernetes']);
    assert.match(await s.kubectl.ok(['get', 'ns', 'team-a']), /^NAME\s+STATUS\s+AGE\nteam-a\s+Active\s+\d+s\n$/);
    const dup = await s.kubectl(['create', 'namespace', 'team-a']);
    assert.equal(dup.code, 1);
    assert.equal(dup.stderr, 'Error from server (AlreadyExists): namespaces "team-a" already exists\n');
    const bad = await s.kubectl(['create', 'namespace', 'Team_B']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /The Namespace "Team_B" is invalid: metadata\.name: Invalid value: "Team_B": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-'/);
  });

  it('creates configmaps from literals, files, directories and env files', async () => {
    scratch.file('conf/app.properties', 'color=blue\nsize=3\n');
    scratch.file('conf/banner.txt', 'Hello Openshift!\n');
    const env = scratch.file('app.env', '# comment\nMODE=prod\nDEBUG=false\n');
    assert.equal(await createProtobuf(['configmap', 'from-all', '-n', 'team-a', '--from-literal=k=v', `--from-file=${scratch.dir}/conf/banner.txt`, `--from-file=props=${scratch.dir}/conf/app.properties`]), 'configmap/from-all created\n');
    assert.deepEqual((await json(['get', 'cm', 'from-all', '-n', 'team-a'])).data, { k: 'v', 'banner.txt': 'Hello Openshift!\n', props: 'color=blue\nsize=3\n' });
    await createProtobuf(['configmap', 'from-dir', '-n', 'team-a', `--from-file=${scratch.dir}/conf/`]);
    assert.deepEqual(Object.keys((await json(['get', 'cm', 'from-dir', '-n', 'team-a'])).data).sort(), ['app.properties', 'banner.txt']);
    await createProtobuf(['configmap', 'from-env', '-n', 'team-a', `--from-env-file=${env}`]);
    assert.deepEqual((await json(['get', 'cm', 'from-env', '-n', 'team-a'])).data, { MODE: 'prod', DEBUG: 'false' });
    // Binary content goes to binaryData.
    const bin = scratch.file('blob.bin', Buffer.from([0xff, 0xfe, 0x00, 0x01]));
    await createProtobuf(['configmap', 'from-bin', '-n', 'team-a', `--from-file=${bin}`]);
    assert.deepEqual((await json(['get', 'cm', 'from-bin', '-n', 'team-a'])).binaryData, { 'blob.bin': b64(readFileSync(bin)) });
    assert.match(await s.kubectl.ok(['get', 'cm', '-n', 'team-a']), /^NAME\s+DATA\s+AGE\nfrom-all\s+3\s+\d+s\nfrom-bin\s+1\s+\d+s\nfrom-dir\s+2\s+\d+s\nfrom-env\s+2\s+\d+s\n/);
  });

  it('creates a generic secret and a docker-registry secret', async () => {
    assert.equal(await createProtobuf(['secret', 'generic', 'db', '-n', 'team-a', '--from-literal=user=admin', '--from-literal=password=s3cr3t!']), 'secret/db created\n');
    const secret = await json(['get', 'secret', 'db', '-n', 'team-a']);
    assert.equal(secret.type, 'Opaque');
    assert.deepEqual(secret.data, { user: b64('admin'), password: b64('s3cr3t!') });
    assert.equal(await s.kubectl.ok(['get', 'secret', 'db', '-n', 'team-a', '-o', 'jsonpath={.data.password}']), b64('s3cr3t!'));
    await createProtobuf(['secret', 'docker-registry', 'pull', '-n', 'team-a', '--docker-server=registry.example.com', '--docker-username=u', '--docker-password=p']);
    const pull = await json(['get', 'secret', 'pull', '-n', 'team-a']);
    assert.equal(pull.type, 'kubernetes.io/dockerconfigjson');
    assert.equal(JSON.parse(Buffer.from(pull.data['.dockerconfigjson'], 'base64').toString()).auths['registry.example.com'].username, 'u');
    // A typed secret is validated: a dockerconfigjson secret needs its key.
    const bad = await s.kubectl(['create', 'secret', 'generic', 'typed', '-n', 'team-a', '--type=kubernetes.io/dockerconfigjson', '--from-literal=x=y']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /Secret "typed" is invalid: data\[\.dockerconfigjson\]: Required value/);
  });

  it('creates a TLS secret from an openssl key pair', async () => {
    const key = join(scratch.dir, 'tls.key');
    const crt = join(scratch.dir, 'tls.crt');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', crt, '-days', '1', '-subj', '/CN=*.apps.example.com'], { stdio: 'ignore' });
    assert.equal(await createProtobuf(['secret', 'tls', 'wildcard-certs', '-n', 'team-a', `--key=${key}`, `--cert=${crt}`]), 'secret/wildcard-certs created\n');
    const secret = await json(['get', 'secret', 'wildcard-certs', '-n', 'team-a']);
    assert.equal(secret.type, 'kubernetes.io/tls');
    assert.equal(secret.data['tls.crt'], b64(readFileSync(crt)));
    assert.equal(secret.data['tls.key'], b64(readFileSync(key)));
    assert.match(await s.kubectl.ok(['get', 'secret', 'wildcard-certs', '-n', 'team-a']), /^NAME\s+TYPE\s+DATA\s+AGE\nwildcard-certs\s+kubernetes\.io\/tls\s+2\s+\d+s\n$/);
    // kubectl checks the pair itself before sending anything.
    const mismatched = await s.kubectl(['create', 'secret', 'tls', 'broken', '-n', 'team-a', `--key=${key}`, `--cert=${scratch.file('not-a-cert.pem', 'hello\n')}`]);
    assert.equal(mismatched.code, 1);
    assert.match(mismatched.stderr, /failed to find any PEM data in certificate input/);
  });

  it('creates a deployment with the defaults of a real cluster', async () => {
    assert.equal(await createProtobuf(['deployment', 'web', '-n', 'team-a', '--image=nginx:1.27', '--replicas=3', '--port=8080']), 'deployment.apps/web created\n');
    const d = await json(['get', 'deploy', 'web', '-n', 'team-a']);
    assert.deepEqual(d.metadata.labels, { app: 'web' });
    assert.deepEqual(d.spec.selector, { matchLabels: { app: 'web' } });
    assert.equal(d.spec.replicas, 3);
    assert.deepEqual(d.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
    assert.equal(d.spec.progressDeadlineSeconds, 600);
    const [container] = d.spec.template.spec.containers;
    assert.deepEqual({ name: container.name, image: container.image, ports: container.ports, pull: container.imagePullPolicy }, { name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 8080, protocol: 'TCP' }], pull: 'IfNotPresent' });
    assert.equal(d.spec.template.spec.dnsPolicy, 'ClusterFirst');
    assert.equal(d.spec.template.spec.schedulerName, 'default-scheduler');
    assert.equal(d.metadata.generation, 1);
    // Several containers from several images; the names come from the images.
    await createProtobuf(['deployment', 'multi', '-n', 'team-a', '--image=nginx', '--image=registry.example.com/team/sidecar:v1']);
    assert.deepEqual((await json(['get', 'deploy', 'multi', '-n', 'team-a'])).spec.template.spec.containers.map((c: { name: string }) => c.name), ['nginx', 'sidecar']);
  });

  it('creates a ClusterIP service', async () => {
    assert.equal(await createProtobuf(['service', 'clusterip', 'web', '-n', 'team-a', '--tcp=80:8080', '--tcp=443:8443']), 'service/web created\n');
    const svc = await json(['get', 'svc', 'web', '-n', 'team-a']);
    assert.equal(svc.spec.type, 'ClusterIP');
    assert.deepEqual(svc.spec.selector, { app: 'web' });
    assert.deepEqual(svc.spec.ports, [
      { name: '80-8080', port: 80, protocol: 'TCP', targetPort: 8080 },
      { name: '443-8443', port: 443, protocol: 'TCP', targetPort: 8443 },
    ]);
    assert.equal(svc.spec.sessionAffinity, 'None');
    assert.deepEqual(svc.spec.ipFamilies, ['IPv4']);
    // The API server allocates the cluster IP (from skiff's service range, inside 127.96.0.0/16).
    assert.match(svc.spec.clusterIP, /^127\.96\.\d+\.\d+$/);
    assert.deepEqual(svc.spec.clusterIPs, [svc.spec.clusterIP]);
    assert.match(await s.kubectl.ok(['get', 'svc', 'web', '-n', 'team-a', '-o', 'wide']), new RegExp(`^web\\s+ClusterIP\\s+${svc.spec.clusterIP.replace(/\./g, '\\.')}\\s+<none>\\s+80/TCP,443/TCP\\s+\\d+s\\s+app=web$`, 'm'));
    // Headless: clusterIP None is kept as given.
    await createProtobuf(['service', 'clusterip', 'headless', '-n', 'team-a', '--clusterip=None', '--tcp=5432']);
    const headless = await json(['get', 'svc', 'headless', '-n', 'team-a']);
    assert.equal(headless.spec.clusterIP, 'None');
    assert.match(await s.kubectl.ok(['get', 'svc', 'headless', '-n', 'team-a']), /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\nheadless\s+ClusterIP\s+None\s+<none>\s+5432\/TCP\s+\d+s\n$/);
  });

  it('dry-runs the generators on the client and on the server', async () => {
    const client = await s.kubectl.ok(['create', 'configmap', 'dry', '-n', 'team-a', '--from-literal=a=b', '--dry-run=client', '-o', 'yaml']);
    assert.match(client, /^apiVersion: v1\ndata:\n {2}a: b\nkind: ConfigMap\nmetadata:\n {2}creationTimestamp: null\n {2}name: dry\n {2}namespace: team-a\n$/);
    assert.equal(await createProtobuf(['secret', 'generic', 'dry', '-n', 'team-a', '--from-literal=a=b', '--dry-run=server']), 'secret/dry created (server dry run)\n');
    assert.notEqual((await s.kubectl(['get', 'secret', 'dry', '-n', 'team-a'])).code, 0);
  });
});
