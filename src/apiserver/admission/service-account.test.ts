/**
 * The ServiceAccount admission plugin through a real in-process API server core (embedded
 * store in a temp dir, no controllers: the tests make the ServiceAccounts themselves).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.ts';
import type { Client } from '../../client/types.ts';
import { SkiffError } from '../../errors/skiff-error.ts';
import { startInProcessApi, type InProcessApi } from '../../server/testing/in-process-api.ts';
import { nameAsSent } from './service-account.ts';

let api: InProcessApi;
let client: Client;

const NS = 'team';
const serviceAccount = (name: string, namespace = NS, extra: object = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace }, ...extra });
const pod = (metadata: KubeObject['metadata'], spec: object = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { namespace: NS, ...metadata }, spec: { containers: [{ name: 'main', image: 'busybox' }], ...spec } });
type Spec = { serviceAccountName?: string; serviceAccount?: string; volumes?: Array<{ name: string; projected?: unknown }>; containers: Array<{ volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean }> }> };
const specOf = (p: KubeObject): Spec => p.spec as Spec;

function forbiddenWith(message: string): (err: unknown) => boolean {
  return (err: unknown) => {
    assert.ok(err instanceof SkiffError, String(err));
    assert.equal(err.code, 'SKF_API_FORBIDDEN');
    assert.equal(err.message, message);
    return true;
  };
}

before(async () => {
  api = await startInProcessApi('sa-admission');
  client = api.client;
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  await client.create(serviceAccount('default'));
  await client.create(serviceAccount('quiet', NS, { automountServiceAccountToken: false }));
});

after(async () => {
  await api.stop();
});

test('a pod runs as default and gets the API credentials volume, mounted read-only', async () => {
  const created = await client.create(pod({ name: 'plain' }));
  const spec = specOf(created);
  assert.equal(spec.serviceAccountName, 'default');
  assert.equal(spec.serviceAccount, 'default');
  assert.equal(spec.volumes?.length, 1);
  const volume = spec.volumes![0]!;
  assert.match(volume.name, /^kube-api-access-[a-z0-9]{5}$/);
  assert.deepEqual(spec.containers[0]!.volumeMounts, [{ name: volume.name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }]);
});

test('a pod naming a missing account is refused with kube-apiserver\'s message; a generated name shows its prefix', async () => {
  await assert.rejects(client.create(pod({ name: 'x' }, { serviceAccountName: 'ghost' })), forbiddenWith('pods "x" is forbidden: error looking up service account team/ghost: serviceaccount "ghost" not found'));
  await assert.rejects(client.create(pod({ generateName: 'web-7c5ddbdf54-' }, { serviceAccountName: 'ghost' })), forbiddenWith('pods "web-7c5ddbdf54-" is forbidden: error looking up service account team/ghost: serviceaccount "ghost" not found'));
});

test('automountServiceAccountToken: the account says no, the pod overrides it', async () => {
  const quiet = await client.create(pod({ name: 'quiet' }, { serviceAccountName: 'quiet' }));
  assert.equal(specOf(quiet).volumes, undefined);
  assert.equal(specOf(quiet).containers[0]!.volumeMounts, undefined);
  const loud = await client.create(pod({ name: 'loud' }, { serviceAccountName: 'quiet', automountServiceAccountToken: true }));
  assert.equal(specOf(loud).volumes?.length, 1);
  const off = await client.create(pod({ name: 'off' }, { automountServiceAccountToken: false }));
  assert.equal(specOf(off).volumes, undefined);
  assert.equal(specOf(off).serviceAccountName, 'default');
});

test('a missing default account is waited for briefly, as right after a namespace is created', async () => {
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fresh' } });
  const creating = client.create(pod({ name: 'early', namespace: 'fresh' }));
  setTimeout(() => void client.create(serviceAccount('default', 'fresh')), 250);
  const created = await creating;
  assert.equal(specOf(created).serviceAccountName, 'default');
});

test('with no default account at all the pod is refused after the retries', async () => {
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'empty' } });
  await assert.rejects(client.create(pod({ name: 'lost', namespace: 'empty' })), forbiddenWith('pods "lost" is forbidden: error looking up service account empty/default: serviceaccount "default" not found'));
});

test('updates leave the pod as it is', async () => {
  const created = await client.create(pod({ name: 'upd' }));
  const updated = await client.update<KubeObject>({ ...created, metadata: { ...created.metadata, labels: { a: 'b' } } });
  assert.deepEqual(updated.spec, created.spec);
});

test('mirror pods are not changed, and may not name an account', async () => {
  const mirror = { 'kubernetes.io/config.mirror': 'abc' };
  const created = await client.create(pod({ name: 'static-node1', annotations: mirror }));
  assert.equal(specOf(created).serviceAccountName, undefined);
  assert.equal(specOf(created).volumes, undefined);
  await assert.rejects(client.create(pod({ name: 'static-node2', annotations: mirror }, { serviceAccountName: 'default' })), forbiddenWith('pods "static-node2" is forbidden: a mirror pod may not reference service accounts'));
});

test('the name admission reports is the one sent', () => {
  assert.equal(nameAsSent({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-abc-x2x9z', generateName: 'web-abc-' } }), 'web-abc-');
  assert.equal(nameAsSent({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'explicit', generateName: 'web-abc-' } }), 'explicit');
  assert.equal(nameAsSent({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'plain' } }), 'plain');
});

test('an account enforcing mountable secrets refuses a pod using another Secret', async () => {
  await client.create(serviceAccount('strict', NS, { metadata: { name: 'strict', namespace: NS, annotations: { 'kubernetes.io/enforce-mountable-secrets': 'true' } }, secrets: [{ name: 'ok' }] }));
  const volumes = (secretName: string) => ({ serviceAccountName: 'strict', volumes: [{ name: 's', secret: { secretName } }] });
  await client.create(pod({ name: 'allowed' }, volumes('ok')));
  await assert.rejects(client.create(pod({ name: 'denied' }, volumes('other'))), forbiddenWith('pods "denied" is forbidden: volume with secret.secretName="other" is not allowed because service account strict does not reference that secret'));
});
