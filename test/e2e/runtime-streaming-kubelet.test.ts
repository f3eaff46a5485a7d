/**
 * Streaming against pods the kubelet really runs (skiff up): `kubectl logs` of a process's
 * output, `-p` after a restart, `deploy/NAME`, `-f` until the process exits; `kubectl exec`;
 * `kubectl port-forward` to the built-in hello-world.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { get } from 'node:http';
import { after, before, test } from 'node:test';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';

let t: TestSkiff;
before(async () => {
  t = await startTestSkiff();
});
after(async () => {
  await t.stop();
});

test('logs and logs --previous of a container that exits and restarts', async () => {
  await t.kubectl.ok(['apply', '-f', '-'], { stdin: `apiVersion: v1
kind: Pod
metadata: {name: crasher}
spec:
  restartPolicy: OnFailure
  containers:
  - name: main
    image: busybox
    command: ["sh", "-c", "echo to stdout; echo to stderr >&2; exit 3"]
` });
  await t.kubectl.ok(['wait', '--for=jsonpath={.status.containerStatuses[0].restartCount}=1', 'pod/crasher', '--timeout=60s']);
  assert.equal(await t.kubectl.ok(['logs', 'crasher', '--previous']), 'to stdout\nto stderr\n');
  const stamped = await t.kubectl.ok(['logs', 'crasher', '-p', '--timestamps', '--tail=1']);
  assert.match(stamped, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z to (stdout|stderr)\n$/);
});

test('logs deploy/NAME picks a pod of the Deployment; logs -f follows until the process exits', async () => {
  await t.kubectl.ok(['apply', '-f', '-'], { stdin: `apiVersion: apps/v1
kind: Deployment
metadata: {name: talker}
spec:
  replicas: 1
  selector: {matchLabels: {app: talker}}
  template:
    metadata: {labels: {app: talker}}
    spec:
      containers:
      - name: main
        image: busybox
        command: ["sh", "-c", "echo ready; while [ ! -e /tmp/skiff-never ]; do sleep 60; done"]
` });
  await t.kubectl.ok(['rollout', 'status', 'deploy/talker', '--timeout=60s']);
  const out = await t.kubectl(['logs', 'deploy/talker']);
  assert.equal(out.code, 0, out.stderr);
  assert.equal(out.stdout, 'ready\n');

  await t.kubectl.ok(['apply', '-f', '-'], { stdin: `apiVersion: v1
kind: Pod
metadata: {name: counter}
spec:
  restartPolicy: Never
  containers:
  - name: main
    image: busybox
    command: ["sh", "-c", "for i in 1 2 3; do echo line $i; sleep 0.2; done"]
` });
  // The process may already have finished when the wait looks (started is false again):
  // then -f prints the whole log at once, which is the same output.
  await t.kubectl.ok(['wait', '--for=jsonpath={.status.containerStatuses[0].started}=true', 'pod/counter', '--timeout=60s']).catch(() => undefined);
  const followed = await t.kubectl(['logs', '-f', 'counter', '--pod-running-timeout=60s']);
  assert.equal(followed.code, 0, followed.stderr);
  assert.equal(followed.stdout, 'line 1\nline 2\nline 3\n');
});

test('exec runs a command in a running container of the kubelet (deploy/NAME, -i, exit codes)', async () => {
  await t.kubectl.ok(['rollout', 'status', 'deploy/talker', '--timeout=60s']);
  const out = await t.kubectl(['exec', 'deploy/talker', '--', 'sh', '-c', 'echo in the pod; exit 4']);
  assert.equal(out.code, 4, out.stderr);
  assert.equal(out.stdout, 'in the pod\n');
  assert.match(out.stderr, /command terminated with exit code 4/);
  const piped = await t.kubectl(['exec', '-i', 'deploy/talker', '--', 'wc', '-l'], { stdin: 'a\nb\nc\n' });
  assert.equal(piped.code, 0, piped.stderr);
  assert.equal(piped.stdout.trim(), '3');
  const done = await t.kubectl(['exec', 'counter', '--', 'true']);
  assert.equal(done.code, 1);
  assert.match(done.stderr, /cannot exec into a container in a completed pod; current phase is Succeeded/);
});

test('port-forward reaches the hello-world server of a pod', async () => {
  await t.kubectl.ok(['apply', '-f', '-'], { stdin: `apiVersion: v1
kind: Pod
metadata: {name: hello}
spec:
  containers:
  - name: main
    image: gcr.io/knative-samples/helloworld-go
    env: [{name: TARGET, value: Forwarded}]
    ports: [{containerPort: 8080}]
    readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}
` });
  await t.kubectl.ok(['wait', '--for=condition=Ready', 'pod/hello', '--timeout=60s']);
  const child = spawn('kubectl', ['port-forward', 'pod/hello', ':8080'], { env: { ...process.env, KUBECONFIG: t.kubectl.kubeconfig }, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const localPort = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`kubectl port-forward exited ${code}`)));
    });
    const body = await new Promise<string>((resolve, reject) => {
      get({ host: '127.0.0.1', port: localPort, path: '/', agent: false }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve(text));
      }).on('error', reject);
    });
    assert.equal(body.trim(), 'Hello Forwarded!');
  } finally {
    child.kill('SIGINT');
    await new Promise((resolve) => child.once('exit', resolve));
  }
});

test('attach streams the running container output', async () => {
  await t.kubectl.ok(['apply', '-f', '-'], { stdin: `apiVersion: v1
kind: Pod
metadata: {name: ticker}
spec:
  containers:
  - name: main
    image: busybox
    command: ["sh", "-c", "while true; do echo tick; sleep 0.1; done"]
` });
  await t.kubectl.ok(['wait', '--for=condition=Ready', 'pod/ticker', '--timeout=60s']);
  const child = spawn('kubectl', ['attach', 'ticker'], { env: { ...process.env, KUBECONFIG: t.kubectl.kubeconfig }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('tick')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`kubectl attach exited ${code}: ${err}`)));
    });
  } finally {
    child.kill('SIGINT');
    await exited;
  }
});
