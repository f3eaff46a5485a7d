import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/object.ts';
import type { ContainerRecord } from './container-record.ts';
import { buildPodStatus, type PodStatusInput } from './pod-status.ts';

const T0 = '2026-01-01T00:00:00Z';
const T1 = '2026-01-01T00:01:00Z';

const pod = (spec: object, status: object = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [{ name: 'main' }], ...spec }, status: { phase: 'Pending', qosClass: 'BestEffort', conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: T0 }], ...status } });
const running = (name: string, ready = true): ContainerRecord => ({ name, image: 'docker.io/library/busybox:latest', imageID: 'x@sha256:1', containerID: 'skiff://1', restartCount: 0, state: { running: { startedAt: T0 } }, ready, started: true });
const exited = (name: string, exitCode: number): ContainerRecord => ({ name, image: 'i', restartCount: 0, state: { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', finishedAt: T1 } }, ready: false, started: false });
const input = (p: KubeObject, containers: ContainerRecord[], init: ContainerRecord[] = [], extra: Partial<PodStatusInput> = {}): PodStatusInput => ({
  pod: p, hostIP: '127.0.0.1', podIP: '127.244.0.2', startTime: T0, sandboxReady: true,
  containers: new Map(containers.map((c) => [c.name, c])), init: new Map(init.map((c) => [c.name, c])), terminal: false, now: T1, ...extra,
});
const cond = (status: Record<string, unknown>, type: string) => (status.conditions as Array<Record<string, unknown>>).find((c) => c.type === type);

test('a pod with every container running and ready is Running and Ready', () => {
  const s = buildPodStatus(input(pod({}), [running('main')]));
  assert.equal(s.phase, 'Running');
  assert.deepEqual((s.conditions as Array<{ type: string }>).map((c) => c.type), ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);
  assert.equal(cond(s, 'Ready')!.status, 'True');
  assert.equal(s.podIP, '127.244.0.2');
  assert.deepEqual(s.hostIPs, [{ ip: '127.0.0.1' }]);
  assert.equal(s.qosClass, 'BestEffort');
});

test('before any container starts the pod is Pending with ContainerCreating', () => {
  const s = buildPodStatus(input(pod({}), []));
  assert.equal(s.phase, 'Pending');
  assert.deepEqual((s.containerStatuses as Array<{ state: unknown }>)[0]!.state, { waiting: { reason: 'ContainerCreating' } });
  assert.deepEqual(cond(s, 'Ready'), { type: 'Ready', status: 'False', lastProbeTime: null, lastTransitionTime: T1, reason: 'ContainersNotReady', message: 'containers with unknown status: [main]' });
});

test('unready containers are named; transition times stay while the status stays', () => {
  const p = pod({ containers: [{ name: 'a' }, { name: 'b' }] }, { conditions: [{ type: 'Ready', status: 'False', lastProbeTime: null, lastTransitionTime: T0 }] });
  const s = buildPodStatus(input(p, [running('a', false), running('b', false)]));
  assert.equal(cond(s, 'ContainersReady')!.message, 'containers with unready status: [a b]');
  assert.equal(cond(s, 'Ready')!.lastTransitionTime, T0);
});

test('init containers: Initialized waits for them, regular containers show PodInitializing', () => {
  const p = pod({ initContainers: [{ name: 'setup' }, { name: 'migrate' }] });
  const s = buildPodStatus(input(p, [], [exited('setup', 0), running('migrate')]));
  assert.equal(s.phase, 'Pending');
  assert.deepEqual(cond(s, 'Initialized'), { type: 'Initialized', status: 'False', lastProbeTime: null, lastTransitionTime: T1, reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [migrate]' });
  assert.deepEqual((s.containerStatuses as Array<{ state: unknown }>)[0]!.state, { waiting: { reason: 'PodInitializing' } });
  assert.equal((s.initContainerStatuses as unknown[]).length, 2);
});

test('a failed init container fails a Never pod', () => {
  const s = buildPodStatus(input(pod({ restartPolicy: 'Never', initContainers: [{ name: 'setup' }] }), [], [exited('setup', 1)]));
  assert.equal(s.phase, 'Failed');
});

test('restart policies decide the phase once containers exit', () => {
  assert.equal(buildPodStatus(input(pod({ restartPolicy: 'Never' }), [exited('main', 0)])).phase, 'Succeeded');
  assert.equal(buildPodStatus(input(pod({ restartPolicy: 'Never' }), [exited('main', 2)])).phase, 'Failed');
  assert.equal(buildPodStatus(input(pod({ restartPolicy: 'OnFailure' }), [exited('main', 2)])).phase, 'Running');
  assert.equal(buildPodStatus(input(pod({}), [exited('main', 0)])).phase, 'Running');
  assert.equal(buildPodStatus(input(pod({}), [exited('main', 0)], [], { terminal: true })).phase, 'Succeeded');
  const crashLooping: ContainerRecord = { ...exited('main', 1), state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s' } }, lastState: { exitCode: 1, reason: 'Error', finishedAt: T1 } };
  assert.equal(buildPodStatus(input(pod({}), [crashLooping])).phase, 'Running');
  const succeeded = buildPodStatus(input(pod({ restartPolicy: 'Never' }), [exited('main', 0)]));
  assert.equal(cond(succeeded, 'Ready')!.reason, 'PodCompleted');
});

test('a terminal phase never changes', () => {
  assert.equal(buildPodStatus(input(pod({}, { phase: 'Failed' }), [running('main')])).phase, 'Failed');
});

test('readiness gates keep a pod unready until their condition is True', () => {
  const s = buildPodStatus(input(pod({ readinessGates: [{ conditionType: 'example.com/lb' }] }), [running('main')]));
  assert.equal(cond(s, 'ContainersReady')!.status, 'True');
  assert.deepEqual([cond(s, 'Ready')!.status, cond(s, 'Ready')!.reason], ['False', 'ReadinessGatesNotReady']);
});
