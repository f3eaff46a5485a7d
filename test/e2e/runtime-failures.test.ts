/**
 * Bad input to the runtime ends in the status and events a Kubernetes user would see, and
 * skiff keeps serving: a crashing program (CrashLoopBackOff), a missing ConfigMap
 * (CreateContainerConfigError, then it starts once the ConfigMap exists), an unknown image
 * (ErrImagePull, ImagePullBackOff, then it runs once mapped in images.yaml), an invalid
 * command (StartError), a port already taken, a probe at a closed port, a termination
 * message.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { condition, containerLog, containerStatus, getPod, waitFor, waitForMatch } from '../support/runtime.ts';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';

describe('runtime: bad input', () => {
  let t: TestSkiff;
  before(async () => {
    t = await startTestSkiff();
  });
  after(async () => {
    await t?.stop();
  });

  const apply = (yaml: string) => t.kubectl.ok(['apply', '-f', '-'], { stdin: yaml });
  const events = async (pod: string) => t.kubectl.ok(['get', 'events', '--field-selector', `involvedObject.name=${pod}`, '-o', 'custom-columns=TYPE:.type,REASON:.reason,COUNT:.count,MESSAGE:.message', '--no-headers']);

  it('a crashing program goes into CrashLoopBackOff with its exit code and BackOff events', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: crasher}
spec:
  containers: [{name: main, image: busybox, command: [sh, -c, 'echo about to fail; exit 3']}]
`);
    const pod = await waitFor('CrashLoopBackOff', async () => {
      const p = await getPod(t.kubectl, 'crasher');
      return containerStatus(p, 'main')?.state.waiting?.reason === 'CrashLoopBackOff' ? p : undefined;
    });
    const status = containerStatus(pod, 'main')!;
    assert.ok(status.restartCount >= 1);
    assert.equal(status.lastState.terminated?.exitCode, 3);
    assert.equal(status.lastState.terminated?.reason, 'Error');
    assert.match(status.state.waiting!.message!, new RegExp(`^back-off (10|20|40)s restarting failed container=main pod=crasher_default\\(${pod.metadata.uid}\\)$`));
    assert.equal(pod.status.phase, 'Running');
    assert.equal(condition(pod, 'Ready'), 'False');
    assert.match(await t.kubectl.ok(['get', 'pod', 'crasher']), /crasher\s+0\/1\s+CrashLoopBackOff\s+\d+ \(\S+ ago\)/);
    await waitForMatch(() => events('crasher'), new RegExp(`Warning\\s+BackOff\\s+\\d+\\s+Back-off restarting failed container main in pod crasher_default\\(${pod.metadata.uid}\\)`));
    assert.equal(await containerLog(t.dataDir, pod, 'main', 'previous'), 'about to fail\n');
  });

  it('a missing ConfigMap is CreateContainerConfigError until it exists', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: needs-config}
spec:
  containers:
  - name: main
    image: busybox
    command: [sh, -c, 'echo "mode=$MODE"; exec sleep 3600']
    env: [{name: MODE, valueFrom: {configMapKeyRef: {name: app-config, key: mode}}}]
`);
    const pod = await waitFor('CreateContainerConfigError', async () => {
      const p = await getPod(t.kubectl, 'needs-config');
      return containerStatus(p, 'main')?.state.waiting?.reason === 'CreateContainerConfigError' ? p : undefined;
    });
    assert.equal(containerStatus(pod, 'main')!.state.waiting!.message, 'configmap "app-config" not found');
    assert.match(await t.kubectl.ok(['get', 'pod', 'needs-config']), /needs-config\s+0\/1\s+CreateContainerConfigError\s+0\s+/);
    await waitForMatch(() => events('needs-config'), /Warning\s+Failed\s+\d+\s+Error: configmap "app-config" not found/);
    await t.kubectl.ok(['create', 'configmap', 'app-config', '--from-literal=mode=fast']);
    await t.kubectl.ok(['wait', '--for=condition=Ready', 'pod/needs-config', '--timeout=60s']);
    const running = (await getPod(t.kubectl, 'needs-config'))!;
    assert.equal(await waitFor('the output', async () => (await containerLog(t.dataDir, running, 'main')) || undefined), 'mode=fast\n');
  });

  it('an unknown image fails to pull, backs off, and runs once mapped in images.yaml', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: private-image}
spec:
  containers: [{name: main, image: registry.example.com/team/api:1.0, args: [-text=mapped]}]
`);
    const pulling = await waitFor('ImagePullBackOff', async () => {
      const p = await getPod(t.kubectl, 'private-image');
      return containerStatus(p, 'main')?.state.waiting?.reason === 'ImagePullBackOff' ? p : undefined;
    });
    assert.equal(containerStatus(pulling, 'main')!.state.waiting!.message, 'Back-off pulling image "registry.example.com/team/api:1.0"');
    const log = await waitForMatch(() => events('private-image'), /Error: ImagePullBackOff/);
    assert.match(log, /Warning\s+Failed\s+\d+\s+Failed to pull image "registry.example.com\/team\/api:1.0": .*skiff has no program for this image; map it to a host command in \S+images\.yaml \(see docs\/images\.md\)/);
    assert.match(log, /Warning\s+Failed\s+\d+\s+Error: ErrImagePull/);
    assert.match(log, /Normal\s+BackOff\s+\d+\s+Back-off pulling image "registry.example.com\/team\/api:1.0"/);
    assert.match(log, /Warning\s+Failed\s+\d+\s+Error: ImagePullBackOff/);

    writeFileSync(join(t.dataDir, 'images.yaml'), 'images:\n  - image: "registry.example.com/team/api:*"\n    builtin: echo\n');
    await t.kubectl.ok(['wait', '--for=condition=Ready', 'pod/private-image', '--timeout=60s']);
    const pod = (await getPod(t.kubectl, 'private-image'))!;
    const answer = await waitFor('the mapped program to answer', async () => {
      const r = await fetch(`http://${pod.status.podIP}:8080/`).catch(() => undefined);
      return r?.ok ? r.text() : undefined;
    });
    assert.equal(answer, 'mapped\n');
  });

  it('a command that does not exist is a StartError with runc\'s message', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: bad-command}
spec:
  restartPolicy: Never
  containers: [{name: main, image: busybox, command: [no-such-program-here]}]
`);
    const pod = await waitFor('the pod to fail', async () => {
      const p = await getPod(t.kubectl, 'bad-command');
      return p?.status.phase === 'Failed' ? p : undefined;
    });
    const terminated = containerStatus(pod, 'main')!.state.terminated!;
    assert.deepEqual([terminated.exitCode, terminated.reason, terminated.message], [128, 'StartError', 'exec: "no-such-program-here": executable file not found in $PATH']);
    await waitForMatch(() => events('bad-command'), /Warning\s+Failed\s+\d+\s+Error: exec: "no-such-program-here": executable file not found in \$PATH/);
  });

  it('a port already taken in the pod crashes the second program', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: same-port}
spec:
  containers:
  - {name: first, image: mccutchen/go-httpbin, ports: [{containerPort: 8080}]}
  - {name: second, image: mccutchen/go-httpbin, env: [{name: PORT, value: "8080"}]}
`);
    // Whichever starts second finds the address taken and crash-loops; the other serves.
    const pod = await waitFor('one container to crash', async () => {
      const p = await getPod(t.kubectl, 'same-port');
      return ['first', 'second'].some((c) => containerStatus(p, c)?.lastState.terminated) ? p : undefined;
    });
    const loser = containerStatus(pod, 'first')!.lastState.terminated ? 'first' : 'second';
    const winner = loser === 'first' ? 'second' : 'first';
    assert.equal(containerStatus(pod, winner)!.state.running !== undefined, true);
    assert.equal(containerStatus(pod, loser)!.lastState.terminated!.exitCode, 1);
    assert.match(await containerLog(t.dataDir, pod, loser, 'previous'), /EADDRINUSE/);
  });

  it('a readiness probe at a closed port keeps the pod unready and says why', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: closed-port}
spec:
  containers:
  - name: main
    image: busybox
    command: [sleep, '3600']
    readinessProbe: {tcpSocket: {port: 9999}, periodSeconds: 1}
`);
    const pod = await waitFor('an Unhealthy event', async () => {
      const p = await getPod(t.kubectl, 'closed-port');
      return /Unhealthy/.test(await events('closed-port')) ? p : undefined;
    });
    assert.equal(containerStatus(pod, 'main')!.state.running !== undefined, true);
    assert.equal(condition(pod, 'Ready'), 'False');
    await waitForMatch(() => events('closed-port'), new RegExp(`Warning\\s+Unhealthy\\s+\\d+\\s+Readiness probe failed: dial tcp ${pod.status.podIP!.replace(/\./g, '\\.')}:9999: connect: connection refused`));
  });

  it('the termination message comes from the file or, on failure, the log', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: last-words}
spec:
  restartPolicy: Never
  containers:
  - {name: file, image: busybox, command: [sh, -c, 'echo "all done" > /dev/termination-log']}
  - {name: logs, image: busybox, command: [sh, -c, 'echo "disk full"; exit 2'], terminationMessagePolicy: FallbackToLogsOnError}
`);
    const pod = await waitFor('both to finish', async () => {
      const p = await getPod(t.kubectl, 'last-words');
      return p?.status.phase === 'Failed' ? p : undefined;
    });
    assert.equal(containerStatus(pod, 'file')!.state.terminated!.message, 'all done\n');
    assert.equal(containerStatus(pod, 'logs')!.state.terminated!.message, 'disk full');
  });

  it('a pod past its activeDeadlineSeconds fails with DeadlineExceeded', async () => {
    await apply(`apiVersion: v1
kind: Pod
metadata: {name: deadline}
spec:
  activeDeadlineSeconds: 2
  terminationGracePeriodSeconds: 2
  containers: [{name: main, image: busybox, command: [sleep, '3600']}]
`);
    const pod = await waitFor('the deadline to fail the pod', async () => {
      const p = await getPod(t.kubectl, 'deadline');
      // The phase turns Failed first; the container's exit is written once it has been stopped.
      return p?.status.phase === 'Failed' && containerStatus(p, 'main')?.state.terminated ? p : undefined;
    });
    const status = pod.status as { reason?: string; message?: string };
    assert.equal(status.reason, 'DeadlineExceeded');
    assert.equal(status.message, 'Pod was active on the node longer than the specified deadline');
    assert.ok(containerStatus(pod, 'main')!.state.terminated);
    await waitForMatch(() => events('deadline'), /Normal\s+DeadlineExceeded\s+\d+\s+Pod was active on the node longer than the specified deadline/);
  });

  it('keeps serving the API through all of it', async () => {
    assert.match(await t.kubectl.ok(['get', 'pods']), /crasher/);
  });
});
