import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Condition, KubeObject } from '../../../api/object.ts';
import { revisionStatus, type DeploymentView, type PodView } from './status.ts';

const now = () => new Date('2026-01-01T00:00:00Z');

function revision(conditions?: Condition[]): KubeObject {
  return {
    apiVersion: 'serving.knative.dev/v1', kind: 'Revision',
    metadata: { name: 'hello-00001', namespace: 'default', uid: 'u', generation: 1 },
    spec: { containers: [{ name: 'user-container', image: 'openshift/hello-openshift' }] },
    ...(conditions ? { status: { conditions } } : {}),
  };
}

const deployment = (over: DeploymentView['status'] = {}, replicas = 1): DeploymentView => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'hello-00001-deployment' },
  spec: { replicas },
  status: { conditions: [{ type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }], ...over },
});

const pa = (status: Record<string, unknown>) => ({ status });
const paReady = pa({
  serviceName: 'hello-00001', actualScale: 1, desiredScale: 1,
  conditions: [{ type: 'Ready', status: 'True' }, { type: 'Active', status: 'True' }, { type: 'ScaleTargetInitialized', status: 'True' }],
});

const cond = (status: Record<string, unknown>, type: string) => (status.conditions as Condition[]).find((c) => c.type === type);

function pod(containerStatus: Record<string, unknown>, conditions: Array<Record<string, string>> = []): PodView {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'hello-00001-deployment-abc' },
    spec: { containers: [{ name: 'user-container', image: 'openshift/hello-openshift' }, { name: 'queue-proxy' }] },
    status: { conditions: conditions as never, containerStatuses: [{ name: 'user-container', ...containerStatus }, { name: 'queue-proxy', state: { running: {} } } as never] },
  };
}

describe('revisionStatus', () => {
  it('is Deploying while the Deployment is being created', () => {
    const s = revisionStatus(revision(), { deploymentCreated: true, pods: [], pa: pa({}) }, now);
    assert.equal(cond(s, 'Ready')?.status, 'Unknown');
    assert.equal(cond(s, 'ResourcesAvailable')?.reason, 'Deploying');
    assert.equal(cond(s, 'ContainerHealthy')?.reason, 'Deploying');
    assert.equal(cond(s, 'Active')?.reason, 'Deploying');
    assert.equal(cond(s, 'Active')?.severity, 'Info');
    assert.equal(s.observedGeneration, 1);
  });

  it('is Ready once the PodAutoscaler initialised its target, with replica counts and digests', () => {
    const running = pod({ imageID: 'docker.io/openshift/hello-openshift@sha256:abc', state: { running: {} } });
    const s = revisionStatus(revision(), { deployment: deployment({ readyReplicas: 1, availableReplicas: 1 }), pods: [running], pa: paReady }, now);
    assert.equal(cond(s, 'Ready')?.status, 'True');
    assert.equal(cond(s, 'Active')?.status, 'True');
    assert.equal(s.actualReplicas, 1);
    assert.equal(s.desiredReplicas, 1);
    assert.deepEqual(s.containerStatuses, [{ name: 'user-container', imageDigest: 'docker.io/openshift/hello-openshift@sha256:abc' }]);
  });

  it('stays Ready when scaled to zero: Active False NoTraffic', () => {
    const ready = revisionStatus(revision(), { deployment: deployment({ readyReplicas: 1, availableReplicas: 1 }), pods: [], pa: paReady }, now);
    const idle = pa({
      serviceName: 'hello-00001', actualScale: 0, desiredScale: 0,
      conditions: [{ type: 'Ready', status: 'False', reason: 'NoTraffic', message: 'The target is not receiving traffic.' }, { type: 'ScaleTargetInitialized', status: 'True' }],
    });
    const s = revisionStatus(revision(ready.conditions as Condition[]), { deployment: deployment({}, 0), pods: [], pa: idle }, now);
    assert.equal(cond(s, 'Ready')?.status, 'True');
    assert.equal(cond(s, 'Active')?.status, 'False');
    assert.equal(cond(s, 'Active')?.reason, 'NoTraffic');
    assert.equal(s.actualReplicas, 0);
  });

  it('reports a crashing user container as ExitCode<N>', () => {
    const crashing = pod({ state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 5, message: 'boom' } } });
    const s = revisionStatus(revision(), { deployment: deployment(), pods: [crashing], pa: pa({ serviceName: 'hello-00001', conditions: [{ type: 'Ready', status: 'Unknown', reason: 'Queued' }] }) }, now);
    assert.equal(cond(s, 'ContainerHealthy')?.status, 'False');
    assert.equal(cond(s, 'ContainerHealthy')?.reason, 'ExitCode5');
    assert.equal(cond(s, 'ContainerHealthy')?.message, 'Container failed with: boom');
    assert.equal(cond(s, 'Ready')?.status, 'False');
  });

  it('reports an image that cannot be pulled as ContainerMissing', () => {
    const missing = pod({ state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "nope"' } } });
    const s = revisionStatus(revision(), { deployment: deployment(), pods: [missing], pa: pa({}) }, now);
    assert.equal(cond(s, 'ContainerHealthy')?.reason, 'ContainerMissing');
    assert.equal(cond(s, 'ContainerHealthy')?.message, 'Unable to fetch image "openshift/hello-openshift": failed to resolve image to digest: Back-off pulling image "nope"');
    assert.equal(cond(s, 'Ready')?.reason, 'ContainerMissing');
  });

  it('keeps the pull error as the ContainerMissing message while the kubelet backs off', () => {
    const pulled = pod({ state: { waiting: { reason: 'ErrImagePull', message: 'manifest unknown' } } });
    const first = revisionStatus(revision(), { deployment: deployment(), pods: [pulled], pa: pa({}) }, now);
    const message = 'Unable to fetch image "openshift/hello-openshift": failed to resolve image to digest: manifest unknown';
    assert.equal(cond(first, 'ContainerHealthy')?.message, message);
    const backingOff = pod({ state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "openshift/hello-openshift"' } } });
    const next = revisionStatus(revision(first.conditions as Condition[]), { deployment: deployment(), pods: [backingOff], pa: pa({}) }, now);
    assert.deepEqual(next.conditions, first.conditions);
  });

  it('reports an unschedulable pod and a progress deadline', () => {
    const pending = pod({}, [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available' }]);
    const s = revisionStatus(revision(), { deployment: deployment(), pods: [pending], pa: pa({}) }, now);
    assert.equal(cond(s, 'ResourcesAvailable')?.reason, 'Unschedulable');
    const stuck = revisionStatus(revision(), {
      deployment: deployment({ conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "x" has timed out progressing.' }] }),
      pods: [], pa: pa({}),
    }, now);
    assert.equal(cond(stuck, 'ResourcesAvailable')?.reason, 'ProgressDeadlineExceeded');
    const never = revisionStatus(revision(), { deployment: deployment(), pods: [], pa: pa({ serviceName: 'hello-00001', conditions: [{ type: 'Ready', status: 'False', reason: 'NoTraffic' }] }) }, now);
    assert.equal(cond(never, 'ResourcesAvailable')?.reason, 'ProgressDeadlineExceeded');
    assert.equal(cond(never, 'ResourcesAvailable')?.message, 'Initial scale was never achieved');
  });

  it('reports a Deployment it does not own', () => {
    const s = revisionStatus(revision(), { notOwned: { kind: 'Deployment', name: 'hello-00001-deployment' }, pods: [] }, now);
    assert.equal(cond(s, 'ResourcesAvailable')?.reason, 'NotOwned');
    assert.equal(cond(s, 'ResourcesAvailable')?.message, 'There is an existing Deployment "hello-00001-deployment" that we do not own.');
  });

  it('rewrites nothing when converged (transition times kept)', () => {
    const seen = { deployment: deployment({ readyReplicas: 1, availableReplicas: 1 }), pods: [], pa: paReady };
    const first = revisionStatus(revision(), seen, now);
    const second = revisionStatus(revision(first.conditions as Condition[]), seen, () => new Date('2026-02-01T00:00:00Z'));
    assert.deepEqual(second.conditions, first.conditions);
  });
});
