/**
 * Graceful termination and no leaked or doubled processes: preStop then SIGTERM and
 * `kubectl delete` returning once the pod is gone; SIGKILL after the grace period for a
 * program that ignores SIGTERM; namespace deletion; `skiff` stopping and starting again;
 * `kill -9` of skiff and the next start. Processes are counted in /proc.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { kubectlFor } from '../support/kubectl.ts';
import { containerStatus, getPod, processesWith, runtimeIdOf, skiffProcesses, waitFor, memoryVolumesOnTmpfs } from '../support/runtime.ts';
import { startSkiffProcess } from '../support/skiff-process.ts';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';

/** A pod whose only process has a command line unique to this test run. */
function sleeperPod(name: string, token: string, namespace = 'default'): string {
  return `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  terminationGracePeriodSeconds: 2
  containers: [{name: main, image: busybox, command: [sleep, '${token}']}]
`;
}

let tokenSeq = 0;
const token = () => `${40000 + (process.pid % 5000) * 4 + (tokenSeq++ % 4)}.${Date.now() % 100000}`;

describe('runtime: termination and processes', () => {
  let t: TestSkiff;
  let hostDir: string;
  before(async () => {
    t = await startTestSkiff();
    hostDir = mkdtempSync(join(tmpdir(), 'skiff-hostpath-'));
  });
  after(async () => {
    await t?.stop();
    rmSync(hostDir, { recursive: true, force: true });
  });

  it('kubectl delete runs preStop, sends SIGTERM and returns once the pod is gone', async () => {
    await t.kubectl.ok(['apply', '-f', '-'], { stdin: `apiVersion: v1
kind: Pod
metadata: {name: polite}
spec:
  volumes: [{name: out, hostPath: {path: ${hostDir}, type: Directory}}]
  containers:
  - name: main
    image: busybox
    command: [sh, -c, 'trap "echo got TERM >> /out/log; exit 0" TERM; echo started > /out/log; while :; do sleep 0.2; done']
    volumeMounts: [{name: out, mountPath: /out}]
    lifecycle:
      preStop: {exec: {command: [sh, -c, 'echo preStop >> /out/log']}}
` });
    await t.kubectl.ok(['wait', '--for=condition=Ready', 'pod/polite', '--timeout=60s']);
    await waitFor('the program to start', () => readFileSync(join(hostDir, 'log'), 'utf8').includes('started'));
    await t.kubectl.ok(['delete', 'pod', 'polite', '--timeout=60s']);
    assert.equal(await getPod(t.kubectl, 'polite'), undefined, 'gone when kubectl delete returns');
    assert.equal(readFileSync(join(hostDir, 'log'), 'utf8'), 'started\npreStop\ngot TERM\n');
  });

  it('an httpGet preStop hook reaches the container before SIGTERM', async () => {
    await t.kubectl.ok(['apply', '-f', '-'], { stdin: `apiVersion: v1
kind: Pod
metadata: {name: hooked}
spec:
  volumes: [{name: out, hostPath: {path: ${hostDir}, type: Directory}}]
  containers:
  - name: web
    image: busybox
    command: [sh, -c, 'trap "echo got TERM >> /out/http.log; exit 0" TERM; python3 -m http.server 8080 --bind $(SKIFF_LISTEN_ADDRESS) 2>>/out/http.log & wait']
    ports: [{containerPort: 8080}]
    volumeMounts: [{name: out, mountPath: /out}]
    readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}
    lifecycle:
      preStop: {httpGet: {path: /prestop-hook, port: 8080}}
` });
    await t.kubectl.ok(['wait', '--for=condition=Ready', 'pod/hooked', '--timeout=60s']);
    await t.kubectl.ok(['delete', 'pod', 'hooked', '--timeout=60s']);
    assert.equal(await getPod(t.kubectl, 'hooked'), undefined);
    const log = readFileSync(join(hostDir, 'http.log'), 'utf8');
    assert.match(log, /"GET \/prestop-hook HTTP\/1\.1" 404[\s\S]*got TERM/, 'the hook request, then SIGTERM');
  });

  it('a program that ignores SIGTERM is killed when the grace period ends', async () => {
    const id = token();
    await t.kubectl.ok(['apply', '-f', '-'], { stdin: `apiVersion: v1
kind: Pod
metadata: {name: stubborn}
spec:
  terminationGracePeriodSeconds: 3
  containers: [{name: main, image: busybox, command: [sh, -c, 'trap "" TERM; sleep ${id}']}]
` });
    await t.kubectl.ok(['wait', '--for=condition=Ready', 'pod/stubborn', '--timeout=60s']);
    await waitFor('the sleeper', async () => (await processesWith(`sleep ${id}`)).length > 0);
    const began = Date.now();
    await t.kubectl.ok(['delete', 'pod', 'stubborn', '--timeout=60s']);
    assert.ok(Date.now() - began >= 3_000, 'SIGTERM was ignored, so the whole grace period passed');
    assert.deepEqual(await processesWith(`sleep ${id}`), []);
    const events = await waitFor('the Killing event', async () => (await t.kubectl.ok(['get', 'events', '--field-selector', 'involvedObject.name=stubborn,reason=Killing', '-o', 'custom-columns=MESSAGE:.message', '--no-headers'])).trim() || undefined);
    assert.match(events, /Stopping container main/);
  });

  it('deleting a namespace stops its pods and leaves no process', async () => {
    const ids = [token(), token()];
    await t.kubectl.ok(['create', 'namespace', 'doomed']);
    await t.kubectl.ok(['apply', '-f', '-'], { stdin: `${sleeperPod('a', ids[0]!, 'doomed')}---\n${sleeperPod('b', ids[1]!, 'doomed')}` });
    await t.kubectl.ok(['wait', '-n', 'doomed', '--for=condition=Ready', 'pod/a', 'pod/b', '--timeout=60s']);
    await t.kubectl.ok(['delete', 'namespace', 'doomed', '--timeout=120s']);
    for (const id of ids) assert.deepEqual(await processesWith(`sleep ${id}`), []);
  });

  it('stopping skiff stops every container; the next start runs each pod exactly once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'skiff-restart-'));
    try {
      const ids = [token(), token()];
      let s = await startTestSkiff({ dataDir });
      await s.kubectl.ok(['apply', '-f', '-'], { stdin: `${sleeperPod('one', ids[0]!)}---\n${sleeperPod('two', ids[1]!)}` });
      await s.kubectl.ok(['wait', '--for=condition=Ready', 'pod/one', 'pod/two', '--timeout=60s']);
      await s.stop();
      assert.deepEqual(await skiffProcesses(dataDir), [], 'nothing left after skiff stops');

      s = await startTestSkiff({ dataDir });
      try {
        await s.kubectl.ok(['wait', '--for=condition=Ready', 'pod/one', 'pod/two', '--timeout=60s']);
        for (const id of ids) assert.equal((await processesWith(`sleep ${id}`)).length, 1, `exactly one "sleep ${id}"`);
        const one = containerStatus(await getPod(s.kubectl, 'one'), 'main')!;
        assert.equal(one.restartCount, 1);
        assert.equal(one.lastState.terminated?.reason, 'ContainerStatusUnknown');
        assert.equal(one.lastState.terminated?.exitCode, 137);
      } finally {
        await s.stop();
      }
      assert.deepEqual(await skiffProcesses(dataDir), []);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('runtime: kill -9 of skiff', () => {
  it('takes every container with it, and the next start runs each pod once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'skiff-kill9-'));
    const ids = [token(), token()];
    let skiff = await startSkiffProcess({ dataDir, logLevel: 'warn' });
    try {
      let kubectl = kubectlFor(skiff.info.kubeconfig);
      await kubectl.ok(['apply', '-f', '-'], { stdin: `${sleeperPod('one', ids[0]!)}---\n${sleeperPod('two', ids[1]!)}---
apiVersion: v1
kind: Pod
metadata: {name: web}
spec: {containers: [{name: main, image: ghcr.io/knative/helloworld-go}]}
` });
      await kubectl.ok(['wait', '--for=condition=Ready', 'pod/one', 'pod/two', 'pod/web', '--timeout=60s']);
      assert.ok((await skiffProcesses(dataDir)).length >= 3);
      // The pods' service-account tokens are on tmpfs, as the kubelet mounts projected volumes.
      const memoryVolumes = `/dev/shm/skiff-${runtimeIdOf(dataDir)}`;
      if (shm) assert.ok(existsSync(join(memoryVolumes, 'pods', (await getPod(kubectl, 'web'))!.metadata.uid!)));
      const killedPid = skiff.pid;
      await skiff.kill9();
      await waitFor('every container process to end', async () => (await skiffProcesses(dataDir)).length === 0);
      for (const id of ids) assert.deepEqual(await processesWith(`sleep ${id}`), []);
      // The watchdog takes the tokens off tmpfs too, where they would outlive skiff.
      await waitFor('the memory-backed volumes to be removed', async () => !existsSync(memoryVolumes));

      skiff = await startSkiffProcess({ dataDir, logLevel: 'warn' });
      kubectl = kubectlFor(skiff.info.kubeconfig);
      await kubectl.ok(['wait', '--for=condition=Ready', 'pod/one', 'pod/two', 'pod/web', '--timeout=60s']);
      for (const id of ids) assert.equal((await processesWith(`sleep ${id}`)).length, 1);
      if (kernelTables) {
        // The killed skiff's kernel tables were replaced by the new one's, not doubled.
        const owners = kernelTableOwners(runtimeIdOf(dataDir));
        assert.deepEqual(owners, [`skiff_${runtimeIdOf(dataDir)}_pods ${skiff.pid}`, `skiff_${runtimeIdOf(dataDir)}_policy ${skiff.pid}`].sort());
        assert.ok(!owners.some((o) => o.endsWith(` ${killedPid}`)));
      }
      const web = (await getPod(kubectl, 'web'))!;
      const answer = await waitFor('hello-world to answer again', async () => {
        const r = await fetch(`http://${web.status.podIP}:8080/`).catch(() => undefined);
        return r?.ok ? r.text() : undefined;
      });
      assert.equal(answer, 'Hello World!\n');
      if (shm) assert.ok(existsSync(join(memoryVolumes, 'pods', web.metadata.uid!)), 'written again by the next start');
      await skiff.stop();
      assert.equal(existsSync(memoryVolumes), false, 'a clean stop removes them');
    } finally {
      await skiff.stop();
      await waitFor('a clean stop', async () => (await skiffProcesses(dataDir)).length === 0);
      if (kernelTables) {
        assert.deepEqual(kernelTableOwners(runtimeIdOf(dataDir)), [], 'skiff down removes its kernel tables');
        assert.equal(existsSync(join('/sys/fs/cgroup/unified/skiff', runtimeIdOf(dataDir))) || existsSync(join('/sys/fs/cgroup/skiff', runtimeIdOf(dataDir))), false, 'and its pod cgroups');
      }
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

const kernelTables = process.getuid?.() === 0 && spawnSync('nft', ['--version']).status === 0;
const shm = memoryVolumesOnTmpfs();

describe('runtime: a killed skiff whose data directory is gone', () => {
  it('leaves no pod cgroups or kernel tables once another skiff starts', { skip: !kernelTables && 'needs root and nftables' }, async () => {
    const deadDir = mkdtempSync(join(tmpdir(), 'skiff-dead-'));
    const otherDir = mkdtempSync(join(tmpdir(), 'skiff-other-'));
    const deadId = runtimeIdOf(deadDir);
    const cgroupOf = (id: string) => [join('/sys/fs/cgroup/unified/skiff', id), join('/sys/fs/cgroup/skiff', id)].find((d) => existsSync(d));
    const dead = await startSkiffProcess({ dataDir: deadDir, logLevel: 'warn' });
    let other: Awaited<ReturnType<typeof startSkiffProcess>> | undefined;
    try {
      const kubectl = kubectlFor(dead.info.kubeconfig);
      await kubectl.ok(['apply', '-f', '-'], { stdin: sleeperPod('lone', token()) });
      await kubectl.ok(['wait', '--for=condition=Ready', 'pod/lone', '--timeout=60s']);
      assert.ok(cgroupOf(deadId), 'the pod got a cgroup');
      await dead.kill9();
      await waitFor('every container process to end', async () => (await skiffProcesses(deadDir)).length === 0);
      rmSync(deadDir, { recursive: true, force: true }); // that skiff never starts again
      other = await startSkiffProcess({ dataDir: otherDir, logLevel: 'warn' });
      assert.equal(cgroupOf(deadId), undefined, 'the dead skiff\'s pod cgroups are gone');
      assert.deepEqual(kernelTableOwners(deadId), [], 'and its kernel tables');
    } finally {
      await other?.stop();
      rmSync(deadDir, { recursive: true, force: true });
      rmSync(otherDir, { recursive: true, force: true });
    }
  });
});

/** `<table> <owner pid>` for this runtime's nftables tables. */
function kernelTableOwners(runtimeId: string): string[] {
  const tables = spawnSync('nft', ['list', 'tables'], { encoding: 'utf8' }).stdout.split('\n').map((l) => /^table ip (skiff_\w+)/.exec(l)?.[1]).filter((t): t is string => t !== undefined && t.startsWith(`skiff_${runtimeId}_`));
  return tables.map((t) => `${t} ${/comment "skiff runtime pid (\d+)"/.exec(spawnSync('nft', ['list', 'table', 'ip', t], { encoding: 'utf8' }).stdout)?.[1] ?? '?'}`).sort();
}
