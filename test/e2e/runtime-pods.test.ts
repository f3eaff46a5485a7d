/**
 * Pods as local processes, driven with the real kubectl and curl: the Node and its Lease,
 * the hello-world image on per-pod addresses, environment and volumes as a shell pod sees
 * them, init containers, and the lifecycle events `kubectl describe` shows.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runProgram } from '../support/https.ts';
import { condition, containerLog, containerStatus, getPod, memoryVolumesOnTmpfs, processesWith, runtimeIdOf, waitFor } from '../support/runtime.ts';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';

describe('runtime: pods as processes', () => {
  let t: TestSkiff;
  before(async () => {
    t = await startTestSkiff();
  });
  after(async () => {
    await t?.stop();
  });

  it('registers this machine as a Ready node with a lease', async () => {
    const nodes = JSON.parse(await t.kubectl.ok(['get', 'nodes', '-o', 'json'])) as { items: Array<{ metadata: { name: string; labels: Record<string, string> }; spec: { podCIDR: string }; status: unknown }> };
    assert.equal(nodes.items.length, 1);
    const node = nodes.items[0]!;
    const status = node.status as { capacity: Record<string, string>; allocatable: Record<string, string>; addresses: Array<{ type: string; address: string }>; conditions: Array<{ type: string; status: string; reason: string }>; nodeInfo: Record<string, string>; daemonEndpoints: { kubeletEndpoint: { Port: number } } };
    assert.deepEqual(status.conditions.map((c) => [c.type, c.status, c.reason]), [
      ['MemoryPressure', 'False', 'KubeletHasSufficientMemory'], ['DiskPressure', 'False', 'KubeletHasNoDiskPressure'], ['PIDPressure', 'False', 'KubeletHasSufficientPID'], ['Ready', 'True', 'KubeletReady'],
    ]);
    assert.ok(Number(status.capacity.cpu) >= 1);
    assert.match(status.capacity.memory!, /^\d+Ki$/);
    assert.equal(status.capacity.pods, '110');
    assert.deepEqual(status.addresses[0], { type: 'InternalIP', address: '127.0.0.1' });
    assert.equal(status.addresses[1]!.type, 'Hostname');
    assert.equal(status.nodeInfo.operatingSystem, 'linux');
    assert.equal(status.nodeInfo.kubeletVersion, 'v1.32.0');
    assert.equal(node.metadata.labels['kubernetes.io/hostname'], node.metadata.name);
    // 127.244.0.0/16 unless another skiff on this machine holds it.
    assert.match(node.spec.podCIDR, /^127\.\d+\.0\.0\/16$/);
    const table = await t.kubectl.ok(['get', 'nodes']);
    assert.match(table, new RegExp(`^${node.metadata.name}\\s+Ready\\s+control-plane\\s+`, 'm'));
    const lease = JSON.parse(await t.kubectl.ok(['get', 'lease', '-n', 'kube-node-lease', node.metadata.name, '-o', 'json'])) as { spec: { holderIdentity: string; leaseDurationSeconds: number; renewTime: string } };
    assert.equal(lease.spec.holderIdentity, node.metadata.name);
    assert.equal(lease.spec.leaseDurationSeconds, 40);
    assert.match(lease.spec.renewTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });

  it('runs hello-world on its own address: Hello World! and Hello Openshift! both on :8080', async () => {
    await t.kubectl.ok(['apply', '-f', '-'], { stdin: `apiVersion: v1
kind: Pod
metadata: {name: hello-world}
spec:
  containers: [{name: user-container, image: gcr.io/knative-samples/helloworld-go, ports: [{containerPort: 8080}]}]
---
apiVersion: v1
kind: Pod
metadata: {name: hello-openshift}
spec:
  containers:
  - name: user-container
    image: quay.io/openshift-knative/helloworld-go:multiarch
    env: [{name: TARGET, value: Openshift}]
    ports: [{containerPort: 8080}]
` });
    await t.kubectl.ok(['wait', '--for=condition=Ready', 'pod/hello-world', 'pod/hello-openshift', '--timeout=60s']);
    const world = (await getPod(t.kubectl, 'hello-world'))!;
    const openshift = (await getPod(t.kubectl, 'hello-openshift'))!;
    assert.ok(world.spec.nodeName);
    assert.equal(world.status.hostIP, '127.0.0.1');
    const podCIDR = JSON.parse(await t.kubectl.ok(['get', 'nodes', '-o', 'json'])).items[0].spec.podCIDR as string;
    assert.ok(world.status.podIP!.startsWith(podCIDR.split('.').slice(0, 2).join('.') + '.'), `${world.status.podIP} in ${podCIDR}`);
    assert.notEqual(world.status.podIP, openshift.status.podIP);
    assert.equal(world.status.phase, 'Running');
    assert.deepEqual(world.status.conditions!.map((c) => [c.type, c.status]), [['PodReadyToStartContainers', 'True'], ['Initialized', 'True'], ['Ready', 'True'], ['ContainersReady', 'True'], ['PodScheduled', 'True']]);
    // The program may still be binding its socket right after the container started.
    const hello = (ip: string) => waitFor(`an answer from ${ip}`, async () => {
      const r = await runProgram('curl', ['-s', '--max-time', '2', `http://${ip}:8080/`]);
      return r.code === 0 && r.stdout !== '' ? r.stdout : undefined;
    });
    assert.equal(await hello(world.status.podIP!), 'Hello World!\n');
    assert.equal(await hello(openshift.status.podIP!), 'Hello Openshift!\n');
    const log = await waitFor('the request in the log', async () => {
      const text = await containerLog(t.dataDir, world, 'user-container');
      return text.includes('helloworld: received a request') ? text : undefined;
    });
    assert.match(log, /helloworld: listening on port 8080/);
  });

  it('runs built-in programs in a shared image host, or in a process of their own on request', async () => {
    await t.kubectl.ok(['apply', '-f', '-'], { stdin: `apiVersion: v1
kind: Pod
metadata: {name: own-process, annotations: {runtime.skiff.dev/builtin-isolation: process}}
spec:
  containers: [{name: web, image: ghcr.io/knative/helloworld-go, env: [{name: TARGET, value: Process}]}]
` });
    await t.kubectl.ok(['wait', '--for=condition=Ready', 'pod/own-process', '--timeout=60s']);
    const pod = (await getPod(t.kubectl, 'own-process'))!;
    const answer = await waitFor('an answer', async () => {
      const r = await fetch(`http://${pod.status.podIP}:8080/`).catch(() => undefined);
      return r?.ok ? r.text() : undefined;
    });
    assert.equal(answer, 'Hello Process!\n');
    // A process of its own carries the container's name and pod as its title; shared instances do not.
    assert.equal((await processesWith('web (default/own-process)')).length, 1);
    assert.equal((await processesWith('(default/hello-world)')).length, 0);
  });

  it('runs the echo server and the CloudEvents event-display, reached with curl', async () => {
    await t.kubectl.ok(['apply', '-f', '-'], { stdin: `apiVersion: v1
kind: Pod
metadata: {name: echo}
spec:
  containers: [{name: echo, image: mccutchen/go-httpbin, readinessProbe: {httpGet: {path: /healthz, port: 8080}, periodSeconds: 1}}]
---
apiVersion: v1
kind: Pod
metadata: {name: display}
spec:
  containers: [{name: display, image: gcr.io/knative-releases/knative.dev/eventing/cmd/event_display, readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}}]
` });
    await t.kubectl.ok(['wait', '--for=condition=Ready', 'pod/echo', 'pod/display', '--timeout=60s']);
    const echoIP = (await getPod(t.kubectl, 'echo'))!.status.podIP!;
    const echoed = await runProgram('curl', ['-sS', '-m', '5', '-H', 'X-Probe: yes', `http://${echoIP}:8080/anything/path?q=1`]);
    const body = JSON.parse(echoed.stdout) as { method: string; args: Record<string, string>; headers: Record<string, string> };
    assert.equal(body.method, 'GET');
    assert.deepEqual(body.args, { q: '1' });
    assert.equal(body.headers['X-Probe'], 'yes');

    const displayIP = (await getPod(t.kubectl, 'display'))!.status.podIP!;
    const sent = await runProgram('curl', ['-sS', '-m', '5', '-o', '/dev/null', '-w', '%{http_code}', `http://${displayIP}:8080/`,
      '-H', 'Ce-Specversion: 1.0', '-H', 'Ce-Type: dev.skiff.test', '-H', 'Ce-Source: /curl', '-H', 'Ce-Id: 42', '-H', 'Content-Type: application/json', '-d', '{"msg":"hi"}']);
    assert.match(sent.stdout, /^20[02]$/);
    const log = await waitFor('the event in the log', async () => {
      const out = await t.kubectl.ok(['logs', 'display']);
      return out.includes('dev.skiff.test') ? out : undefined;
    });
    assert.match(log, /☁️ {2}cloudevents\.Event\nContext Attributes,\n {2}specversion: 1\.0\n {2}type: dev\.skiff\.test\n {2}source: \/curl\n {2}id: 42/);
    assert.match(log, /"msg": "hi"/);
    // Not a CloudEvent: refused.
    const plain = await runProgram('curl', ['-sS', '-m', '5', '-o', '/dev/null', '-w', '%{http_code}', `http://${displayIP}:8080/`, '-d', 'hello']);
    assert.match(plain.stdout, /^4\d\d$/);
  });

  it('gives a shell pod its env, envFrom, downward API and volumes as real files', async () => {
    await t.kubectl.ok(['create', 'configmap', 'game', '--from-literal=color=blue', '--from-literal=lives=3']);
    await t.kubectl.ok(['create', 'secret', 'generic', 'creds', '--from-literal=password=s3cret']);
    await t.kubectl.ok(['apply', '-f', '-'], { stdin: `apiVersion: v1
kind: Pod
metadata: {name: shell, labels: {app: shell, tier: test}, annotations: {note: hi}}
spec:
  restartPolicy: Never
  volumes:
  - {name: config, configMap: {name: game, items: [{key: lives, path: game/lives}]}}
  - {name: secret, secret: {secretName: creds}}
  - {name: scratch, emptyDir: {}}
  - name: info
    downwardAPI:
      items:
      - {path: labels, fieldRef: {fieldPath: metadata.labels}}
      - {path: name, fieldRef: {fieldPath: metadata.name}}
  - name: all
    projected:
      sources:
      - configMap: {name: game, items: [{key: color, path: color}]}
      - secret: {name: creds}
  containers:
  - name: main
    image: busybox
    workingDir: /work
    command: [sh, -c]
    args:
    - |
      echo "color=$COLOR password=$PASSWORD pod=$POD_NAME ns=$NAMESPACE ip=$POD_IP app=$APP note=$NOTE"
      echo "greeting=$GREETING port=$PORT lives=$G_lives"
      echo "lives-file=$(cat /etc/game/game/lives) secret-file=$(cat /var/secret/password)"
      echo "projected=$(cat /etc/all/color)+$(cat /etc/all/password) name-file=$(cat /etc/info/name)"
      cat /etc/info/labels; echo
      echo data > /scratch/out && echo "scratch=$(cat /scratch/out)"
      echo "cwd-ends=$(basename "$PWD")"
    ports: [{containerPort: 9090}]
    env:
    - {name: COLOR, valueFrom: {configMapKeyRef: {name: game, key: color}}}
    - {name: PASSWORD, valueFrom: {secretKeyRef: {name: creds, key: password}}}
    - {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
    - {name: NAMESPACE, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}
    - {name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
    - {name: APP, valueFrom: {fieldRef: {fieldPath: "metadata.labels['app']"}}}
    - {name: NOTE, valueFrom: {fieldRef: {fieldPath: "metadata.annotations['note']"}}}
    - {name: GREETING, value: "hello $(POD_NAME)"}
    envFrom: [{prefix: G_, configMapRef: {name: game}}]
    volumeMounts:
    - {name: config, mountPath: /etc/game}
    - {name: secret, mountPath: /var/secret, readOnly: true}
    - {name: scratch, mountPath: /scratch}
    - {name: info, mountPath: /etc/info}
    - {name: all, mountPath: /etc/all}
` });
    const pod = await waitFor('the shell pod to succeed', async () => {
      const p = await getPod(t.kubectl, 'shell');
      return p?.status.phase === 'Succeeded' ? p : undefined;
    });
    const log = await containerLog(t.dataDir, pod, 'main');
    assert.match(log, new RegExp(`color=blue password=s3cret pod=shell ns=default ip=${pod.status.podIP!.replace(/\./g, '\\.')} app=shell note=hi\n`));
    assert.match(log, /greeting=hello shell port=9090 lives=3\n/);
    assert.match(log, /lives-file=3 secret-file=s3cret\n/);
    assert.match(log, /projected=blue\+s3cret name-file=shell\n/);
    assert.match(log, /app="shell"\ntier="test"\n/);
    assert.match(log, /scratch=data\n/);
    assert.match(log, /cwd-ends=work\n/);
    const status = containerStatus(pod, 'main')!;
    assert.equal(status.state.terminated?.exitCode, 0);
    assert.equal(status.state.terminated?.reason, 'Completed');
    assert.match(await t.kubectl.ok(['get', 'pod', 'shell']), /shell\s+0\/1\s+Completed\s+0\s+/);
    // As the kubelet mounts them on tmpfs, secret, projected and downwardAPI volumes never
    // reach the disk; configMap and emptyDir volumes are in the pod's directory.
    const onDisk = join(t.dataDir, 'runtime', 'pods', pod.metadata.uid!, 'volumes');
    const inMemory = join('/dev/shm', `skiff-${runtimeIdOf(t.dataDir)}`, 'pods', pod.metadata.uid!, 'volumes');
    if (memoryVolumesOnTmpfs()) {
      assert.deepEqual(readdirSync(onDisk).sort(), ['config', 'scratch']);
      assert.deepEqual(readdirSync(inMemory).map((v) => v.replace(/^kube-api-access-\w+$/, 'kube-api-access-…')).sort(), ['all', 'info', 'kube-api-access-…', 'secret']);
      assert.equal(readFileSync(join(inMemory, 'secret', 'password'), 'utf8'), 's3cret');
    }
    await t.kubectl.ok(['delete', 'pod', 'shell', '--wait=true']);
    await waitFor('the pod\'s volumes to be removed', async () => !existsSync(onDisk) && !existsSync(inMemory));
  });

  it('runs init containers one after another before the main container', async () => {
    await t.kubectl.ok(['apply', '-f', '-'], { stdin: `apiVersion: v1
kind: Pod
metadata: {name: with-init}
spec:
  volumes: [{name: shared, emptyDir: {}}]
  initContainers:
  - {name: first, image: busybox, command: [sh, -c, 'echo one > /shared/steps'], volumeMounts: [{name: shared, mountPath: /shared}]}
  - {name: second, image: busybox, command: [sh, -c, 'echo two >> /shared/steps'], volumeMounts: [{name: shared, mountPath: /shared}]}
  containers:
  - {name: main, image: busybox, command: [sh, -c, 'cat /shared/steps; exec sleep 3600'], volumeMounts: [{name: shared, mountPath: /shared}]}
` });
    await t.kubectl.ok(['wait', '--for=condition=Ready', 'pod/with-init', '--timeout=60s']);
    const pod = (await getPod(t.kubectl, 'with-init'))!;
    assert.equal(condition(pod, 'Initialized'), 'True');
    assert.deepEqual(pod.status.initContainerStatuses!.map((c) => [c.name, c.state.terminated?.reason]), [['first', 'Completed'], ['second', 'Completed']]);
    assert.equal(await waitFor('the main container output', async () => (await containerLog(t.dataDir, pod, 'main')) || undefined), 'one\ntwo\n');
  });

  it('records the lifecycle events kubectl describe shows', async () => {
    // Events are written asynchronously: wait for the last of them.
    const describe = await waitFor('the Started event', async () => {
      const out = await t.kubectl.ok(['describe', 'pod', 'hello-world']);
      return /Started container user-container/.test(out) ? out : undefined;
    });
    assert.match(describe, /Normal\s+Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned default\/hello-world to \S+/);
    assert.match(describe, /Normal\s+Pulling\s+\S+\s+kubelet\s+Pulling image "gcr.io\/knative-samples\/helloworld-go"/);
    assert.match(describe, /Normal\s+Pulled\s+\S+\s+kubelet\s+Successfully pulled image "gcr.io\/knative-samples\/helloworld-go" in \S+ \(\S+ including waiting\)\. Image size: \d+ bytes\./);
    assert.match(describe, /Normal\s+Created\s+\S+\s+kubelet\s+Created container: user-container/);
    assert.match(describe, /Normal\s+Started\s+\S+\s+kubelet\s+Started container user-container/);
    const events = await t.kubectl.ok(['get', 'events', '--field-selector', 'involvedObject.name=hello-world', '-o', 'wide']);
    assert.match(events, /Started\s+pod\/hello-world\s+spec\.containers\{user-container\}\s+kubelet, \S+\s+Started container user-container/);
  });
});
