/**
 * Services against a real skiff with its kubelet: cluster IPs and node ports allocated by the
 * API server (conflicts are 422s, deleted Services give their values back), Endpoints and
 * EndpointSlices following pod readiness, and the service proxy — curl through a cluster
 * IP, a node port and a LoadBalancer address reaches ready pods only, follows scaling, and
 * headless Services get no proxy.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';
import { runProgram } from '../support/https.ts';
import { waitFor } from '../support/runtime.ts';

const HELLO = 'gcr.io/knative-samples/helloworld-go';

/** Pods answering `Hello <pod name>!`; `ready: false` pods probe a closed port and never become ready. */
function deployment(name: string, app: string, replicas: number, ready = true): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${app}, variant: ${name}}}
  template:
    metadata: {labels: {app: ${app}, variant: ${name}}}
    spec:
      terminationGracePeriodSeconds: 5
      containers:
      - name: app
        image: ${HELLO}
        ports: [{containerPort: 8080, name: http}]
        env: [{name: TARGET, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
        readinessProbe: {${ready ? 'httpGet: {path: /, port: http}' : 'tcpSocket: {port: 9}'}, periodSeconds: 1}
`;
}

function service(name: string, app: string, spec = ''): string {
  return `apiVersion: v1
kind: Service
metadata: {name: ${name}, labels: {team: a}}
spec:
  selector: {app: ${app}}
  ports: [{name: http, port: 80, targetPort: http}]
${spec}`;
}

async function curl(url: string): Promise<string> {
  const r = await runProgram('curl', ['-sS', '-m', '5', url]);
  return r.code === 0 ? r.stdout.trim() : `curl exit ${r.code}`;
}

describe('Services, endpoints and the service proxy', () => {
  let s: TestSkiff;
  let ns = 0;
  const ok = (args: string[], stdin?: string) => s.kubectl.ok(args, stdin === undefined ? {} : { stdin });
  const json = async (args: string[]) => JSON.parse(await ok([...args, '-o', 'json']));
  const namespace = async () => {
    const name = `svc-${++ns}`;
    await ok(['create', 'namespace', name]);
    return name;
  };
  const podNames = async (n: string, selector: string) => new Set(((await json(['get', 'pods', '-n', n, '-l', selector])).items as Array<{ metadata: { name: string } }>).map((p) => p.metadata.name));
  /** Answers of `count` requests, as the set of pod names that answered. */
  const answers = async (url: string, count: number) => {
    const seen = new Set<string>();
    for (let i = 0; i < count; i++) seen.add((await curl(url)).replace(/^Hello (.*)!$/, '$1'));
    return seen;
  };

  before(async () => {
    s = await startTestSkiff();
  });
  after(async () => {
    await s?.stop();
  });

  it('allocates cluster IPs and node ports, refuses conflicts with 422 and frees them on delete', async () => {
    const n = await namespace();
    await ok(['apply', '-n', n, '-f', '-'], service('a', 'a', '  type: NodePort\n'));
    const a = await json(['get', 'svc', 'a', '-n', n]);
    assert.match(a.spec.clusterIP, /^127\.96\.\d+\.\d+$/);
    assert.deepEqual(a.spec.clusterIPs, [a.spec.clusterIP]);
    const nodePort = a.spec.ports[0].nodePort;
    assert.ok(nodePort >= 30000 && nodePort <= 32767);
    assert.match(await ok(['get', 'svc', '-n', n]), new RegExp(`^a\\s+NodePort\\s+${a.spec.clusterIP.replaceAll('.', '\\.')}\\s+<none>\\s+80:${nodePort}/TCP`, 'm'));

    const samePort = await s.kubectl(['apply', '-n', n, '-f', '-'], { stdin: service('b', 'b', `  type: NodePort\n  ports: [{name: http, port: 80, targetPort: http, nodePort: ${nodePort}}]\n`) });
    assert.equal(samePort.code, 1);
    assert.match(samePort.stderr, new RegExp(`The Service "b" is invalid: spec.ports\\[0\\].nodePort: Invalid value: ${nodePort}: provided port is already allocated`));
    const sameIP = await s.kubectl(['apply', '-n', n, '-f', '-'], { stdin: service('c', 'c', `  clusterIP: ${a.spec.clusterIP}\n`) });
    assert.match(sameIP.stderr, new RegExp(`spec.clusterIPs: Invalid value: \\[\\]string\\{"${a.spec.clusterIP.replaceAll('.', '\\.')}"\\}: failed to allocate IP ${a.spec.clusterIP.replaceAll('.', '\\.')}: provided IP is already allocated`));
    const outside = await s.kubectl(['apply', '-n', n, '-f', '-'], { stdin: service('d', 'd', '  clusterIP: 10.0.0.10\n') });
    assert.match(outside.stderr, /the provided IP \(10\.0\.0\.10\) is not in the valid range\. The range of valid IPs is 127\.96\.\d+\.0\/\d+/);

    // Switching to ClusterIP releases the node port; deleting the Service releases its IP.
    await ok(['patch', '-n', n, 'svc/a', '-p', '{"spec":{"type":"ClusterIP"}}']);
    await ok(['apply', '-n', n, '-f', '-'], service('b', 'b', `  type: NodePort\n  ports: [{name: http, port: 80, targetPort: http, nodePort: ${nodePort}}]\n`));
    await ok(['delete', '-n', n, 'svc/a']);
    await ok(['apply', '-n', n, '-f', '-'], service('c', 'c', `  clusterIP: ${a.spec.clusterIP}\n`));
    assert.equal((await json(['get', 'svc', 'c', '-n', n])).spec.clusterIP, a.spec.clusterIP);
  });

  it('keeps Endpoints and EndpointSlices on ready and not-ready pods, and proxies to the ready ones only', async () => {
    const n = await namespace();
    await ok(['apply', '-n', n, '-f', '-'], [deployment('good', 'web', 2), deployment('bad', 'web', 1, false), service('web', 'web')].join('---\n'));
    await ok(['rollout', 'status', '-n', n, 'deployment/good', '--timeout=60s']);
    const good = await podNames(n, 'variant=good');
    const bad = await podNames(n, 'variant=bad');
    const ep = await waitFor('two ready and one not-ready address', async () => {
      const e = await json(['get', 'endpoints', 'web', '-n', n]);
      const subset = e.subsets?.[0];
      return subset?.addresses?.length === 2 && subset?.notReadyAddresses?.length === 1 ? e : undefined;
    });
    assert.deepEqual(ep.metadata.labels, { team: 'a' });
    assert.deepEqual(ep.subsets[0].ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    assert.deepEqual(new Set(ep.subsets[0].addresses.map((a: { targetRef: { name: string } }) => a.targetRef.name)), good);
    assert.deepEqual(new Set(ep.subsets[0].notReadyAddresses.map((a: { targetRef: { name: string } }) => a.targetRef.name)), bad);

    const slices = (await json(['get', 'endpointslices', '-n', n, '-l', 'kubernetes.io/service-name=web'])).items;
    assert.equal(slices.length, 1);
    const slice = slices[0];
    assert.equal(slice.metadata.labels['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
    assert.match(slice.metadata.name, /^web-[a-z0-9]{5}$/);
    assert.equal(slice.metadata.ownerReferences[0].kind, 'Service');
    assert.deepEqual(slice.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    const ready = slice.endpoints.filter((e: { conditions: { ready: boolean } }) => e.conditions.ready).map((e: { targetRef: { name: string } }) => e.targetRef.name);
    assert.deepEqual(new Set(ready), good);

    const clusterIP = (await json(['get', 'svc', 'web', '-n', n])).spec.clusterIP;
    assert.deepEqual(await answers(`http://${clusterIP}/`, 8), good);

    // Scaling follows live: one more good pod joins, scaling to zero leaves nothing to reach.
    await ok(['scale', '-n', n, 'deployment/good', '--replicas=3']);
    await ok(['rollout', 'status', '-n', n, 'deployment/good', '--timeout=60s']);
    const three = await podNames(n, 'variant=good');
    await waitFor('the third pod to answer', async () => (await answers(`http://${clusterIP}/`, 6)).size === 3);
    assert.deepEqual(await answers(`http://${clusterIP}/`, 9), three);
    await ok(['scale', '-n', n, 'deployment/good', '--replicas=0']);
    await waitFor('the proxy to have no ready endpoint', async () => (await curl(`http://${clusterIP}/`)).startsWith('curl exit'));
    const e = await json(['get', 'endpoints', 'web', '-n', n]);
    assert.equal(e.subsets[0].addresses, undefined);
  });

  it('drops a pod from the endpoints as soon as it is being deleted', async () => {
    const n = await namespace();
    await ok(['apply', '-n', n, '-f', '-'], [deployment('one', 'one', 1), service('one', 'one')].join('---\n'));
    await ok(['rollout', 'status', '-n', n, 'deployment/one', '--timeout=60s']);
    const [pod] = await podNames(n, 'app=one');
    await waitFor('the pod in the endpoints', async () => (await json(['get', 'endpoints', 'one', '-n', n])).subsets?.[0]?.addresses?.[0]?.targetRef?.name === pod);
    await ok(['delete', '-n', n, `pod/${pod}`, '--wait=false']);
    await waitFor('the pod out of the ready endpoints', async () => {
      const e = await json(['get', 'endpoints', 'one', '-n', n]);
      return !(e.subsets ?? []).some((s: { addresses?: Array<{ targetRef: { name: string } }> }) => (s.addresses ?? []).some((a) => a.targetRef.name === pod));
    });
  });

  it('reaches NodePort and LoadBalancer Services on this machine; headless Services get no proxy', async () => {
    const n = await namespace();
    await ok(['apply', '-n', n, '-f', '-'], [
      deployment('lb', 'lb', 2),
      service('np', 'lb', '  type: NodePort\n'),
      service('lb', 'lb', '  type: LoadBalancer\n'),
      service('hl', 'lb', '  clusterIP: None\n'),
    ].join('---\n'));
    await ok(['rollout', 'status', '-n', n, 'deployment/lb', '--timeout=60s']);
    const pods = await podNames(n, 'app=lb');
    const np = (await json(['get', 'svc', 'np', '-n', n])).spec.ports[0].nodePort;
    await waitFor('the node port to answer', async () => pods.has((await curl(`http://127.0.0.1:${np}/`)).replace(/^Hello (.*)!$/, '$1')));

    const lb = await waitFor('a load balancer address', async () => (await json(['get', 'svc', 'lb', '-n', n])).status.loadBalancer?.ingress?.[0]?.ip as string | undefined);
    assert.match(lb, /^127\.97\.0\.\d+$/);
    assert.match(await ok(['get', 'svc', 'lb', '-n', n]), new RegExp(`^lb\\s+LoadBalancer\\s+127\\.96\\.\\S+\\s+${lb.replaceAll('.', '\\.')}\\s+80:\\d+/TCP`, 'm'));
    await waitFor('the load balancer to answer', async () => pods.has((await curl(`http://${lb}/`)).replace(/^Hello (.*)!$/, '$1')));
    await waitFor('describe to show the ingress and the service controller event', async () => /LoadBalancer Ingress:\s+127\.97\.0\.\d+ \(VIP\)[\s\S]*EnsuredLoadBalancer\s+\S+\s+service-controller\s+Ensured load balancer/.test(await ok(['describe', 'svc', 'lb', '-n', n])));

    const hl = await json(['get', 'svc', 'hl', '-n', n]);
    assert.equal(hl.spec.clusterIP, 'None');
    const hlEndpoints = await waitFor('headless endpoints', async () => {
      const e = await json(['get', 'endpoints', 'hl', '-n', n]);
      return e.subsets?.[0]?.addresses?.length === 2 ? e : undefined;
    });
    assert.equal(hlEndpoints.metadata.labels['service.kubernetes.io/headless'], '');
    // The pods themselves are reachable at their own addresses; nothing listens for the Service.
    const podIP = hlEndpoints.subsets[0].addresses[0].ip;
    assert.match(await curl(`http://${podIP}:8080/`), /^Hello /);
    assert.match(await ok(['get', 'svc', 'hl', '-n', n]), /^hl\s+ClusterIP\s+None\s+<none>\s+80\/TCP/m);

    // Back to ClusterIP: the load balancer address is taken back.
    await ok(['patch', '-n', n, 'svc/lb', '-p', '{"spec":{"type":"ClusterIP"}}']);
    await waitFor('the ingress to be cleared', async () => (await json(['get', 'svc', 'lb', '-n', n])).status.loadBalancer?.ingress === undefined);
    await waitFor('the load balancer address to stop answering', async () => (await curl(`http://${lb}/`)).startsWith('curl exit'));
  });

  it('gives pods the service environment variables of their namespace and of the kubernetes Service', async () => {
    const n = await namespace();
    await ok(['apply', '-n', n, '-f', '-'], service('my-web', 'nothing'));
    const clusterIP = (await json(['get', 'svc', 'my-web', '-n', n])).spec.clusterIP as string;
    const apiServerIP = (await json(['get', 'svc', 'kubernetes', '-n', 'default'])).spec.clusterIP as string;
    await ok(['apply', '-n', n, '-f', '-'], `apiVersion: v1
kind: Pod
metadata: {name: envs}
spec:
  containers: [{name: shell, image: busybox, command: [sleep, '3600']}]
`);
    await ok(['wait', '-n', n, '--for=condition=Ready', 'pod/envs', '--timeout=60s']);
    const env = await ok(['exec', '-n', n, 'envs', '--', 'env']);
    for (const line of [`MY_WEB_SERVICE_HOST=${clusterIP}`, 'MY_WEB_SERVICE_PORT=80', 'MY_WEB_SERVICE_PORT_HTTP=80', `MY_WEB_PORT=tcp://${clusterIP}:80`,
      `MY_WEB_PORT_80_TCP_ADDR=${clusterIP}`, 'MY_WEB_PORT_80_TCP_PROTO=tcp', `KUBERNETES_SERVICE_HOST=${apiServerIP}`, 'KUBERNETES_SERVICE_PORT=443']) {
      assert.match(env, new RegExp(`^${line.replaceAll('.', '\\.')}$`, 'm'), line);
    }
  });

  it('lets pods reach Services by their cluster DNS names (root: cluster DNS and a resolv.conf per pod)', { skip: process.getuid?.() !== 0 ? 'cluster DNS in the loopback pod network needs root' : false }, async () => {
    const n = await namespace();
    await ok(['apply', '-n', n, '-f', '-'], [
      deployment('web', 'web', 1),
      service('web', 'web'),
      service('hl', 'web', '  clusterIP: None\n'),
      `apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  containers:
  - name: shell
    image: busybox
    command: [sh, -c, 'until curl -sS -m 2 http://web/ 2>/dev/null; do sleep 0.2; done; getent hosts web.${n}.svc.cluster.local; sleep 3600']
`,
    ].join('---\n'));
    await ok(['rollout', 'status', '-n', n, 'deployment/web', '--timeout=60s']);
    await ok(['wait', '-n', n, '--for=condition=Ready', 'pod/client', '--timeout=60s']);
    const clusterIP = (await json(['get', 'svc', 'web', '-n', n])).spec.clusterIP as string;
    const web = [...await podNames(n, 'app=web')][0]!;
    // The container's own command resolved the full name and reached the Service by its short name.
    const logs = await waitFor('the client pod to report', async () => {
      const out = await ok(['logs', '-n', n, 'client']);
      return out.includes('svc.cluster.local') ? out : undefined;
    });
    assert.match(logs, new RegExp(`^${clusterIP.replaceAll('.', '\\.')}\\s+web\\.${n}\\.svc\\.cluster\\.local$`, 'm'));
    assert.match(logs, new RegExp(`^Hello ${web}!$`, 'm'));
    // kubectl exec sees the same resolv.conf: the namespace's search path and the cluster DNS address.
    const resolv = await ok(['exec', '-n', n, 'client', '--', 'cat', '/etc/resolv.conf']);
    assert.match(resolv, new RegExp(`^search ${n}\\.svc\\.cluster\\.local svc\\.cluster\\.local cluster\\.local$`, 'm'));
    // The cluster DNS address is the Service range's tenth address (as kubeadm's default 10.96.0.10).
    const dns = ((await json(['get', 'svc', 'kubernetes', '-n', 'default'])).spec.clusterIP as string).replace(/\.1$/, '.10');
    assert.match(resolv, new RegExp(`^nameserver ${dns.replaceAll('.', '\\.')}$`, 'm'));
    assert.match(resolv, /^options ndots:5$/m);
    assert.equal((await ok(['exec', '-n', n, 'client', '--', 'curl', '-sS', '-m', '5', `http://web.${n}.svc.cluster.local/`])).trim(), `Hello ${web}!`);
    // A headless Service resolves to its ready pods; the host's own names still resolve.
    const podIP = (await json(['get', 'pod', web, '-n', n])).status.podIP as string;
    assert.match(await ok(['exec', '-n', n, 'client', '--', 'getent', 'hosts', 'hl']), new RegExp(`^${podIP.replaceAll('.', '\\.')}\\s`));
    assert.match(await ok(['exec', '-n', n, 'client', '--', 'getent', 'hosts', 'localhost']), /^(127\.0\.0\.1|::1)\s/);
    // The host's own resolv.conf is untouched.
    assert.doesNotMatch(await (await import('node:fs/promises')).readFile('/etc/resolv.conf', 'utf8'), new RegExp(dns.replaceAll('.', '\\.')));
  });
});
