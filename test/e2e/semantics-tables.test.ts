/**
 * `kubectl get` prints the server's Table: a user CRD's additionalPrinterColumns (priority 1
 * only with -o wide), the lone AGE column of a CRD without columns, and the built-in
 * printers' headers for Pod, Service, Deployment, ReplicaSet, Secret, ConfigMap, Namespace,
 * Event and CRD, as a real cluster prints them (kinds.md §2).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';
import { installWidgetCrd, widget } from '../support/widget-crd.ts';

const GIZMO_CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gizmos.example.com
spec:
  group: example.com
  scope: Cluster
  names: {plural: gizmos, singular: gizmo, kind: Gizmo}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
`;

/** The header line, with kubectl's column padding reduced to single spaces. */
const header = (out: string) => out.split('\n')[0]!.trim().split(/\s{2,}/).join(' | ');

describe('tables', () => {
  let s: TestSkiff;
  const get = (...args: string[]) => s.kubectl.ok(['get', ...args]);

  before(async () => {
    s = await startTestSkiff();
    await installWidgetCrd(s.kubectl);
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: GIZMO_CRD });
    await s.kubectl.ok(['wait', '--for', 'condition=established', '--timeout=20s', 'crd/gizmos.example.com']);
  });
  after(async () => {
    await s?.stop();
  });

  it('prints a CRD\'s printer columns, the priority-1 column only with -o wide', async () => {
    await s.kubectl.ok(['create', '-f', '-'], { stdin: widget('w-b', { size: 3, owner: 'alice' }) });
    await s.kubectl.ok(['create', '-f', '-'], { stdin: widget('w-a', { size: 10, color: 'blue' }) });
    await s.kubectl.ok(['patch', 'widget', 'w-b', '--subresource=status', '--type=merge', '-p', '{"status":{"conditions":[{"type":"Ready","status":"True"}]}}']);

    const plain = await get('widgets');
    assert.equal(header(plain), 'NAME | SIZE | COLOR | READY | AGE');
    assert.match(plain, /^NAME\s+SIZE\s+COLOR\s+READY\s+AGE\nw-a\s+10\s+blue\s+\d+s\nw-b\s+3\s+red\s+True\s+\d+s\n$/);

    const wide = await get('widgets', '-o', 'wide');
    assert.equal(header(wide), 'NAME | SIZE | COLOR | READY | AGE | OWNER');
    assert.match(wide, /\nw-b\s+3\s+red\s+True\s+\d+s\s+alice\n/);

    const all = await get('widgets', '-A');
    assert.equal(header(all), 'NAMESPACE | NAME | SIZE | COLOR | READY | AGE');
    assert.match(all, /^default\s+w-a\s+10\s+blue\s+\d+s$/m);

    assert.match(await get('widget', 'w-a', '--no-headers'), /^w-a\s+10\s+blue\s+\d+s\n$/);
    assert.equal(await get('widgets', '-o', 'name'), 'widget.example.com/w-a\nwidget.example.com/w-b\n');
    await s.kubectl.ok(['label', 'widget', 'w-a', 'tier=gold']);
    assert.match(await get('widgets', '--show-labels'), /^NAME\s+SIZE\s+COLOR\s+READY\s+AGE\s+LABELS\nw-a\s+10\s+blue\s+\d+s\s+tier=gold\nw-b\s+3\s+red\s+True\s+\d+s\s+<none>\n$/);
  });

  it('prints NAME and AGE for a CRD without printer columns', async () => {
    await s.kubectl.ok(['create', '-f', '-'], { stdin: '{"apiVersion":"example.com/v1","kind":"Gizmo","metadata":{"name":"g1"},"spec":{"any":"thing"}}' });
    const out = await get('gizmos');
    assert.match(out, /^NAME\s+AGE\ng1\s+\d+s\n$/);
    assert.equal(header(await get('gizmos', '-o', 'wide')), 'NAME | AGE');
  });

  it('prints CustomResourceDefinitions with the raw creation time', async () => {
    assert.match(await get('crd', 'widgets.example.com'), /^NAME\s+CREATED AT\nwidgets\.example\.com\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$/);
  });

  it('prints the built-in kinds\' columns', async () => {
    await s.kubectl.ok(['run', 'pod1', '--image=nginx', '--restart=Never']);
    await s.kubectl.ok(['create', 'service', 'clusterip', 'svc1', '--tcp=80:8080']);
    await s.kubectl.ok(['create', 'deployment', 'dep1', '--image=nginx', '--replicas=2']);
    await s.kubectl.ok(['create', 'secret', 'generic', 'sec1', '--from-literal=a=1', '--from-literal=b=2']);
    await s.kubectl.ok(['create', 'configmap', 'cm1', '--from-literal=a=1']);
    await s.kubectl.ok(['create', 'namespace', 'tables']);

    assert.equal(header(await get('pod', 'pod1')), 'NAME | READY | STATUS | RESTARTS | AGE');
    assert.equal(header(await get('pod', 'pod1', '-o', 'wide')), 'NAME | READY | STATUS | RESTARTS | AGE | IP | NODE | NOMINATED NODE | READINESS GATES');
    assert.match(await get('pod', 'pod1', '--no-headers'), /^pod1\s+\d\/1\s+\S+\s+\d+\s+\d+s\n$/);

    const svc = await get('service', 'svc1');
    assert.equal(header(svc), 'NAME | TYPE | CLUSTER-IP | EXTERNAL-IP | PORT(S) | AGE');
    assert.match(svc, /\nsvc1\s+ClusterIP\s+\d+\.\d+\.\d+\.\d+\s+<none>\s+80\/TCP\s+\d+s\n$/);
    assert.equal(header(await get('service', 'svc1', '-o', 'wide')), 'NAME | TYPE | CLUSTER-IP | EXTERNAL-IP | PORT(S) | AGE | SELECTOR');
    assert.match(await get('service', 'svc1', '-o', 'wide'), /\s+app=svc1\n$/);

    assert.equal(header(await get('deployment', 'dep1')), 'NAME | READY | UP-TO-DATE | AVAILABLE | AGE');
    const wideDeploy = await get('deployment', 'dep1', '-o', 'wide');
    assert.equal(header(wideDeploy), 'NAME | READY | UP-TO-DATE | AVAILABLE | AGE | CONTAINERS | IMAGES | SELECTOR');
    assert.match(wideDeploy, /\ndep1\s+\d\/2\s+\d+\s+\d+\s+\d+s\s+nginx\s+nginx\s+app=dep1\n$/);

    assert.match(await get('secret', 'sec1'), /^NAME\s+TYPE\s+DATA\s+AGE\nsec1\s+Opaque\s+2\s+\d+s\n$/);
    assert.match(await get('configmap', 'cm1'), /^NAME\s+DATA\s+AGE\ncm1\s+1\s+\d+s\n$/);
    assert.match(await get('namespace', 'tables'), /^NAME\s+STATUS\s+AGE\ntables\s+Active\s+\d+s\n$/);
  });

  it('prints ReplicaSets and Events with their columns', async () => {
    const rs = {
      apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs1', namespace: 'tables' },
      spec: { replicas: 0, selector: { matchLabels: { app: 'rs1' } }, template: { metadata: { labels: { app: 'rs1' } }, spec: { containers: [{ name: 'web', image: 'nginx:1' }] } } },
    };
    await s.kubectl.ok(['create', '-f', '-'], { stdin: JSON.stringify(rs) });
    assert.match(await get('-n', 'tables', 'rs', 'rs1'), /^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE\nrs1\s+0\s+\d+\s+\d+\s+\d+s\n$/);
    assert.equal(header(await get('-n', 'tables', 'rs', 'rs1', '-o', 'wide')), 'NAME | DESIRED | CURRENT | READY | AGE | CONTAINERS | IMAGES | SELECTOR');

    const event = {
      apiVersion: 'v1', kind: 'Event', metadata: { name: 'ev1', namespace: 'tables' },
      involvedObject: { apiVersion: 'v1', kind: 'ConfigMap', name: 'cm-x', namespace: 'tables' },
      reason: 'Boom', message: 'it broke', type: 'Warning', count: 3,
      source: { component: 'tester', host: 'h1' },
      firstTimestamp: new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z'),
      lastTimestamp: new Date(Date.now() - 120_000).toISOString().replace(/\.\d+Z$/, 'Z'),
    };
    await s.kubectl.ok(['create', '-f', '-'], { stdin: JSON.stringify(event) });
    const events = await get('-n', 'tables', 'events');
    assert.equal(header(events), 'LAST SEEN | TYPE | REASON | OBJECT | MESSAGE');
    assert.match(events, /\n2m\d*s?\s+Warning\s+Boom\s+configmap\/cm-x\s+it broke\n$/);
    const wide = await get('-n', 'tables', 'events', '-o', 'wide');
    assert.equal(header(wide), 'LAST SEEN | TYPE | REASON | OBJECT | SUBOBJECT | SOURCE | MESSAGE | FIRST SEEN | COUNT | NAME');
    assert.match(wide, /\n2m\d*s?\s+Warning\s+Boom\s+configmap\/cm-x\s+tester, h1\s+it broke\s+60m\s+3\s+ev1\n$/);
  });
});
