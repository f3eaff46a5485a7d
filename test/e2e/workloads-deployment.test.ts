/**
 * Deployments → ReplicaSets → Pods against a real skiff with its kubelet, driven by the real
 * kubectl: pod-template-hash and owner references, rollout status, rolling updates that keep
 * within maxSurge/maxUnavailable, Recreate, history/undo/restart, scale (the /scale
 * subresource), adoption and orphaning, and cascading deletion.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';
import { waitFor } from '../support/runtime.ts';

const HELLO = 'gcr.io/knative-samples/helloworld-go';

function deployment(name: string, opts: { replicas?: number; strategy?: string; image?: string; env?: string } = {}): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${opts.replicas ?? 3}
  selector: {matchLabels: {app: ${name}}}
  strategy: ${opts.strategy ?? '{type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}'}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      terminationGracePeriodSeconds: 5
      containers:
      - name: app
        image: ${opts.image ?? HELLO}
        ports: [{containerPort: 8080, name: http}]
        env: [{name: TARGET, value: "${opts.env ?? 'v1'}"}]
        readinessProbe: {httpGet: {path: /, port: http}, periodSeconds: 1}
`;
}

interface ScalingEvent {
  rs: string;
  from: number;
  to: number;
}

describe('Deployments, ReplicaSets and Pods', () => {
  let s: TestSkiff;
  let ns = 0;
  const k = (args: string[], stdin?: string) => s.kubectl(args, stdin === undefined ? {} : { stdin });
  const ok = (args: string[], stdin?: string) => s.kubectl.ok(args, stdin === undefined ? {} : { stdin });
  const json = async (args: string[]) => JSON.parse(await ok([...args, '-o', 'json']));
  const namespace = async () => {
    const name = `wl-${++ns}`;
    await ok(['create', 'namespace', name]);
    return name;
  };
  /**
   * The deployment controller's ScalingReplicaSet events, oldest first (event names grow with
   * time). Events are written asynchronously, as client-go's broadcaster does (skiff's recorder
   * even lets them wait while the machine is busy), so a finished rollout does not mean its last
   * events are stored yet: `done` says when the list is complete.
   */
  const scalingEvents = (n: string, deploy: string, done: (events: ScalingEvent[]) => boolean): Promise<ScalingEvent[]> =>
    waitFor(`the ScalingReplicaSet events of ${deploy}`, async () => {
      const events = await readScalingEvents(n, deploy);
      return done(events) ? events : undefined;
    });
  const readScalingEvents = async (n: string, deploy: string): Promise<ScalingEvent[]> => {
    const list = await json(['get', 'events', '-n', n, '--field-selector', `involvedObject.name=${deploy},reason=ScalingReplicaSet`]);
    return (list.items as Array<{ metadata: { name: string }; message: string }>)
      .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0))
      .map((e) => {
        const m = /^Scaled (?:up|down) replica set (\S+) from (\d+) to (\d+)$/.exec(e.message);
        assert.ok(m, `unexpected event message ${e.message}`);
        return { rs: m[1]!, from: Number(m[2]), to: Number(m[3]) };
      });
  };

  before(async () => {
    s = await startTestSkiff();
  });
  after(async () => {
    await s?.stop();
  });

  it('creates a ReplicaSet and its pods with pod-template-hash and controller references, and rolls out', async () => {
    const n = await namespace();
    await ok(['apply', '-n', n, '-f', '-'], deployment('web'));
    assert.match(await ok(['rollout', 'status', '-n', n, 'deployment/web', '--timeout=60s']), /deployment "web" successfully rolled out/);
    const d = await json(['get', 'deployment', 'web', '-n', n]);
    assert.deepEqual({ replicas: d.status.replicas, ready: d.status.readyReplicas, available: d.status.availableReplicas, updated: d.status.updatedReplicas, observed: d.status.observedGeneration }, { replicas: 3, ready: 3, available: 3, updated: 3, observed: d.metadata.generation });
    assert.deepEqual(d.status.conditions.map((c: { type: string; reason: string }) => [c.type, c.reason]), [['Available', 'MinimumReplicasAvailable'], ['Progressing', 'NewReplicaSetAvailable']]);
    assert.equal(d.metadata.annotations['deployment.kubernetes.io/revision'], '1');

    const [rs] = (await json(['get', 'rs', '-n', n, '-l', 'app=web'])).items;
    const hash = rs.metadata.labels['pod-template-hash'];
    assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.equal(rs.metadata.name, `web-${hash}`);
    assert.deepEqual(rs.spec.selector.matchLabels, { app: 'web', 'pod-template-hash': hash });
    assert.deepEqual(rs.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    assert.deepEqual({ desired: rs.metadata.annotations['deployment.kubernetes.io/desired-replicas'], max: rs.metadata.annotations['deployment.kubernetes.io/max-replicas'] }, { desired: '3', max: '4' });
    assert.deepEqual({ replicas: rs.status.replicas, fully: rs.status.fullyLabeledReplicas, ready: rs.status.readyReplicas, available: rs.status.availableReplicas, observed: rs.status.observedGeneration }, { replicas: 3, fully: 3, ready: 3, available: 3, observed: rs.metadata.generation });

    const pods = (await json(['get', 'pods', '-n', n, '-l', 'app=web'])).items;
    assert.equal(pods.length, 3);
    for (const p of pods) {
      assert.equal(p.metadata.generateName, `web-${hash}-`);
      assert.equal(p.metadata.labels['pod-template-hash'], hash);
      assert.deepEqual(p.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.metadata.name, uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    }
    assert.match(await ok(['get', 'deployment', 'web', '-n', n]), /^web\s+3\/3\s+3\s+3\s+\d+s/m);
  });

  it('rolls out a new template within maxSurge 1 / maxUnavailable 0, and with maxSurge 0 / maxUnavailable 2', async () => {
    const n = await namespace();
    await ok(['apply', '-n', n, '-f', '-'], deployment('web', { replicas: 4 }));
    await ok(['rollout', 'status', '-n', n, 'deployment/web', '--timeout=60s']);
    await ok(['apply', '-n', n, '-f', '-'], deployment('web', { replicas: 4, env: 'v2' }));
    assert.match(await ok(['rollout', 'status', '-n', n, 'deployment/web', '--timeout=60s']), /successfully rolled out/);
    const scaledToZero = (events: ScalingEvent[]) => events.some((e) => e.rs === events[0]?.rs && e.to === 0);
    let events = await scalingEvents(n, 'web', scaledToZero);
    const sizes = new Map<string, number>();
    const firstRs = events[0]!.rs;
    for (const e of events) {
      assert.equal(sizes.get(e.rs) ?? 0, e.from, `event order for ${e.rs}`);
      sizes.set(e.rs, e.to);
      assert.ok([...sizes.values()].reduce((a, b) => a + b, 0) <= 5, `never more than replicas + maxSurge pods: ${JSON.stringify([...sizes])}`);
    }
    const update = events.slice(1);
    assert.deepEqual(update[0], { rs: update[0]!.rs, from: 0, to: 1 });
    assert.notEqual(update[0]!.rs, firstRs);
    assert.ok(update.filter((e) => e.rs === firstRs).every((e) => e.from - e.to === 1), 'old pods go one at a time');
    assert.equal(sizes.get(firstRs), 0);

    await ok(['patch', '-n', n, 'deployment/web', '-p', JSON.stringify({ spec: { strategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 2 } }, template: { spec: { containers: [{ name: 'app', env: [{ name: 'TARGET', value: 'v3' }] }] } } } })]);
    await ok(['rollout', 'status', '-n', n, 'deployment/web', '--timeout=60s']);
    const before = events.length;
    const secondOldScaledToZero = (all: ScalingEvent[]) => all.slice(before).some((e) => e.rs === update[0]!.rs && e.to === 0);
    events = (await scalingEvents(n, 'web', secondOldScaledToZero)).slice(before);
    assert.equal(events[0]!.to, events[0]!.from - 2, `first step takes down two old pods: ${JSON.stringify(events[0])}`);
    assert.ok(events.filter((e) => e.to > e.from).every((e) => e.to - e.from <= 2));
    const rsList = (await json(['get', 'rs', '-n', n])).items as Array<{ spec: { replicas: number } }>;
    assert.deepEqual(rsList.map((r) => r.spec.replicas).sort(), [0, 0, 4]);
  });

  it('Recreate takes every old pod down before the new ReplicaSet scales up', async () => {
    const n = await namespace();
    await ok(['apply', '-n', n, '-f', '-'], deployment('rec', { replicas: 2, strategy: '{type: Recreate}' }));
    await ok(['rollout', 'status', '-n', n, 'deployment/rec', '--timeout=60s']);
    await ok(['set', 'env', '-n', n, 'deployment/rec', 'TARGET=v2']);
    await ok(['rollout', 'status', '-n', n, 'deployment/rec', '--timeout=60s']);
    const events = await scalingEvents(n, 'rec', (all) => all.length >= 3);
    assert.deepEqual(events.map((e) => [e.from, e.to]), [[0, 2], [2, 0], [0, 2]]);
    assert.notEqual(events[1]!.rs, events[2]!.rs);
  });

  it('records history, undoes to the previous revision and restarts every pod', async () => {
    const n = await namespace();
    await ok(['apply', '-n', n, '-f', '-'], deployment('hist', { replicas: 2 }));
    await ok(['annotate', '-n', n, 'deployment/hist', 'kubernetes.io/change-cause=first']);
    await ok(['rollout', 'status', '-n', n, 'deployment/hist', '--timeout=60s']);
    await ok(['set', 'env', '-n', n, 'deployment/hist', 'TARGET=v2']);
    await ok(['annotate', '-n', n, '--overwrite', 'deployment/hist', 'kubernetes.io/change-cause=second']);
    await ok(['rollout', 'status', '-n', n, 'deployment/hist', '--timeout=60s']);
    const history = await ok(['rollout', 'history', '-n', n, 'deployment/hist']);
    assert.match(history, /REVISION\s+CHANGE-CAUSE\n1\s+first\n2\s+second\n/);
    assert.match(await ok(['rollout', 'history', '-n', n, 'deployment/hist', '--revision=1']), /TARGET:\s+v1/);

    assert.match(await ok(['rollout', 'undo', '-n', n, 'deployment/hist']), /deployment.apps\/hist rolled back/);
    await ok(['rollout', 'status', '-n', n, 'deployment/hist', '--timeout=60s']);
    const d = await json(['get', 'deployment', 'hist', '-n', n]);
    assert.equal(d.spec.template.spec.containers[0].env[0].value, 'v1');
    assert.equal(d.metadata.annotations['deployment.kubernetes.io/revision'], '3');
    assert.match(await ok(['rollout', 'history', '-n', n, 'deployment/hist']), /REVISION\s+CHANGE-CAUSE\n2\s+second\n3\s+first\n/);
    const back = (await json(['get', 'rs', '-n', n])).items.find((r: { spec: { replicas: number } }) => r.spec.replicas === 2);
    assert.equal(back.metadata.annotations['deployment.kubernetes.io/revision-history'], '1');

    const before = new Set((await json(['get', 'pods', '-n', n])).items.map((p: { metadata: { name: string } }) => p.metadata.name));
    assert.match(await ok(['rollout', 'restart', '-n', n, 'deployment/hist']), /restarted/);
    await ok(['rollout', 'status', '-n', n, 'deployment/hist', '--timeout=60s']);
    const after = await waitFor('the old pods to be gone', async () => {
      const pods = (await json(['get', 'pods', '-n', n])).items as Array<{ metadata: { name: string } }>;
      return pods.length === 2 ? pods : undefined;
    });
    for (const p of after) assert.ok(!before.has(p.metadata.name), `${p.metadata.name} was replaced`);
    const restarted = await json(['get', 'deployment', 'hist', '-n', n]);
    assert.ok(restarted.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']);
    assert.equal(restarted.metadata.annotations['deployment.kubernetes.io/revision'], '4');
  });

  it('scales through the scale subresource, with preconditions, and validates the count', async () => {
    const n = await namespace();
    await ok(['apply', '-n', n, '-f', '-'], deployment('sc', { replicas: 1 }));
    assert.match(await ok(['scale', '-n', n, 'deployment/sc', '--replicas=4']), /deployment.apps\/sc scaled/);
    await ok(['rollout', 'status', '-n', n, 'deployment/sc', '--timeout=60s']);
    assert.match(await ok(['get', 'deployment', 'sc', '-n', n]), /^sc\s+4\/4\s+4\s+4/m);
    const scale = await json(['get', 'deployment', 'sc', '-n', n, '--subresource=scale']);
    assert.deepEqual({ kind: scale.kind, apiVersion: scale.apiVersion, spec: scale.spec, status: scale.status }, { kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 4 }, status: { replicas: 4, selector: 'app=sc' } });
    const wrong = await k(['scale', '-n', n, 'deployment/sc', '--replicas=2', '--current-replicas=3']);
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /Expected replicas to be 3, was 4/);
    await ok(['scale', '-n', n, 'deployment/sc', '--replicas=2', '--current-replicas=4']);
    await waitFor('two pods', async () => (await json(['get', 'pods', '-n', n, '-l', 'app=sc'])).items.length === 2);
    const rs = (await json(['get', 'rs', '-n', n])).items[0];
    assert.match(await ok(['scale', '-n', n, `rs/${rs.metadata.name}`, '--replicas=2']), /scaled/);
    const invalid = await k(['patch', '-n', n, 'deployment/sc', '--subresource=scale', '--type=merge', '-p', '{"spec":{"replicas":-1}}']);
    assert.notEqual(invalid.code, 0);
    assert.match(invalid.stderr, /The Scale "sc" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0/);
  });

  it('deletes ReplicaSets and pods with the Deployment, and keeps them with --cascade=orphan for adoption', async () => {
    const n = await namespace();
    await ok(['apply', '-n', n, '-f', '-'], deployment('gone', { replicas: 2 }));
    await ok(['rollout', 'status', '-n', n, 'deployment/gone', '--timeout=60s']);
    await ok(['delete', '-n', n, 'deployment/gone', '--wait=true']);
    await ok(['wait', '-n', n, '--for=delete', 'rs', '-l', 'app=gone', '--timeout=60s']);
    await ok(['wait', '-n', n, '--for=delete', 'pods', '-l', 'app=gone', '--timeout=60s']);
    assert.match((await k(['get', 'rs,pods', '-n', n])).stderr, /No resources found/);

    await ok(['apply', '-n', n, '-f', '-'], deployment('keep', { replicas: 2 }));
    await ok(['rollout', 'status', '-n', n, 'deployment/keep', '--timeout=60s']);
    const rsBefore = (await json(['get', 'rs', '-n', n])).items[0];
    await ok(['delete', '-n', n, 'deployment/keep', '--cascade=orphan']);
    const orphan = await waitFor('the ReplicaSet to be orphaned', async () => {
      const rs = await json(['get', 'rs', rsBefore.metadata.name, '-n', n]);
      return (rs.metadata.ownerReferences ?? []).length === 0 ? rs : undefined;
    });
    assert.equal(orphan.spec.replicas, 2);
    // A new Deployment with the same selector and template adopts the orphan instead of creating pods.
    await ok(['apply', '-n', n, '-f', '-'], deployment('keep', { replicas: 2 }));
    await ok(['rollout', 'status', '-n', n, 'deployment/keep', '--timeout=60s']);
    const d = await json(['get', 'deployment', 'keep', '-n', n]);
    const adopted = await waitFor('the ReplicaSet to be adopted', async () => {
      const rs = await json(['get', 'rs', rsBefore.metadata.name, '-n', n]);
      return rs.metadata.ownerReferences?.[0]?.uid === d.metadata.uid ? rs : undefined;
    });
    assert.equal(adopted.metadata.ownerReferences[0].controller, true);
    assert.equal((await json(['get', 'rs', '-n', n])).items.length, 1);
  });

  it('a ReplicaSet replaces deleted pods, adopts matching orphans and releases pods that stop matching', async () => {
    const n = await namespace();
    await ok(['apply', '-n', n, '-f', '-'], `apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: solo}
spec:
  replicas: 2
  selector: {matchLabels: {app: solo}}
  template:
    metadata: {labels: {app: solo}}
    spec:
      containers: [{name: app, image: ${HELLO}}]
`);
    const pods = await waitFor('two pods', async () => {
      const items = (await json(['get', 'pods', '-n', n, '-l', 'app=solo'])).items as Array<{ metadata: { name: string } }>;
      return items.length === 2 ? items : undefined;
    });
    await ok(['label', '-n', n, `pod/${pods[0]!.metadata.name}`, 'app=other', '--overwrite']);
    const released = await waitFor('the relabelled pod to be released and replaced', async () => {
      const p = await json(['get', 'pod', pods[0]!.metadata.name, '-n', n]);
      const count = (await json(['get', 'pods', '-n', n, '-l', 'app=solo'])).items.length;
      return (p.metadata.ownerReferences ?? []).length === 0 && count === 2 ? p : undefined;
    });
    assert.equal(released.metadata.labels.app, 'other');
    // Relabelled back, it is adopted again and the ReplicaSet, now one over, deletes one pod.
    await ok(['label', '-n', n, `pod/${pods[0]!.metadata.name}`, 'app=solo', '--overwrite']);
    await waitFor('the ReplicaSet to settle at two pods', async () => {
      const items = (await json(['get', 'pods', '-n', n, '-l', 'app=solo'])).items as Array<{ metadata: { deletionTimestamp?: string } }>;
      return items.filter((p) => !p.metadata.deletionTimestamp).length === 2;
    });
    // Events are written asynchronously: wait for the delete's.
    const events = await waitFor('the SuccessfulDelete event', async () => {
      const out = await ok(['get', 'events', '-n', n, '--field-selector', 'involvedObject.kind=ReplicaSet', '-o', 'custom-columns=REASON:.reason,MESSAGE:.message,FROM:.source.component', '--no-headers']);
      return /SuccessfulDelete/.test(out) ? out : undefined;
    });
    assert.match(events, /SuccessfulCreate\s+Created pod: solo-\w+\s+replicaset-controller/);
    assert.match(events, /SuccessfulDelete\s+Deleted pod: solo-\w+\s+replicaset-controller/);
  });
});
