/**
 * The network-namespace pod network (`--pod-network netns`; needs root and iproute2, so the
 * suite is skipped elsewhere): programs bind 0.0.0.0:8080 in their own namespaces, resolve
 * `*.svc.cluster.local` through skiff's DNS (short names through the search path) and reach
 * Services; nothing of the namespaces is left once skiff stops.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { runProgram } from '../support/https.ts';
import { containerLog, getPod, runtimeIdOf, waitFor } from '../support/runtime.ts';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';

function netnsAvailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root';
  try {
    execFileSync('ip', ['netns', 'list']);
    return undefined;
  } catch {
    return 'needs iproute2';
  }
}

const skip = netnsAvailable();

describe('runtime: network namespaces', { skip }, () => {
  let t: TestSkiff;
  let runtimeId: string;
  before(async () => {
    t = await startTestSkiff({ podNetwork: 'netns' });
    runtimeId = runtimeIdOf(t.dataDir);
  });
  after(async () => {
    await t?.stop();
    if (runtimeId) {
      const left = execFileSync('ip', ['netns', 'list']).toString().split('\n').filter((l) => l.startsWith(`skiff-${runtimeId.slice(0, 8)}-`));
      assert.deepEqual(left, [], 'no network namespace left after skiff stops');
    }
  });

  it('runs unmodified programs on 0.0.0.0:8080 and resolves cluster names', async () => {
    await t.kubectl.ok(['apply', '-f', '-'], { stdin: `apiVersion: v1
kind: Pod
metadata: {name: web-a, labels: {app: web}}
spec: {containers: [{name: main, image: gcr.io/knative-samples/helloworld-go, env: [{name: TARGET, value: A}], ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web-b}
spec: {containers: [{name: main, image: gcr.io/knative-samples/helloworld-go, env: [{name: TARGET, value: B}], ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
` });
    await t.kubectl.ok(['wait', '--for=condition=Ready', 'pod/web-a', 'pod/web-b', '--timeout=60s']);
    const a = (await getPod(t.kubectl, 'web-a'))!;
    const b = (await getPod(t.kubectl, 'web-b'))!;
    const node = JSON.parse(await t.kubectl.ok(['get', 'nodes', '-o', 'json'])).items[0] as { spec: { podCIDR: string } };
    assert.match(node.spec.podCIDR, /^10\.\d+\.0\.0\/16$/);
    for (const [pod, target] of [[a, 'A'], [b, 'B']] as const) {
      const answer = await waitFor(`${pod.metadata.name} to answer`, async () => {
        const r = await runProgram('curl', ['-s', '--max-time', '2', `http://${pod.status.podIP}:8080/`]);
        return r.code === 0 && r.stdout !== '' ? r.stdout : undefined;
      });
      assert.equal(answer, `Hello ${target}!\n`);
    }

    await t.kubectl.ok(['apply', '-f', '-'], { stdin: `apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  restartPolicy: OnFailure
  containers:
  - name: main
    image: busybox
    command: [sh, -c, 'cat /etc/resolv.conf && getent hosts web.default.svc.cluster.local && curl -sf -m 3 http://web/']
` });
    const client = await waitFor('the client to succeed', async () => {
      const p = await getPod(t.kubectl, 'client');
      return p?.status.phase === 'Succeeded' ? p : undefined;
    }, 60_000);
    const log = await containerLog(t.dataDir, client, 'main');
    assert.match(log, /^search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local\nnameserver 10\.\d+\.0\.1\noptions ndots:5\n/);
    const clusterIP = await t.kubectl.ok(['get', 'svc', 'web', '-o', 'jsonpath={.spec.clusterIP}']);
    assert.match(log, new RegExp(`${clusterIP.replace(/\./g, '\\.')}\\s+web\\.default\\.svc\\.cluster\\.local\n`));
    assert.match(log, /Hello A!\n$/);
  });
});
