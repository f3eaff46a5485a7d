/**
 * The EndpointSlice mirroring controller against a real skiff: the Endpoints of a Service
 * without a selector (written by hand here, by Knative's ServerlessService controller in
 * serving) appear as EndpointSlices managed by `endpointslicemirroring-controller.k8s.io`,
 * follow updates in place, and go when the Endpoints, the Service or its selectorlessness
 * goes, or the Endpoints opts out with `endpointslice.kubernetes.io/skip-mirror`. The
 * service proxy reads those slices, so curl through the Service's cluster IP reaches a pod.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';
import { runProgram } from '../support/https.ts';
import { waitFor } from '../support/runtime.ts';

const MIRRORED = 'endpointslice.kubernetes.io/managed-by=endpointslicemirroring-controller.k8s.io';

interface Slice {
  metadata: { name: string; resourceVersion: string; labels: Record<string, string>; annotations?: Record<string, string>; ownerReferences: Array<{ kind: string; name: string; controller: boolean }> };
  addressType: string;
  endpoints?: Array<{ addresses: string[]; conditions: { ready: boolean }; targetRef?: { name: string } }>;
  ports?: Array<{ name: string; port: number; protocol: string }>;
}

function selectorless(name: string, extra = ''): string {
  return `apiVersion: v1
kind: Service
metadata: {name: ${name}}
spec:
  ports: [{name: http, port: 80, targetPort: 8012}]
${extra}`;
}

function endpoints(name: string, ready: string[], notReady: string[] = [], port = 8012, labels = '{team: a}'): string {
  const list = (ips: string[]) => `[${ips.map((ip) => `{ip: ${ip}}`).join(', ')}]`;
  return `apiVersion: v1
kind: Endpoints
metadata: {name: ${name}, labels: ${labels}, annotations: {note: kept}}
subsets:
- addresses: ${list(ready)}
${notReady.length > 0 ? `  notReadyAddresses: ${list(notReady)}\n` : ''}  ports: [{name: http, port: ${port}, protocol: TCP}]
`;
}

describe('EndpointSlice mirroring', () => {
  let s: TestSkiff;
  let ns = 0;
  const ok = (args: string[], stdin?: string) => s.kubectl.ok(args, stdin === undefined ? {} : { stdin });
  const json = async (args: string[]) => JSON.parse(await ok([...args, '-o', 'json']));
  const namespace = async () => {
    const name = `mirror-${++ns}`;
    await ok(['create', 'namespace', name]);
    return name;
  };
  const slicesOf = async (n: string, svc: string, selector = MIRRORED): Promise<Slice[]> => (await json(['get', 'endpointslices', '-n', n, '-l', `kubernetes.io/service-name=${svc},${selector}`])).items;
  const addresses = (slice: Slice | undefined) => (slice?.endpoints ?? []).map((e) => `${e.addresses[0]}:${e.conditions.ready}`).sort();

  before(async () => {
    s = await startTestSkiff();
  });
  after(async () => {
    await s?.stop();
  });

  it('mirrors the Endpoints of a selectorless Service and follows its updates in place', async () => {
    const n = await namespace();
    await ok(['apply', '-n', n, '-f', '-'], [selectorless('ext'), endpoints('ext', ['127.1.200.1', '127.1.200.2'], ['127.1.200.3'])].join('---\n'));
    const [slice] = await waitFor('a mirrored slice', async () => {
      const found = await slicesOf(n, 'ext');
      return found.length === 1 ? found : undefined;
    });
    assert.match(slice!.metadata.name, /^ext-[a-z0-9]{5}$/);
    assert.equal(slice!.metadata.labels.team, 'a');
    assert.equal(slice!.metadata.annotations?.note, 'kept');
    assert.equal(slice!.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'], undefined);
    assert.deepEqual(slice!.metadata.ownerReferences.map((r) => [r.kind, r.name, r.controller]), [['Endpoints', 'ext', true]]);
    assert.equal(slice!.addressType, 'IPv4');
    assert.deepEqual(slice!.ports, [{ name: 'http', port: 8012, protocol: 'TCP' }]);
    assert.deepEqual(addresses(slice), ['127.1.200.1:true', '127.1.200.2:true', '127.1.200.3:false']);
    assert.match(await ok(['get', 'endpointslices', '-n', n]), new RegExp(`^${slice!.metadata.name}\\s+IPv4\\s+8012\\s+127\\.1\\.200\\.1,127\\.1\\.200\\.2,127\\.1\\.200\\.3`, 'm'));

    // A converged slice is left alone: no write loop between the controller and the API server.
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await slicesOf(n, 'ext'))[0]!.metadata.resourceVersion, slice!.metadata.resourceVersion);

    // An update of the Endpoints rewrites the same slice.
    await ok(['apply', '-n', n, '-f', '-'], endpoints('ext', ['127.1.200.3'], ['127.1.200.1'], 8012, '{team: b}'));
    const updated = await waitFor('the slice to follow', async () => {
      const [one, ...rest] = await slicesOf(n, 'ext');
      return rest.length === 0 && addresses(one).join() === '127.1.200.1:false,127.1.200.3:true' ? one : undefined;
    });
    assert.equal(updated.metadata.name, slice!.metadata.name);
    assert.equal(updated.metadata.labels.team, 'b');

    // Someone else's edit of a mirrored slice is put back.
    await ok(['label', '-n', n, `endpointslice/${slice!.metadata.name}`, 'team=c', '--overwrite']);
    await waitFor('the label to be put back', async () => (await slicesOf(n, 'ext'))[0]?.metadata.labels.team === 'b');

    // Deleting the Endpoints takes the slices with it.
    await ok(['delete', '-n', n, 'endpoints/ext']);
    await waitFor('the slices to go', async () => (await slicesOf(n, 'ext')).length === 0);
  });

  it('stops mirroring on skip-mirror, a selector or the Service going, and leaves the kubernetes Service alone', async () => {
    const n = await namespace();
    await ok(['apply', '-n', n, '-f', '-'], [selectorless('ext'), endpoints('ext', ['127.1.201.1'])].join('---\n'));
    await waitFor('a mirrored slice', async () => (await slicesOf(n, 'ext')).length === 1);

    await ok(['label', '-n', n, 'endpoints/ext', 'endpointslice.kubernetes.io/skip-mirror=true']);
    await waitFor('skip-mirror to remove the slice', async () => (await slicesOf(n, 'ext')).length === 0);
    await ok(['label', '-n', n, 'endpoints/ext', 'endpointslice.kubernetes.io/skip-mirror-']);
    await waitFor('the slice to come back', async () => (await slicesOf(n, 'ext')).length === 1);

    // A selector makes the Service the EndpointSlice controller's: its own slice replaces the mirror.
    await ok(['patch', '-n', n, 'svc/ext', '-p', '{"spec":{"selector":{"app":"nothing"}}}']);
    await waitFor('the mirror to go', async () => (await slicesOf(n, 'ext')).length === 0);
    await waitFor('the EndpointSlice controller slice', async () => (await slicesOf(n, 'ext', 'endpointslice.kubernetes.io/managed-by=endpointslice-controller.k8s.io')).length === 1);

    // Without a Service there is nothing to mirror, even if the Endpoints stays.
    await ok(['apply', '-n', n, '-f', '-'], [selectorless('solo'), endpoints('solo', ['127.1.201.2'])].join('---\n'));
    await waitFor('a mirrored slice for solo', async () => (await slicesOf(n, 'solo')).length === 1);
    await ok(['delete', '-n', n, 'svc/solo']);
    await waitFor('the mirror of solo to go', async () => (await slicesOf(n, 'solo')).length === 0);

    // The API server's own Endpoints for `kubernetes` is marked skip-mirror.
    assert.deepEqual(await slicesOf('default', 'kubernetes'), []);
  });

  it('serves a selectorless Service through its cluster IP from the mirrored slices', async () => {
    const n = await namespace();
    await ok(['apply', '-n', n, '-f', '-'], `apiVersion: v1
kind: Pod
metadata: {name: hello, labels: {app: hello}}
spec:
  containers:
  - name: app
    image: gcr.io/knative-samples/helloworld-go
    ports: [{containerPort: 8080, name: http}]
    env: [{name: TARGET, value: mirrored}]
    readinessProbe: {httpGet: {path: /, port: http}, periodSeconds: 1}
`);
    await ok(['wait', '-n', n, '--for=condition=Ready', 'pod/hello', '--timeout=60s']);
    const podIP = (await json(['get', 'pod', 'hello', '-n', n])).status.podIP as string;
    await ok(['apply', '-n', n, '-f', '-'], [selectorless('manual'), endpoints('manual', [podIP], [], 8080)].join('---\n'));
    const clusterIP = (await json(['get', 'svc', 'manual', '-n', n])).spec.clusterIP as string;
    const curl = async () => {
      const r = await runProgram('curl', ['-sS', '-m', '5', `http://${clusterIP}/`]);
      return r.code === 0 ? r.stdout.trim() : `curl exit ${r.code}`;
    };
    await waitFor('the cluster IP to answer', async () => (await curl()) === 'Hello mirrored!');
    // Moving the address to notReadyAddresses takes the pod out of the proxy.
    await ok(['apply', '-n', n, '-f', '-'], endpoints('manual', [], [podIP], 8080));
    await waitFor('the proxy to have no ready endpoint', async () => (await curl()).startsWith('curl exit'));
  });
});
