/**
 * NetworkPolicy enforced by the kernel, seen with the real kubectl and curl: every pod's
 * connections leave with its own pod IP (the server sees the client pod, directly and
 * through a Service), a deny-all drops other pods' connections while the node (curl on the
 * host, kubelet probes) still gets through, a namespaceSelector + port rule admits one
 * namespace and not another, a process that connects the moment its container starts is
 * already the pod's, and deleting the policies restores traffic.
 *
 * Skipped where the machine cannot enforce (not root, no nft): skiff then says so in
 * /skiff/v1/status, which the first case checks when it runs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { runProgram } from '../support/https.ts';
import { getPod, waitFor } from '../support/runtime.ts';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';

const canEnforce = process.getuid?.() === 0 && spawnSync('nft', ['--version']).status === 0;

const WORLD = `
apiVersion: v1
kind: Namespace
metadata: {name: web}
---
apiVersion: v1
kind: Namespace
metadata: {name: friends, labels: {access: granted}}
---
apiVersion: v1
kind: Namespace
metadata: {name: strangers}
---
apiVersion: v1
kind: Pod
metadata: {name: server, namespace: web, labels: {app: server}}
spec:
  containers:
  - name: echo
    image: mccutchen/go-httpbin
    ports: [{name: http, containerPort: 8080}]
    readinessProbe: {httpGet: {path: /ip, port: 8080}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: server, namespace: web}
spec:
  selector: {app: server}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: friends}
spec:
  containers: [{name: shell, image: busybox, command: [sleep, '3600']}]
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: strangers}
spec:
  containers: [{name: shell, image: busybox, command: [sleep, '3600']}]
`;

const DENY_ALL = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: web}
spec:
  podSelector: {}
`;

const ALLOW_FRIENDS = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-friends, namespace: web}
spec:
  podSelector: {matchLabels: {app: server}}
  ingress:
  - from: [{namespaceSelector: {matchLabels: {access: granted}}}]
    ports: [{port: http}]
`;

describe('NetworkPolicy: enforced by the kernel on every connection into a pod', { skip: canEnforce ? false : 'needs root and nft (Debian package nftables)' }, () => {
  let t: TestSkiff;
  let serverIP = '';
  const clientIP: Record<string, string> = {};

  before(async () => {
    t = await startTestSkiff();
    await t.kubectl.ok(['apply', '-f', '-'], { stdin: WORLD });
    await t.kubectl.ok(['wait', '-n', 'web', '--for=condition=Ready', 'pod/server', '--timeout=60s']);
    for (const ns of ['friends', 'strangers']) {
      await t.kubectl.ok(['wait', '-n', ns, '--for=condition=Ready', 'pod/client', '--timeout=60s']);
      clientIP[ns] = (await getPod(t.kubectl, 'client', ns))!.status.podIP!;
    }
    serverIP = (await getPod(t.kubectl, 'server', 'web'))!.status.podIP!;
  });
  after(async () => {
    await t?.stop();
  });

  /** curl from inside `ns/client`: the body, or `exit <code>` (28: the connection timed out). */
  const curlFrom = async (ns: string, url: string): Promise<string> => {
    const r = await t.kubectl(['exec', '-n', ns, 'client', '--', 'curl', '-s', '--max-time', '2', url]);
    return r.code === 0 ? r.stdout : `exit ${/exit code (\d+)/.exec(r.stderr)?.[1] ?? r.code}`;
  };
  const originSeenBy = async (ns: string, url: string): Promise<string> => {
    const body = await curlFrom(ns, url);
    return body.startsWith('exit') ? body : (JSON.parse(body) as { origin: string }).origin;
  };
  const apply = (yaml: string) => t.kubectl.ok(['apply', '-f', '-'], { stdin: yaml });
  /** The policy took effect once the kernel's answer for `ns` is `expected`. */
  const until = (ns: string, url: string, expected: (r: string) => boolean) => waitFor(`${ns} → ${url}`, async () => {
    const r = await curlFrom(ns, url);
    return expected(r) ? r : undefined;
  });

  it('reports enforcement in /skiff/v1/status', async () => {
    const status = JSON.parse(await t.kubectl.ok(['get', '--raw', '/skiff/v1/status'])) as { networkPolicy: { enforced: boolean; isolatedPods: number } };
    assert.equal(status.networkPolicy.enforced, true);
    assert.equal(status.networkPolicy.isolatedPods, 0);
  });

  it('gives each pod its own address as the source, directly and through a Service', async () => {
    assert.equal(await originSeenBy('friends', `http://${serverIP}:8080/ip`), clientIP.friends);
    assert.equal(await originSeenBy('strangers', 'http://server.web.svc.cluster.local/ip'), clientIP.strangers);
    // The node stays the node.
    const host = await runProgram('curl', ['-s', '--max-time', '2', `http://${serverIP}:8080/ip`]);
    assert.equal((JSON.parse(host.stdout) as { origin: string }).origin, '127.0.0.1');
  });

  it('a deny-all drops other pods, never the node: curl from the host and the kubelet probes pass', async () => {
    await apply(DENY_ALL);
    await until('strangers', `http://${serverIP}:8080/ip`, (r) => r === 'exit 28');
    assert.equal(await curlFrom('friends', `http://${serverIP}:8080/ip`), 'exit 28');
    assert.equal(await curlFrom('friends', 'http://server.web.svc.cluster.local/ip'), 'exit 28', 'a Service does not launder the source');
    const host = await runProgram('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '2', `http://${serverIP}:8080/ip`]);
    assert.equal(host.stdout, '200');
    const ready = await t.kubectl.ok(['get', 'pod', '-n', 'web', 'server', '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']);
    assert.equal(ready, 'True', 'readiness probes come from the node');
    const status = JSON.parse(await t.kubectl.ok(['get', '--raw', '/skiff/v1/status'])) as { networkPolicy: { isolatedPods: number; policies: number } };
    assert.deepEqual([status.networkPolicy.isolatedPods, status.networkPolicy.policies], [1, 1]);
  });

  it('an allow rule with a namespaceSelector and a named port admits that namespace only', async () => {
    await apply(ALLOW_FRIENDS);
    const body = await until('friends', `http://${serverIP}:8080/ip`, (r) => !r.startsWith('exit'));
    assert.equal((JSON.parse(body) as { origin: string }).origin, clientIP.friends);
    assert.equal(await originSeenBy('friends', 'http://server.web.svc.cluster.local/ip'), clientIP.friends);
    assert.equal(await curlFrom('strangers', `http://${serverIP}:8080/ip`), 'exit 28');
  });

  it("a container that connects the moment it starts is already its pod's", async () => {
    const job = `apiVersion: v1
kind: Pod
metadata: {name: early, namespace: strangers}
spec:
  restartPolicy: Never
  containers: [{name: curl, image: busybox, command: [curl, '-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '2', 'http://${serverIP}:8080/ip']}]
`;
    await apply(job);
    const phase = await waitFor('pod early ends', async () => {
      const p = await getPod(t.kubectl, 'early', 'strangers');
      return p?.status.phase === 'Succeeded' || p?.status.phase === 'Failed' ? p.status.phase : undefined;
    }, 60_000);
    assert.equal(phase, 'Failed');
    assert.equal(await t.kubectl.ok(['logs', '-n', 'strangers', 'early']), '000', 'curl timed out: its very first connection was refused as the pod');
  });

  it('deleting the policies lets everyone in again', async () => {
    await t.kubectl.ok(['delete', 'networkpolicy', '-n', 'web', '--all']);
    const origin = await until('strangers', `http://${serverIP}:8080/ip`, (r) => !r.startsWith('exit'));
    assert.equal((JSON.parse(origin) as { origin: string }).origin, clientIP.strangers);
  });
});
