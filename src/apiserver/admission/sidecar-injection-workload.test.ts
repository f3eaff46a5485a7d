import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject, OwnerReference } from '../../api/object.ts';
import { excludeInboundPorts, prometheusMerge } from './sidecar-injection-annotations.ts';
import { canonicalLabels, workloadOf } from './sidecar-injection-workload.ts';

const owned = (ref: Omit<OwnerReference, 'uid'>, labels: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p-1', generateName: 'p-', namespace: 'ns', labels, ownerReferences: [{ ...ref, uid: 'u', controller: true }] } });

test('the workload is the Deployment, CronJob, DeploymentConfig or controller behind the pod', () => {
  assert.deepEqual(workloadOf(owned({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d8f7' }, { 'pod-template-hash': '5d8f7' })), { name: 'web', owner: 'kubernetes://apis/apps/v1/namespaces/ns/deployments/web' });
  // A ReplicaSet of its own (no template hash) stays a ReplicaSet.
  assert.equal(workloadOf(owned({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs' })).owner, 'kubernetes://apis/apps/v1/namespaces/ns/replicasets/rs');
  assert.deepEqual(workloadOf(owned({ apiVersion: 'batch/v1', kind: 'Job', name: 'backup-29012345' })), { name: 'backup', owner: 'kubernetes://apis/batch/v1/namespaces/ns/cronjobs/backup' });
  assert.equal(workloadOf(owned({ apiVersion: 'batch/v1', kind: 'Job', name: 'once' })).name, 'once');
  assert.equal(workloadOf(owned({ apiVersion: 'v1', kind: 'ReplicationController', name: 'app-3' }, { deploymentconfig: 'app' })).owner, 'kubernetes://apis/v1/namespaces/ns/deploymentconfigs/app');
  assert.equal(workloadOf(owned({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db' })).owner, 'kubernetes://apis/apps/v1/namespaces/ns/statefulsets/db');
});

test('canonical name and revision fall back from Istio\'s label to the Kubernetes and app labels', () => {
  assert.deepEqual(canonicalLabels({ 'app.kubernetes.io/name': 'n', app: 'a', 'app.kubernetes.io/version': '2', version: 'v1' }, 'w'), { name: 'n', revision: '2' });
  assert.deepEqual(canonicalLabels({ app: 'a', version: 'v1' }, 'w'), { name: 'a', revision: 'v1' });
  assert.deepEqual(canonicalLabels({}, 'w'), { name: 'w', revision: 'latest' });
  assert.deepEqual(canonicalLabels({ 'service.istio.io/canonical-name': 'c', app: 'a' }, 'w'), { name: 'c', revision: 'latest' });
});

test('the status port is always excluded from inbound capture, once', () => {
  assert.equal(excludeInboundPorts('15020', ''), '15020');
  assert.equal(excludeInboundPorts('15020', '8444,8022'), '8444,8022,15020');
  assert.equal(excludeInboundPorts('15020', '8022,15020'), '8022,15020');
  assert.equal(excludeInboundPorts('0', '8022'), '8022');
});

test('Prometheus merge: off per pod or per mesh, and skipped when the pod already points at the agent', () => {
  assert.equal(prometheusMerge({ 'prometheus.istio.io/merge-metrics': 'false' }, { enablePrometheusMerge: true }, '15020'), undefined);
  assert.equal(prometheusMerge({}, { enablePrometheusMerge: false }, '15020'), undefined);
  assert.equal(prometheusMerge({ 'prometheus.io/port': '15020' }, {}, '15020'), undefined);
  assert.deepEqual(prometheusMerge({ other: 'x' }, {}, '15020'), { annotations: { other: 'x', 'prometheus.io/port': '15020', 'prometheus.io/path': '/stats/prometheus', 'prometheus.io/scrape': 'true' } });
});
