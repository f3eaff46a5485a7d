import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFieldError, formatFieldErrors } from '../../field-error.ts';
import type { KubeObject } from '../../object.ts';
import { deploymentKind } from './deployment.ts';
import { replicaSetKind } from './replica-set.ts';
import { at, dig } from '../testing.ts';

const now = new Date('2024-05-01T12:00:00Z');
const deployments = deploymentKind();
const replicaSets = replicaSetKind();

function deployment(spec: Record<string, unknown>, status: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'hello', namespace: 'default', creationTimestamp: '2024-05-01T11:57:00Z' }, spec, status };
}

const template = (labels: Record<string, string>): Record<string, unknown> => ({ metadata: { labels }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } });

test('Deployment defaults: replicas, strategy, history, deadline, template like a pod spec (no Pod-only fields)', () => {
  const d = deployment({ selector: { matchLabels: { app: 'hello' } }, template: template({ app: 'hello' }) });
  deployments.defaults!(d);
  const spec = dig(d, 'spec');
  assert.equal(spec.replicas, 1);
  assert.deepEqual(spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
  assert.equal(spec.revisionHistoryLimit, 10);
  assert.equal(spec.progressDeadlineSeconds, 600);
  assert.equal(at(spec, 'template.spec.restartPolicy'), 'Always');
  assert.equal(at(spec, 'template.spec.containers.0.imagePullPolicy'), 'IfNotPresent');
  assert.equal(at(spec, 'template.spec.enableServiceLinks'), undefined);
  assert.deepEqual(deployments.validate!(d, { operation: 'create' }), []);
});

test('Deployment validation: selector required and matching, replicas, surge and unavailable', () => {
  const noSelector = deployment({ template: template({ app: 'nginx' }) });
  deployments.defaults!(noSelector);
  const missing = deployments.validate!(noSelector, { operation: 'create' }).map(formatFieldError);
  assert.equal(missing.length, 2);
  assert.equal(missing[0], 'spec.selector: Required value');
  // A nil selector selects nothing, so the template does not match it either (as on a real cluster).
  assert.equal(missing[1], 'spec.template.metadata.labels: Invalid value: map[string]string{"app":"nginx"}: `selector` does not match template `labels`');
  const bad = deployment({
    replicas: -1, selector: { matchLabels: { app: 'a' } }, template: template({ app: 'b' }),
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } },
  });
  deployments.defaults!(bad);
  const msgs = deployments.validate!(bad, { operation: 'create' }).map(formatFieldError);
  assert.equal(msgs[0], 'spec.replicas: Invalid value: -1: must be greater than or equal to 0');
  assert.match(msgs[1]!, /^spec\.template\.metadata\.labels: Invalid value: .*: `selector` does not match template `labels`$/);
  assert.equal(msgs[2], 'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "0%": may not be 0 when `maxSurge` is 0');
  assert.equal(msgs.length, 3);
  const pct = deployment({ selector: { matchLabels: { app: 'a' } }, template: template({ app: 'a' }), strategy: { rollingUpdate: { maxUnavailable: '120%', maxSurge: 'lots' } } });
  deployments.defaults!(pct);
  assert.deepEqual(deployments.validate!(pct, { operation: 'create' }).map(formatFieldError), [
    `spec.strategy.rollingUpdate.maxSurge: Invalid value: "lots": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')`,
    'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "120%": must not be greater than 100%',
  ]);
});

test('Deployment validation: a selector LabelSelectorAsSelector rejects is an invalid label selector too', () => {
  const d = deployment({ selector: { matchLabels: { 'bad key': 'a' } }, template: template({ 'bad key': 'a' }) });
  deployments.defaults!(d);
  const msgs = deployments.validate!(d, { operation: 'create' }).map(formatFieldError);
  assert.equal(msgs.length, 2);
  assert.match(msgs[0]!, /^spec\.selector\.matchLabels: Invalid value: "bad key": name part must consist of/);
  assert.equal(msgs[1], 'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"bad key":"a"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: invalid label selector');
  // The printers' FormatLabelSelector shows such a selector as <error>.
  assert.equal(replicaSets.table!.row({ ...d, kind: 'ReplicaSet' }, now).at(-1), '<error>');
});

test('Deployment update: the selector is immutable in apps/v1', () => {
  const old = deployment({ selector: { matchLabels: { app: 'a' } }, template: template({ app: 'a', v: '1' }) });
  deployments.defaults!(old);
  const next = structuredClone(old);
  dig(next, 'spec').selector = { matchLabels: { app: 'a', v: '1' } };
  const msgs = deployments.validate!(next, { operation: 'update', old }).map(formatFieldError);
  assert.equal(msgs.length, 1);
  assert.equal(msgs[0], 'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"a", "v":"1"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable');
});

test('Deployment table and scale subresource', () => {
  const d = deployment({ replicas: 3, selector: { matchLabels: { app: 'hello' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'api'] }] }, template: { spec: { containers: [{ name: 'a', image: 'x:1' }, { name: 'b', image: 'y:2' }] } } },
    { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 });
  assert.deepEqual(deployments.table!.row(d, now), ['hello', '2/3', 3, 2, '3m', 'a,b', 'x:1,y:2', 'app=hello,tier in (api,web)']);
  assert.deepEqual(deployments.table!.columns.map((c) => c.name), ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector']);
  assert.equal(deployments.subresources.scale?.specReplicasPath, '.spec.replicas');
  assert.equal(deployments.generation, 'spec');
});

test('ReplicaSet: table, defaults, validation and field selector', () => {
  const rs: KubeObject = {
    apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'hello-7d9f', namespace: 'default', creationTimestamp: '2024-05-01T11:00:00Z' },
    spec: { selector: { matchLabels: { app: 'hello', 'pod-template-hash': '7d9f' } }, template: template({ app: 'hello', 'pod-template-hash': '7d9f' }) },
    status: { replicas: 2, readyReplicas: 1 },
  };
  replicaSets.defaults!(rs);
  assert.equal(at(rs, 'spec.replicas'), 1);
  assert.deepEqual(replicaSets.validate!(rs, { operation: 'create' }), []);
  assert.deepEqual(replicaSets.table!.row(rs, now), ['hello-7d9f', 1, 2, 1, '60m', 'app', 'nginx:1.27', 'app=hello,pod-template-hash=7d9f']);
  assert.equal(replicaSets.fieldSelectors!['status.replicas']!(rs), '2');
  assert.deepEqual(replicaSets.validate!({ ...rs, status: { replicas: 1, readyReplicas: 2 } }, { operation: 'status' }).map(formatFieldError), [
    'status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas',
  ]);
  const emptySel = { ...rs, spec: { ...(rs.spec as object), selector: {} } };
  assert.equal(formatFieldErrors(replicaSets.validate!(emptySel, { operation: 'create' })), 'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment');
});
