/**
 * Probes as the kubelet runs them: readiness gates the pod's Ready condition both ways, a
 * failing liveness probe restarts the container (Unhealthy and Killing events), a startup
 * probe holds readiness back until it passes.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { condition, containerStatus, getPod, waitFor, waitForMatch, type PodView } from '../support/runtime.ts';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';

describe('runtime: probes', () => {
  let t: TestSkiff;
  before(async () => {
    t = await startTestSkiff();
  });
  after(async () => {
    await t?.stop();
  });

  const apply = (yaml: string) => t.kubectl.ok(['apply', '-f', '-'], { stdin: yaml });
  const events = (pod: string) => t.kubectl.ok(['get', 'events', '--field-selector', `involvedObject.name=${pod}`, '-o', 'custom-columns=TYPE:.type,REASON:.reason,MESSAGE:.message', '--no-headers']);
  /** The host directory of a pod's emptyDir volume (what the container sees at its mountPath). */
  const volumeDir = (pod: PodView, volume: string) => join(t.dataDir, 'runtime', 'pods', pod.metadata.uid!, 'volumes', volume);
  const podWhere = (name: string, what: string, test: (p: PodView) => boolean) => waitFor(what, async () => {
    const p = await getPod(t.kubectl, name);
    return p && test(p) ? p : undefined;
  });

  it('readiness decides Ready, in both directions', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: gated}
spec:
  volumes: [{name: flags, emptyDir: {}}]
  containers:
  - name: main
    image: busybox
    command: [sleep, '3600']
    volumeMounts: [{name: flags, mountPath: /flags}]
    readinessProbe: {exec: {command: [cat, /flags/ready]}, periodSeconds: 1, failureThreshold: 1}
`);
    const pod = await podWhere('gated', 'the container to run', (p) => containerStatus(p, 'main')?.state.running !== undefined);
    assert.equal(condition(pod, 'Ready'), 'False');
    writeFileSync(join(volumeDir(pod, 'flags'), 'ready'), 'yes');
    await podWhere('gated', 'Ready', (p) => condition(p, 'Ready') === 'True' && containerStatus(p, 'main')!.ready);
    rmSync(join(volumeDir(pod, 'flags'), 'ready'));
    const unready = await podWhere('gated', 'unready again', (p) => condition(p, 'Ready') === 'False');
    assert.equal(condition(unready, 'ContainersReady'), 'False');
    assert.equal(containerStatus(unready, 'main')!.restartCount, 0, 'readiness never restarts');
    await waitForMatch(() => events('gated'), /Warning\s+Unhealthy\s+Readiness probe failed: cat: .*ready: No such file or directory/);
  });

  it('a failing liveness probe restarts the container', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: sick}
spec:
  containers:
  - name: main
    image: mccutchen/go-httpbin
    livenessProbe: {httpGet: {path: /status/500, port: 8080}, periodSeconds: 1, failureThreshold: 2, initialDelaySeconds: 1}
`);
    const pod = await podWhere('sick', 'a restart', (p) => (containerStatus(p, 'main')?.restartCount ?? 0) >= 1);
    assert.ok(containerStatus(pod, 'main')!.lastState.terminated);
    const log = await waitForMatch(() => events('sick'), /Killing/);
    assert.match(log, /Warning\s+Unhealthy\s+Liveness probe failed: HTTP probe failed with statuscode: 500/);
    assert.match(log, /Normal\s+Killing\s+Container main failed liveness probe, will be restarted/);
  });

  it('a startup probe holds readiness and liveness back until it passes', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: slow-start}
spec:
  volumes: [{name: flags, emptyDir: {}}]
  containers:
  - name: main
    image: busybox
    command: [sleep, '3600']
    volumeMounts: [{name: flags, mountPath: /flags}]
    startupProbe: {exec: {command: [test, -f, /flags/started]}, periodSeconds: 1, failureThreshold: 600}
    livenessProbe: {exec: {command: ['true']}, periodSeconds: 1}
`);
    const pod = await podWhere('slow-start', 'a first failed startup probe', (p) => containerStatus(p, 'main')?.state.running !== undefined);
    await waitFor('a failed startup try', async () => /Startup probe failed/.test(await events('slow-start')));
    const waiting = (await getPod(t.kubectl, 'slow-start'))!;
    assert.equal(containerStatus(waiting, 'main')!.started, false);
    assert.equal(condition(waiting, 'Ready'), 'False');
    writeFileSync(join(volumeDir(pod, 'flags'), 'started'), '');
    const started = await podWhere('slow-start', 'started and Ready', (p) => containerStatus(p, 'main')!.started === true && condition(p, 'Ready') === 'True');
    assert.equal(containerStatus(started, 'main')!.restartCount, 0);
  });
});
