/**
 * `kubectl get` presentation options (-o wide, --sort-by, -L, --no-headers, `get all`) and
 * `kubectl wait` (--for=condition met and timed out, --for=delete, --for=jsonpath, selectors).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';
import { installGadgetCrd, startWatchingKubectl } from './verbs-fixtures.ts';

/**
 * kubectl's last stderr line. A wait that times out may first log client-go's own warning
 * about its watch ending under a second ("very short watch"), real cluster or not.
 */
const lastLine = (stderr: string) => stderr.trimEnd().split('\n').at(-1);

describe('kubectl get options and kubectl wait', () => {
  let s: TestSkiff;
  const rows = (out: string) => out.trimEnd().split('\n');
  const gadget = (name: string, size: number, color: string, labels: Record<string, string> = {}) =>
    JSON.stringify({ apiVersion: 'verbs.example.com/v1', kind: 'Gadget', metadata: { name, labels }, spec: { size, color } });

  before(async () => {
    s = await startTestSkiff();
    await installGadgetCrd(s.kubectl);
    await s.kubectl.ok(['create', 'namespace', 'shop']);
    for (const [name, size, color, tier] of [['b-gadget', 3, 'blue', 'gold'], ['a-gadget', 7, 'red', 'silver'], ['c-gadget', 1, 'green', 'gold']] as const) {
      await s.kubectl.ok(['apply', '-n', 'shop', '-f', '-'], { stdin: gadget(name, size, color, { tier, app: 'store' }) });
    }
  });
  after(async () => {
    await s?.stop();
  });

  it('prints wide columns of compiled-in and custom kinds', async () => {
    await s.kubectl.ok(['apply', '-n', 'shop', '-f', '-'], { stdin: JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0', labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } }) });
    const pods = rows(await s.kubectl.ok(['get', 'pods', '-n', 'shop', '-o', 'wide']));
    assert.match(pods[0]!, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/);
    // The kubelet runs the pod meanwhile: any state of an image it cannot pull is right.
    assert.match(pods[1]!, /^web-0\s+0\/1\s+(Pending|ContainerCreating|ErrImagePull|ImagePullBackOff)\s+0\s+\d+s\s+(<none>|127\.\d+\.\d+\.\d+)\s+\S+\s+<none>\s+<none>$/);
    // A CRD's priority-1 printer column appears only with -o wide.
    assert.match(await s.kubectl.ok(['get', 'gadgets', '-n', 'shop']), /^NAME\s+SIZE\n/);
    assert.match(await s.kubectl.ok(['get', 'gadgets', '-n', 'shop', '-o', 'wide']), /^NAME\s+SIZE\s+COLOR\n/);
    await s.kubectl.ok(['create', 'deployment', 'web', '-n', 'shop', '--image=nginx:1.27']);
    assert.match(await s.kubectl.ok(['get', 'deploy', 'web', '-n', 'shop', '-o', 'wide']), /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR\nweb\s+\d\/1\s+\d\s+\d\s+\d+s\s+nginx\s+nginx:1\.27\s+app=web\n$/);
  });

  it('sorts with --sort-by and drops the header with --no-headers', async () => {
    const bySize = rows(await s.kubectl.ok(['get', 'gadgets', '-n', 'shop', '--sort-by=.spec.size', '--no-headers', '-o', 'wide']));
    assert.equal(bySize.length, 3);
    assert.match(bySize[0]!, /^c-gadget\s+1\s+green$/);
    assert.match(bySize[1]!, /^b-gadget\s+3\s+blue$/);
    assert.match(bySize[2]!, /^a-gadget\s+7\s+red$/);
    const byName = rows(await s.kubectl.ok(['get', 'gadgets', '-n', 'shop', '--sort-by={.metadata.name}', '-o', 'name']));
    assert.deepEqual(byName, ['gadget.verbs.example.com/a-gadget', 'gadget.verbs.example.com/b-gadget', 'gadget.verbs.example.com/c-gadget']);
    const byColor = rows(await s.kubectl.ok(['get', 'gadgets', '-n', 'shop', '--sort-by=.spec.color', '-o', 'custom-columns=NAME:.metadata.name,COLOR:.spec.color', '--no-headers']));
    assert.deepEqual(byColor.map((r) => r.split(/\s+/)[1]), ['blue', 'green', 'red']);
  });

  it('adds label columns with -L', async () => {
    const out = rows(await s.kubectl.ok(['get', 'gadgets', '-n', 'shop', '-L', 'tier', '-L', 'app,missing', '--sort-by=.metadata.name']));
    assert.match(out[0]!, /^NAME\s+SIZE\s+TIER\s+APP\s+MISSING$/);
    assert.match(out[1]!, /^a-gadget\s+7\s+silver\s+store\s*$/);
    assert.match(out[3]!, /^c-gadget\s+1\s+gold\s+store\s*$/);
    const selected = rows(await s.kubectl.ok(['get', 'gadgets', '-n', 'shop', '-l', 'tier=gold', '-L', 'tier', '--no-headers']));
    assert.deepEqual(selected.map((r) => r.split(/\s+/)[0]).sort(), ['b-gadget', 'c-gadget']);
    assert.match(await s.kubectl.ok(['get', 'ns', 'shop', '-L', 'kubernetes.io/metadata.name']), /^NAME\s+STATUS\s+AGE\s+METADATA\.NAME\nshop\s+Active\s+\d+s\s+shop\n$/);
  });

  it('lists category "all": workloads, services and Knative kinds, not Istio kinds or config', async () => {
    await s.kubectl.ok(['create', 'service', 'clusterip', 'web', '-n', 'shop', '--tcp=80:8080']);
    await s.kubectl.ok(['apply', '-n', 'shop', '-f', '-'], {
      stdin: [
        { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'hello' }, spec: { template: { spec: { containers: [{ image: 'gcr.io/knative-samples/helloworld-go' }] } } } },
        { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'gw' }, spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] } },
        { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'vs' }, spec: { hosts: ['*'], gateways: ['gw'], http: [{ route: [{ destination: { host: 'web' } }] }] } },
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } },
      ].map((o) => JSON.stringify(o)).join('\n'),
    });
    const all = await s.kubectl.ok(['get', 'all', '-n', 'shop']);
    for (const present of [/^pod\/web-0\s+0\/1\s+(Pending|ContainerCreating|ErrImagePull|ImagePullBackOff)/m, /^service\/web\s+ClusterIP/m, /^deployment\.apps\/web\s+\d\/1/m, /^service\.serving\.knative\.dev\/hello\s/m, /^gadget\.verbs\.example\.com\/a-gadget\s+7$/m]) {
      assert.match(all, present);
    }
    for (const absent of [/gateway/i, /virtualservice/i, /configmap/i]) assert.doesNotMatch(all, absent);
    // One table per kind, each with its own header, separated by blank lines.
    // (The Knative Service's own revision pods and Services may be listed too, as on a real cluster.)
    assert.match(all, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n(pod\/\S+ .*\n)*pod\/web-0/m);
    assert.match(all, /\n\nNAME\s+URL\s+LATESTCREATED\s+LATESTREADY\s+READY\s+REASON\nservice\.serving\.knative\.dev\/hello/);
    const names = rows(await s.kubectl.ok(['get', 'all', '-n', 'shop', '-o', 'name'])).sort();
    assert.ok(names.includes('pod/web-0') && names.includes('service/web') && names.includes('deployment.apps/web') && names.includes('service.serving.knative.dev/hello'), names.join(' '));
    assert.ok(!names.some((n) => n.includes('istio')), names.join(' '));
    assert.match(await s.kubectl.ok(['get', 'all', '-A', '--no-headers', '-l', 'app=store']), /^shop\s+gadget\.verbs\.example\.com\/a-gadget\s+7$/m);
  });

  it('waits for a condition, and times out with kubectl\'s message and exit code', async () => {
    const timeout = await s.kubectl(['wait', '--for=condition=Ready', 'gadget/a-gadget', '-n', 'shop', '--timeout=1s']);
    assert.equal(timeout.code, 1);
    assert.equal(timeout.stdout, '');
    assert.equal(lastLine(timeout.stderr), 'error: timed out waiting for the condition on gadgets/a-gadget');

    // The wait is watching when the controller reports Ready.
    const waiting = startWatchingKubectl(s.kubectl, ['wait', '--for=condition=Ready', 'gadget/b-gadget', '-n', 'shop', '--timeout=60s']);
    await waiting.watching;
    await s.kubectl.ok(['patch', 'gadget', 'b-gadget', '-n', 'shop', '--subresource=status', '--type=merge', '-p', '{"status":{"conditions":[{"type":"Ready","status":"True"}]}}']);
    const met = await waiting.result;
    assert.equal(met.code, 0, met.stderr);
    assert.equal(met.stdout, 'gadget.verbs.example.com/b-gadget condition met\n');
    // A condition with another status does not satisfy --for=condition=Ready (=True).
    await s.kubectl.ok(['patch', 'gadget', 'c-gadget', '-n', 'shop', '--subresource=status', '--type=merge', '-p', '{"status":{"conditions":[{"type":"Ready","status":"False"}]}}']);
    assert.equal((await s.kubectl(['wait', '--for=condition=Ready', 'gadget/c-gadget', '-n', 'shop', '--timeout=1s'])).code, 1);
    assert.equal(await s.kubectl.ok(['wait', '--for=condition=Ready=False', 'gadget/c-gadget', '-n', 'shop', '--timeout=10s']), 'gadget.verbs.example.com/c-gadget condition met\n');
    // By selector: every match must meet it.
    const partial = await s.kubectl(['wait', '--for=condition=Ready', 'gadgets', '-l', 'tier=gold', '-n', 'shop', '--timeout=1s']);
    assert.equal(partial.code, 1);
    assert.match(partial.stdout, /gadget\.verbs\.example\.com\/b-gadget condition met/);
    assert.match(partial.stderr, /timed out waiting for the condition on gadgets\/c-gadget/);
    const missing = await s.kubectl(['wait', '--for=condition=Ready', 'gadget/none', '-n', 'shop', '--timeout=5s']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Error from server \(NotFound\): gadgets\.verbs\.example\.com "none" not found/);
  });

  it('waits for a jsonpath value', async () => {
    const waiting = startWatchingKubectl(s.kubectl, ['wait', '--for=jsonpath={.spec.size}=9', 'gadget/a-gadget', '-n', 'shop', '--timeout=60s']);
    await waiting.watching;
    await s.kubectl.ok(['patch', 'gadget', 'a-gadget', '-n', 'shop', '--type=merge', '-p', '{"spec":{"size":9}}']);
    const met = await waiting.result;
    assert.equal(met.code, 0, met.stderr);
    assert.equal(met.stdout, 'gadget.verbs.example.com/a-gadget condition met\n');
  });

  it('waits for deletion, and times out while a finalizer holds the object', async () => {
    await s.kubectl.ok(['create', 'configmap', 'doomed', '-n', 'shop']);
    const waiting = startWatchingKubectl(s.kubectl, ['wait', '--for=delete', 'configmap/doomed', '-n', 'shop', '--timeout=60s']);
    await waiting.watching;
    await s.kubectl.ok(['delete', 'configmap', 'doomed', '-n', 'shop', '--wait=false']);
    const gone = await waiting.result;
    assert.equal(gone.code, 0, gone.stderr);
    assert.equal(gone.stdout, 'configmap/doomed condition met\n');
    // Nothing to wait for: kubectl returns at once.
    assert.equal(await s.kubectl.ok(['wait', '--for=delete', 'configmap/never-existed', '-n', 'shop', '--timeout=5s']), '');

    await s.kubectl.ok(['create', 'configmap', 'held', '-n', 'shop']);
    await s.kubectl.ok(['patch', 'configmap', 'held', '-n', 'shop', '--type=merge', '-p', '{"metadata":{"finalizers":["example.com/hold"]}}']);
    await s.kubectl.ok(['delete', 'configmap', 'held', '-n', 'shop', '--wait=false']);
    const held = await s.kubectl(['wait', '--for=delete', 'configmap/held', '-n', 'shop', '--timeout=1s']);
    assert.equal(held.code, 1);
    assert.equal(lastLine(held.stderr), 'error: timed out waiting for the condition on configmaps/held');
    const releasing = startWatchingKubectl(s.kubectl, ['wait', '--for=delete', 'configmap/held', '-n', 'shop', '--timeout=60s']);
    await releasing.watching;
    await s.kubectl.ok(['patch', 'configmap', 'held', '-n', 'shop', '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']);
    assert.equal((await releasing.result).stdout, 'configmap/held condition met\n');
  });
});
