/**
 * Meshed pods in the loopback pod network: a pod injection marked (`sidecar.istio.io/status`)
 * keeps its pod IP for its sidecar while its app containers bind an inner address (the pod IP
 * moved to the upper half of the node's pod CIDR). Seen with the real kubectl and curl: the
 * address variables in init, app and `istio-proxy` containers and in `kubectl exec`,
 * status.podIP, hello-world answering on the inner address and through `kubectl
 * port-forward`; a pod without the annotation keeps one address.
 *
 * The pods are created in a plain namespace with the annotation set by hand (no mesh), so
 * nothing here depends on what serves a meshed pod's IP: once the node proxy plays the
 * sidecar there, these checks still hold.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { innerAddressOf, isInnerAddress } from '../../src/runtime/network/inner-address.ts';
import { runProgram } from '../support/https.ts';
import { getPod, waitFor, type PodView } from '../support/runtime.ts';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';

const ECHO_ADDRESSES = 'echo $SKIFF_LISTEN_ADDRESS $SKIFF_APP_ADDRESS $SKIFF_POD_IP';

function podYaml(name: string, annotations: string): string {
  return `apiVersion: v1
kind: Pod
metadata: {name: ${name}, annotations: {${annotations}}}
spec:
  initContainers:
  - {name: init, image: busybox, command: [sh, -c, '${ECHO_ADDRESSES}']}
  containers:
  - {name: shell, image: busybox, command: [sh, -c, '${ECHO_ADDRESSES}; sleep 3600']}
  - {name: istio-proxy, image: busybox, command: [sh, -c, '${ECHO_ADDRESSES}; sleep 3600']}
  - {name: web, image: gcr.io/knative-samples/helloworld-go, ports: [{containerPort: 8080}]}
`;
}

describe('runtime: meshed pods get an inner address', () => {
  let t: TestSkiff;
  let podCidr: string;
  let meshed: PodView;
  let plain: PodView;
  before(async () => {
    t = await startTestSkiff();
    await t.kubectl.ok(['apply', '-f', '-'], { stdin: `${podYaml('meshed', `sidecar.istio.io/status: '{}'`)}---\n${podYaml('plain', '')}` });
    await t.kubectl.ok(['wait', '--for=condition=Ready', 'pod/meshed', 'pod/plain', '--timeout=60s']);
    podCidr = (JSON.parse(await t.kubectl.ok(['get', 'nodes', '-o', 'json'])) as { items: Array<{ spec: { podCIDR: string } }> }).items[0]!.spec.podCIDR;
    meshed = (await getPod(t.kubectl, 'meshed'))!;
    plain = (await getPod(t.kubectl, 'plain'))!;
  });
  after(async () => {
    await t?.stop();
  });

  /** The line a container echoed (it may not have written it yet right after starting). */
  const addressesOf = (pod: string, container: string) => waitFor(`the addresses ${pod}/${container} echoed`, async () => {
    const r = await t.kubectl(['logs', pod, '-c', container]);
    return r.code === 0 && r.stdout.trim() !== '' ? r.stdout.trim() : undefined;
  });
  const hello = (url: string) => waitFor(`an answer from ${url}`, async () => {
    const r = await runProgram('curl', ['-s', '--max-time', '2', url]);
    return r.code === 0 && r.stdout !== '' ? r.stdout : undefined;
  });

  it('keeps the pod IP in status and gives the app containers the inner address', async () => {
    const podIP = meshed.status.podIP!;
    const inner = innerAddressOf(podIP, podCidr);
    assert.ok(!isInnerAddress(podIP, podCidr), `${podIP} is a pod IP from the lower half of ${podCidr}`);
    assert.ok(isInnerAddress(inner, podCidr));
    assert.deepEqual((meshed.status as { podIPs?: unknown }).podIPs, [{ ip: podIP }], 'the inner address is not a pod address');
    assert.equal(await addressesOf('meshed', 'init'), `${inner} ${inner} ${podIP}`);
    assert.equal(await addressesOf('meshed', 'shell'), `${inner} ${inner} ${podIP}`);
    // The sidecar's agent serves the kubelet's rewritten probes on the pod IP and probes the app at the inner address.
    assert.equal(await addressesOf('meshed', 'istio-proxy'), `${podIP} ${inner} ${podIP}`);
    const exec = await t.kubectl.ok(['exec', 'meshed', '-c', 'shell', '--', 'sh', '-c', ECHO_ADDRESSES]);
    assert.equal(exec.trim(), `${inner} ${inner} ${podIP}`);
  });

  it('serves the app on the inner address, the pod\'s localhost', async () => {
    const inner = innerAddressOf(meshed.status.podIP!, podCidr);
    assert.equal(await hello(`http://${inner}:8080/`), 'Hello World!\n');
    const local = await t.kubectl.ok(['exec', 'meshed', '-c', 'shell', '--', 'wget', '-qO-', `http://${inner}:8080/`]);
    assert.equal(local, 'Hello World!\n');
  });

  it('port-forward reaches the app past the sidecar, as the kubelet does from inside the pod', async () => {
    const child = spawn('kubectl', ['port-forward', 'pod/meshed', ':8080'], { env: { ...process.env, KUBECONFIG: t.kubectl.kubeconfig }, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      const localPort = await new Promise<number>((resolve, reject) => {
        let out = '';
        let err = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(out);
          if (m) resolve(Number(m[1]));
        });
        child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
        child.once('exit', (code) => reject(new Error(`kubectl port-forward exited ${code}: ${err}`)));
      });
      assert.equal(await hello(`http://127.0.0.1:${localPort}/`), 'Hello World!\n');
    } finally {
      child.kill('SIGINT');
      await exited;
    }
  });

  it('leaves a pod without a sidecar on its one address', async () => {
    const podIP = plain.status.podIP!;
    assert.ok(!isInnerAddress(podIP, podCidr));
    assert.notEqual(podIP, meshed.status.podIP);
    for (const container of ['init', 'shell', 'istio-proxy']) assert.equal(await addressesOf('plain', container), `${podIP} ${podIP} ${podIP}`);
    assert.equal(await hello(`http://${podIP}:8080/`), 'Hello World!\n');
  });
});
