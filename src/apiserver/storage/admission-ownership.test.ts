/**
 * Who owns what a write's admission adds: kube-apiserver runs the field manager after
 * decoding (and so after the Go defaulters) but before the mutating admission chain, so the
 * writer owns what it sent and its kind's defaults, and no one owns what plugins and
 * webhooks add (the service account's token volume, Knative's defaults).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.ts';
import type { Client } from '../../client/types.ts';
import { startInProcessApi, type InProcessApi } from '../../server/testing/in-process-api.ts';

let api: InProcessApi;
let client: Client;

before(async () => {
  api = await startInProcessApi('ownership');
  client = api.client;
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
  await client.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'apps' } });
});

after(async () => {
  await api.stop();
});

const owned = (obj: KubeObject, manager: string) => JSON.stringify(obj.metadata.managedFields?.find((m) => m.manager === manager)?.fieldsV1 ?? null);

test('a pod\'s creator owns its fields and the Go defaults, not the service account volume admission adds', async () => {
  const pod = await client.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'apps' }, spec: { containers: [{ name: 'app', image: 'busybox' }] } }, { fieldManager: 'kube-controller-manager' });
  assert.match(JSON.stringify(pod.spec), /kube-api-access-/, 'the plugin added the volume');
  const fields = owned(pod, 'kube-controller-manager');
  assert.match(fields, /"f:image"/);
  assert.match(fields, /"f:restartPolicy"/, 'a Go default is the writer\'s');
  assert.doesNotMatch(fields, /"f:volumes"|"f:volumeMounts"|"f:serviceAccountName"/);
});

test('a Knative Service\'s creator does not own what Knative\'s defaulting webhook adds', async () => {
  const ksvc = await client.create({
    apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'hello', namespace: 'apps' },
    spec: { template: { spec: { containers: [{ image: 'gcr.io/knative-samples/helloworld-go' }] } } },
  }, { fieldManager: 'kubectl-create' });
  assert.deepEqual((ksvc.spec as { traffic?: unknown }).traffic, [{ latestRevision: true, percent: 100 }], 'the webhook defaulted the traffic');
  const fields = owned(ksvc, 'kubectl-create');
  assert.match(fields, /"f:containers"/, 'an atomic list in Knative\'s schema');
  assert.doesNotMatch(fields, /"f:traffic"|"f:containerConcurrency"|"f:timeoutSeconds"/);
});
