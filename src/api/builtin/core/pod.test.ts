import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFieldErrors } from '../../field-error.ts';
import type { KubeObject } from '../../object.ts';
import { podKind } from './pod.ts';
import { at, dig } from '../testing.ts';

const now = new Date('2024-05-01T12:00:00Z');
const pods = podKind();

function pod(spec: Record<string, unknown>, status: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', creationTimestamp: '2024-05-01T11:55:00Z', ...meta }, spec, status };
}

const running = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ name, ready: true, restartCount: 0, state: { running: { startedAt: '2024-05-01T11:55:10Z' } }, ...extra });

function row(p: KubeObject): unknown[] {
  return pods.table!.row(p, now);
}

test('Pod table: columns as kube-apiserver declares them', () => {
  const cols = pods.table!.columns;
  assert.deepEqual(cols.map((c) => [c.name, c.type, c.priority ?? 0]), [
    ['Name', 'string', 0], ['Ready', 'string', 0], ['Status', 'string', 0], ['Restarts', 'string', 0], ['Age', 'string', 0],
    ['IP', 'string', 1], ['Node', 'string', 1], ['Nominated Node', 'string', 1], ['Readiness Gates', 'string', 1],
  ]);
  assert.equal(cols[0]!.format, 'name');
});

test('Pod table: a running pod', () => {
  const p = pod({ containers: [{ name: 'app' }], nodeName: 'skiff' }, { phase: 'Running', podIPs: [{ ip: '127.1.0.5' }], containerStatuses: [running('app')] });
  assert.deepEqual(row(p), ['web', '1/1', 'Running', '0', '5m', '127.1.0.5', 'skiff', '<none>', '<none>']);
});

test('Pod table: waiting container reason, restarts with the last restart age', () => {
  const p = pod({ containers: [{ name: 'app' }, { name: 'sidecar' }] }, {
    phase: 'Running',
    containerStatuses: [
      { name: 'app', ready: false, restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: '2024-05-01T11:58:30Z' } } },
      running('sidecar'),
    ],
  });
  assert.deepEqual(row(p).slice(0, 5), ['web', '1/2', 'CrashLoopBackOff', '4 (90s ago)', '5m']);
});

test('Pod table: init progress, pending, terminating and completed states', () => {
  const init = pod({ initContainers: [{ name: 'a' }, { name: 'b' }], containers: [{ name: 'app' }] }, {
    phase: 'Pending',
    initContainerStatuses: [{ name: 'a', state: { terminated: { exitCode: 0 } } }, { name: 'b', state: { running: {} } }],
    containerStatuses: [{ name: 'app', state: { waiting: { reason: 'PodInitializing' } } }],
  });
  assert.equal(row(init)[2], 'Init:1/2');
  const failedInit = pod({ initContainers: [{ name: 'a' }], containers: [{ name: 'app' }] }, { phase: 'Pending', initContainerStatuses: [{ name: 'a', state: { terminated: { exitCode: 3 } } }] });
  assert.equal(row(failedInit)[2], 'Init:ExitCode:3');
  assert.equal(row(pod({ containers: [{ name: 'app' }] }, { phase: 'Pending' }))[2], 'Pending');
  const deleting = pod({ containers: [{ name: 'app' }] }, { phase: 'Running', containerStatuses: [running('app')] }, { deletionTimestamp: '2024-05-01T11:59:00Z' });
  assert.equal(row(deleting)[2], 'Terminating');
  const done = pod({ containers: [{ name: 'app' }] }, { phase: 'Succeeded', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }, { deletionTimestamp: '2024-05-01T11:59:00Z' });
  assert.equal(row(done)[2], 'Completed');
  const gated = pod({ containers: [{ name: 'app' }] }, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] });
  assert.equal(row(gated)[2], 'SchedulingGated');
});

test('Pod table: a ready sidecar counts towards READY', () => {
  const p = pod({ initContainers: [{ name: 'proxy', restartPolicy: 'Always' }], containers: [{ name: 'app' }] }, {
    phase: 'Running',
    conditions: [{ type: 'Initialized', status: 'True' }],
    initContainerStatuses: [{ name: 'proxy', started: true, ready: true, restartCount: 0, state: { running: {} } }],
    containerStatuses: [running('app')],
  });
  assert.equal(row(p)[1], '2/2');
});

test('Pod defaults: SetDefaults_Pod, PodSpec, Container, Probe and status on create', () => {
  const p = pod({
    containers: [{
      name: 'app', image: 'nginx', ports: [{ containerPort: 80 }],
      resources: { limits: { cpu: '1', memory: '1Gi' } },
      readinessProbe: { httpGet: { port: 8080 } },
    }, { name: 'pinned', image: 'registry.local:5000/app:1.2@sha256:' + 'a'.repeat(64) }, { name: 'digest', image: 'app@sha256:' + 'b'.repeat(64) }],
  }, {});
  pods.defaults!(p);
  const spec = dig(p, 'spec');
  assert.equal(spec.restartPolicy, 'Always');
  assert.equal(spec.dnsPolicy, 'ClusterFirst');
  assert.equal(spec.schedulerName, 'default-scheduler');
  assert.equal(spec.terminationGracePeriodSeconds, 30);
  assert.deepEqual(spec.securityContext, {});
  assert.equal(spec.enableServiceLinks, true);
  const app = dig(spec, 'containers.0');
  assert.equal(app.imagePullPolicy, 'Always');
  assert.equal(app.terminationMessagePath, '/dev/termination-log');
  assert.equal(app.terminationMessagePolicy, 'File');
  assert.equal(at(app, 'ports.0.protocol'), 'TCP');
  assert.deepEqual(at(app, 'resources.requests'), { cpu: '1', memory: '1Gi' });
  assert.deepEqual(app.readinessProbe, { httpGet: { port: 8080, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
  assert.equal(at(spec, 'containers.1.imagePullPolicy'), 'IfNotPresent');
  assert.equal(at(spec, 'containers.2.imagePullPolicy'), 'IfNotPresent');
  assert.deepEqual(p.status, { phase: 'Pending', qosClass: 'Burstable' });
});

test('Pod validation: containers, names, images, ports, restartPolicy and probes', () => {
  const bad = pod({
    restartPolicy: 'Sometimes', dnsPolicy: 'ClusterFirst',
    containers: [
      { name: 'App', image: '', imagePullPolicy: 'Always', terminationMessagePolicy: 'File', ports: [{ containerPort: 70000, protocol: 'TCP' }] },
      { name: 'App', image: 'x', imagePullPolicy: 'Always', terminationMessagePolicy: 'File', livenessProbe: { successThreshold: 2, periodSeconds: 10 } },
    ],
  });
  const msgs = pods.validate!(bad, { operation: 'create' }).map((e) => formatFieldErrors([e]));
  assert.deepEqual(msgs, [
    `spec.containers[0].name: Invalid value: "App": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    'spec.containers[0].image: Required value',
    'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    `spec.containers[1].name: Invalid value: "App": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    'spec.containers[1].name: Duplicate value: "App"',
    'spec.containers[1].livenessProbe: Required value: must specify a handler type',
    'spec.containers[1].livenessProbe.successThreshold: Invalid value: 2: must be 1',
    'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
  ]);
  const empty = pods.validate!(pod({ restartPolicy: 'Always', dnsPolicy: 'ClusterFirst' }), { operation: 'create' });
  assert.deepEqual(empty.map((e) => formatFieldErrors([e])), ['spec.containers: Required value']);
});

test('Pod validation: a defaulted pod from the seeds is valid', () => {
  const p = pod({ containers: [{ name: 'hello', image: 'quay.io/openshift-knative/helloworld-go:latest', env: [{ name: 'TARGET', value: 'Openshift' }], ports: [{ containerPort: 8080 }] }] });
  pods.defaults!(p);
  assert.deepEqual(pods.validate!(p, { operation: 'create' }), []);
});

test('Pod update: only images and a few fields may change', () => {
  const old = pod({ containers: [{ name: 'app', image: 'a:1' }] });
  pods.defaults!(old);
  const imageOnly = structuredClone(old);
  dig(imageOnly, 'spec.containers.0').image = 'a:2';
  assert.deepEqual(pods.validate!(imageOnly, { operation: 'update', old }), []);
  const running = { ...structuredClone(imageOnly), status: { phase: 'Running', qosClass: 'BestEffort' } };
  pods.defaults!(running, { operation: 'update', old });
  assert.equal(at(running, 'status.phase'), 'Running', 'an update keeps the status');
  const changed = structuredClone(old);
  dig(changed, 'spec').restartPolicy = 'Never';
  const errs = pods.validate!(changed, { operation: 'update', old });
  assert.equal(errs.length, 1);
  assert.match(formatFieldErrors(errs), /^spec: Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`,/);
  const added = structuredClone(old);
  (at(added, 'spec.containers') as unknown[]).push({ name: 'b', image: 'b' });
  assert.match(formatFieldErrors(pods.validate!(added, { operation: 'update', old })), /spec.containers: Forbidden: pod updates may not add or remove containers/);
});

test('Pod field selectors', () => {
  const p = pod({ nodeName: 'n1', restartPolicy: 'Always', serviceAccountName: 'default' }, { phase: 'Running', podIPs: [{ ip: '127.1.0.9' }] });
  const f = pods.fieldSelectors!;
  assert.equal(f['spec.nodeName']!(p), 'n1');
  assert.equal(f['status.phase']!(p), 'Running');
  assert.equal(f['status.podIP']!(p), '127.1.0.9');
  assert.equal(f['spec.hostNetwork']!(p), 'false');
  assert.equal(f['status.nominatedNodeName']!(p), '');
});
