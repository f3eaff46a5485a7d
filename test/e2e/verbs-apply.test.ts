/**
 * `kubectl apply`, `create -f`, `replace -f` and `--dry-run=server` against a real skiff:
 * directories and multi-document files mixing built-in and custom kinds, client-side apply
 * of a custom kind (JSON merge patch, three-way: fields dropped from the manifest are
 * removed, fields set by others kept), server-side apply (managedFields, conflicts,
 * --force-conflicts, migration from client-side apply).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';
import { installGadgetCrd, requestContentTypes, scratchDir } from './verbs-fixtures.ts';

interface Managed {
  manager: string;
  operation: string;
  fieldsV1?: Record<string, unknown>;
}

describe('kubectl apply, create -f, replace -f and server dry-run', () => {
  let s: TestSkiff;
  const scratch = scratchDir('skiff-verbs-apply-');
  const json = async (args: string[]) => JSON.parse(await s.kubectl.ok([...args, '-o', 'json']));
  const managers = async (args: string[]): Promise<Managed[]> => (await json([...args, '--show-managed-fields'])).metadata.managedFields as Managed[];

  before(async () => {
    s = await startTestSkiff();
    await installGadgetCrd(s.kubectl);
  });
  after(async () => {
    await s?.stop();
    scratch.remove();
  });

  it('applies a directory: every .yaml/.yml/.json file, multi-document files, built-in and custom kinds', async () => {
    scratch.file('dir/01-config.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dir-cm}\ndata: {a: "1"}\n');
    scratch.file('dir/02-mesh.yaml', `# a leading comment document
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: dir-gw}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["*"]
---
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: dir-vs}
spec:
  hosts: ["*"]
  gateways: [dir-gw]
  http:
  - route:
    - destination: {host: dir-svc}
`);
    scratch.file('dir/03-knative.json', JSON.stringify({
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name: 'dir-ksvc' },
      spec: { template: { spec: { containers: [{ image: 'gcr.io/knative-samples/helloworld-go' }] } } },
    }));
    scratch.file('dir/04-gadgets.yml', 'apiVersion: verbs.example.com/v1\nkind: Gadget\nmetadata: {name: dir-g1}\nspec: {size: 1}\n---\napiVersion: verbs.example.com/v1\nkind: Gadget\nmetadata: {name: dir-g2}\nspec: {size: 2}\n');
    scratch.file('dir/README.txt', 'not a manifest: kubectl skips files without a manifest extension\n');
    scratch.file('dir/nested/05-secret.yaml', 'apiVersion: v1\nkind: Secret\nmetadata: {name: dir-secret}\nstringData: {k: v}\n');

    const out = await s.kubectl.ok(['apply', '-f', `${scratch.dir}/dir/`]);
    assert.equal(out, [
      'configmap/dir-cm created',
      'gateway.networking.istio.io/dir-gw created',
      'virtualservice.networking.istio.io/dir-vs created',
      'service.serving.knative.dev/dir-ksvc created',
      'gadget.verbs.example.com/dir-g1 created',
      'gadget.verbs.example.com/dir-g2 created',
      '',
    ].join('\n'));
    // Without -R the nested folder is not visited; with it, it is, and the rest is unchanged.
    assert.notEqual((await s.kubectl(['get', 'secret', 'dir-secret'])).code, 0);
    const again = await s.kubectl.ok(['apply', '-R', '-f', `${scratch.dir}/dir/`]);
    assert.match(again, /^configmap\/dir-cm unchanged$/m);
    assert.match(again, /^gadget\.verbs\.example\.com\/dir-g2 unchanged$/m);
    assert.match(again, /^secret\/dir-secret created$/m);
    const names = await s.kubectl.ok(['get', 'cm/dir-cm', 'gw/dir-gw', 'vs/dir-vs', 'ksvc/dir-ksvc', 'gd/dir-g1', 'gd/dir-g2', '-o', 'name']);
    assert.equal(names.trim().split('\n').length, 6);
    // Every applied object carries its last-applied configuration.
    const g1 = await json(['get', 'gd', 'dir-g1']);
    assert.deepEqual(JSON.parse(g1.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).spec, { size: 1 });
  });

  it('applies a multi-document file and a List, mixing kinds, and reports per object', async () => {
    const p = scratch.file('mixed.yaml', `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: list-cm}
- apiVersion: verbs.example.com/v1
  kind: Gadget
  metadata: {name: list-g}
  spec: {size: 3}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default}
spec: {mtls: {mode: STRICT}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: mixed-web}
spec:
  selector: {matchLabels: {app: mixed-web}}
  template:
    metadata: {labels: {app: mixed-web}}
    spec: {containers: [{name: web, image: nginx}]}
`);
    assert.equal(await s.kubectl.ok(['apply', '-f', p]), 'configmap/list-cm created\ngadget.verbs.example.com/list-g created\npeerauthentication.security.istio.io/default created\ndeployment.apps/mixed-web created\n');
    // An invalid document fails alone: the others are still applied and kubectl exits 1.
    const bad = scratch.file('mixed-bad.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: good-one}\n---\napiVersion: verbs.example.com/v1\nkind: Gadget\nmetadata: {name: bad-one}\nspec: {size: 0}\n');
    const r = await s.kubectl(['apply', '-f', bad]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /configmap\/good-one created/);
    assert.match(r.stderr, /The Gadget "bad-one" is invalid: spec\.size: Invalid value: 0: spec\.size in body should be greater than or equal to 1/);
    assert.notEqual((await s.kubectl(['get', 'gd', 'bad-one'])).code, 0);
  });

  it('client-side applies a custom kind with a three-way JSON merge patch', async () => {
    const v1 = scratch.file('csa-g1.yaml', 'apiVersion: verbs.example.com/v1\nkind: Gadget\nmetadata:\n  name: csa\n  labels: {team: a, tier: web}\nspec: {size: 2, color: red, tags: [p, q]}\n');
    await s.kubectl.ok(['apply', '-f', v1]);
    // Someone else labels the object and sets a field the manifest never mentions.
    await s.kubectl.ok(['label', 'gd', 'csa', 'owner=ops']);
    await s.kubectl.ok(['patch', 'gd', 'csa', '--type=merge', '-p', '{"metadata":{"annotations":{"note":"kept"}}}']);

    const v2 = scratch.file('csa-g2.yaml', 'apiVersion: verbs.example.com/v1\nkind: Gadget\nmetadata:\n  name: csa\n  labels: {team: a}\nspec: {size: 3, tags: [z]}\n');
    const r = await s.kubectl(['apply', '-f', v2, '-v=8']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /gadget\.verbs\.example\.com\/csa configured/);
    assert.deepEqual(requestContentTypes(r.stderr, 'PATCH'), ['application/merge-patch+json']);

    const g = await json(['get', 'gd', 'csa']);
    assert.deepEqual(g.spec, { size: 3, tags: ['z'] }, 'color removed with the manifest; the list replaced whole');
    assert.deepEqual(g.metadata.labels, { team: 'a', owner: 'ops' }, 'tier removed, the label set by someone else kept');
    assert.equal(g.metadata.annotations.note, 'kept');
    assert.deepEqual(JSON.parse(g.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']), {
      apiVersion: 'verbs.example.com/v1', kind: 'Gadget', metadata: { annotations: {}, labels: { team: 'a' }, name: 'csa', namespace: 'default' }, spec: { size: 3, tags: ['z'] },
    });
    assert.equal(g.metadata.generation, 2);
    assert.match(await s.kubectl.ok(['apply', '-f', v2]), /gadget\.verbs\.example\.com\/csa unchanged/);

    // A built-in kind gets a strategic merge patch instead.
    const d = scratch.file('csa-deploy.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: csa-web}\nspec:\n  selector: {matchLabels: {app: csa-web}}\n  template:\n    metadata: {labels: {app: csa-web}}\n    spec: {containers: [{name: web, image: nginx:1}]}\n');
    await s.kubectl.ok(['apply', '-f', d]);
    const r2 = await s.kubectl(['apply', '-f', scratch.file('csa-deploy.yaml', readFileSync(d, 'utf8').replace('nginx:1', 'nginx:2')), '-v=8']);
    assert.equal(r2.code, 0, r2.stderr);
    assert.deepEqual(requestContentTypes(r2.stderr, 'PATCH'), ['application/strategic-merge-patch+json']);
  });

  it('server-side applies: managedFields, conflicts naming the manager and field, --force-conflicts', async () => {
    const mine = scratch.file('ssa-1.yaml', 'apiVersion: verbs.example.com/v1\nkind: Gadget\nmetadata: {name: ssa}\nspec: {size: 2, color: red}\n');
    assert.match(await s.kubectl.ok(['apply', '--server-side', '-f', mine]), /gadget\.verbs\.example\.com\/ssa serverside-applied/);
    const plain = await s.kubectl.ok(['get', 'gd', 'ssa', '-o', 'yaml']);
    assert.doesNotMatch(plain, /managedFields/, 'kubectl hides managedFields unless asked');
    const shown = await s.kubectl.ok(['get', 'gd', 'ssa', '-o', 'yaml', '--show-managed-fields']);
    assert.match(shown, /managedFields:\n {2}- apiVersion: verbs\.example\.com\/v1\n {4}fieldsType: FieldsV1\n {4}fieldsV1:\n {6}f:spec:\n {8}f:color: \{\}\n {8}f:size: \{\}\n {4}manager: kubectl\n {4}operation: Apply\n {4}time: "[^"]+"/);
    assert.doesNotMatch(shown, /last-applied-configuration/, 'server-side apply does not write the client-side annotation');

    const theirs = scratch.file('ssa-2.yaml', 'apiVersion: verbs.example.com/v1\nkind: Gadget\nmetadata: {name: ssa}\nspec: {size: 5}\n');
    const conflict = await s.kubectl(['apply', '--server-side', '--field-manager=robot', '-f', theirs]);
    assert.equal(conflict.code, 1);
    assert.match(conflict.stderr, /^error: Apply failed with 1 conflict: conflict with "kubectl": \.spec\.size\nPlease review the fields above--they currently have other managers\. Here\nare the ways you can resolve this warning:\n\* If you intend to manage all of these fields, please re-run the apply\n {2}command with the `--force-conflicts` flag\./m);
    assert.equal((await json(['get', 'gd', 'ssa'])).spec.size, 2, 'a conflicting apply changes nothing');
    // Applying the same value is shared ownership, not a conflict.
    assert.match(await s.kubectl.ok(['apply', '--server-side', '--field-manager=sharer', '-f', scratch.file('ssa-3.yaml', 'apiVersion: verbs.example.com/v1\nkind: Gadget\nmetadata: {name: ssa}\nspec: {color: red}\n')]), /serverside-applied/);

    assert.match(await s.kubectl.ok(['apply', '--server-side', '--field-manager=robot', '--force-conflicts', '-f', theirs]), /serverside-applied/);
    const g = await json(['get', 'gd', 'ssa', '--show-managed-fields']);
    assert.equal(g.spec.size, 5);
    const byManager = Object.fromEntries((g.metadata.managedFields as Managed[]).map((m) => [m.manager, m.fieldsV1]));
    assert.deepEqual(byManager.kubectl, { 'f:spec': { 'f:color': {} } }, 'kubectl lost .spec.size');
    assert.deepEqual(byManager.robot, { 'f:spec': { 'f:size': {} } });
    assert.deepEqual(byManager.sharer, { 'f:spec': { 'f:color': {} } });

    // kubectl's first manager now applies without size: the field stays, robot owns it.
    await s.kubectl.ok(['apply', '--server-side', '-f', scratch.file('ssa-4.yaml', 'apiVersion: verbs.example.com/v1\nkind: Gadget\nmetadata: {name: ssa}\nspec: {color: red}\n')]);
    assert.deepEqual((await json(['get', 'gd', 'ssa'])).spec, { size: 5, color: 'red' });
  });

  it('migrates a client-side applied object to server-side apply cleanly', async () => {
    const v1 = scratch.file('mig-1.yaml', `apiVersion: apps/v1
kind: Deployment
metadata: {name: mig, labels: {app: mig, extra: "yes"}}
spec:
  replicas: 2
  selector: {matchLabels: {app: mig}}
  template:
    metadata: {labels: {app: mig}}
    spec:
      containers:
      - {name: a, image: nginx, env: [{name: X, value: "1"}]}
`);
    await s.kubectl.ok(['apply', '-f', v1]);
    // Only kubectl's managers matter here; the deployment controller writes as its own manager.
    const kubectlManagers = (list: Managed[]) => list.filter((m) => m.manager.startsWith('kubectl'));
    assert.deepEqual(kubectlManagers(await managers(['get', 'deploy', 'mig'])).map((m) => [m.manager, m.operation]), [['kubectl-client-side-apply', 'Update']]);

    assert.match(await s.kubectl.ok(['apply', '--server-side', '-f', v1]), /deployment\.apps\/mig serverside-applied/);
    const after1 = await managers(['get', 'deploy', 'mig']);
    assert.ok(!after1.some((m) => m.manager === 'kubectl-client-side-apply'), JSON.stringify(after1));
    assert.ok(after1.some((m) => m.manager === 'kubectl' && m.operation === 'Apply'));

    // What client-side apply owned is now kubectl's: dropping it from the manifest removes it.
    const v2 = scratch.file('mig-2.yaml', readFileSync(v1, 'utf8').replace(', extra: "yes"', '').replace(', env: [{name: X, value: "1"}]', ''));
    await s.kubectl.ok(['apply', '--server-side', '-f', v2]);
    const d = await json(['get', 'deploy', 'mig']);
    assert.deepEqual(d.metadata.labels, { app: 'mig' });
    assert.equal(d.spec.template.spec.containers[0].env, undefined);
    // The last-applied annotation, kept by the server, follows the server-side manifest.
    assert.equal(JSON.parse(d.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).metadata.labels.extra, undefined);

    // The same for a custom kind.
    const g1 = scratch.file('mig-g1.yaml', 'apiVersion: verbs.example.com/v1\nkind: Gadget\nmetadata: {name: mig-g}\nspec: {size: 1, color: blue}\n');
    await s.kubectl.ok(['apply', '-f', g1]);
    await s.kubectl.ok(['apply', '--server-side', '-f', g1]);
    await s.kubectl.ok(['apply', '--server-side', '-f', scratch.file('mig-g2.yaml', 'apiVersion: verbs.example.com/v1\nkind: Gadget\nmetadata: {name: mig-g}\nspec: {size: 1}\n')]);
    assert.deepEqual((await json(['get', 'gd', 'mig-g'])).spec, { size: 1 });
  });

  it('creates from a multi-document file and reports AlreadyExists per object', async () => {
    const p = scratch.file('create.yaml', `apiVersion: v1
kind: ConfigMap
metadata: {name: cr-cm}
data: {a: "1"}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: cr-dr}
spec: {host: cr-svc, trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}}
---
apiVersion: verbs.example.com/v1
kind: Gadget
metadata: {name: cr-g}
spec: {size: 4}
`);
    assert.equal(await s.kubectl.ok(['create', '-f', p]), 'configmap/cr-cm created\ndestinationrule.networking.istio.io/cr-dr created\ngadget.verbs.example.com/cr-g created\n');
    const again = await s.kubectl(['create', '-f', p]);
    assert.equal(again.code, 1);
    assert.equal(again.stderr, [
      `Error from server (AlreadyExists): error when creating "${p}": configmaps "cr-cm" already exists`,
      `Error from server (AlreadyExists): error when creating "${p}": destinationrules.networking.istio.io "cr-dr" already exists`,
      `Error from server (AlreadyExists): error when creating "${p}": gadgets.verbs.example.com "cr-g" already exists`,
      '',
    ].join('\n'));
    // `create` records no last-applied configuration.
    assert.equal((await json(['get', 'gd', 'cr-g'])).metadata.annotations, undefined);
  });

  it('replaces from a multi-document file; Knative refuses a replace that drops its creator annotation', async () => {
    const p = scratch.file('replace.yaml', `apiVersion: v1
kind: ConfigMap
metadata: {name: cr-cm}
data: {b: "2"}
---
apiVersion: verbs.example.com/v1
kind: Gadget
metadata: {name: cr-g}
spec: {size: 6}
`);
    assert.equal(await s.kubectl.ok(['replace', '-f', p]), 'configmap/cr-cm replaced\ngadget.verbs.example.com/cr-g replaced\n');
    assert.deepEqual((await json(['get', 'cm', 'cr-cm'])).data, { b: '2' });
    const g = await json(['get', 'gd', 'cr-g']);
    assert.deepEqual(g.spec, { size: 6 });
    assert.equal(g.metadata.generation, 2);
    const missing = await s.kubectl(['replace', '-f', scratch.file('replace-missing.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: never-created}\n')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Error from server \(NotFound\): error when replacing ".*replace-missing\.yaml": configmaps "never-created" not found/);

    // The Knative webhook keeps serving.knative.dev/creator immutable, so a replace with a
    // manifest that lacks it is refused as on a real cluster; one that carries it passes.
    const ksvc = (annotations: string) => `apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: rep-ksvc${annotations}
spec:
  template:
    spec:
      containers:
      - image: gcr.io/knative-samples/helloworld-go
        env: [{name: TARGET, value: v2}]
`;
    await s.kubectl.ok(['create', '-f', scratch.file('ksvc-1.yaml', ksvc(''))]);
    const refused = await s.kubectl(['replace', '-f', scratch.file('ksvc-2.yaml', ksvc(''))]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /admission webhook "validation\.webhook\.serving\.knative\.dev" denied the request: validation failed: annotation value is immutable: metadata\.annotations\.serving\.knative\.dev\/creator/);
    const creator = (await json(['get', 'ksvc', 'rep-ksvc'])).metadata.annotations['serving.knative.dev/creator'] as string;
    assert.match(await s.kubectl.ok(['replace', '-f', scratch.file('ksvc-3.yaml', ksvc(`\n  annotations: {serving.knative.dev/creator: ${creator}}`))]), /service\.serving\.knative\.dev\/rep-ksvc replaced/);
    assert.equal((await json(['get', 'ksvc', 'rep-ksvc'])).spec.template.spec.containers[0].env[0].value, 'v2');
  });

  it('dry-runs create, apply and delete on the server without storing or removing anything', async () => {
    const p = scratch.file('dry.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dry-cm}\ndata: {a: "1"}\n---\napiVersion: verbs.example.com/v1\nkind: Gadget\nmetadata: {name: dry-g}\nspec: {size: 1}\n');
    assert.equal(await s.kubectl.ok(['create', '-f', p, '--dry-run=server']), 'configmap/dry-cm created (server dry run)\ngadget.verbs.example.com/dry-g created (server dry run)\n');
    // The dry-run answer is the object as it would be stored (uid, creationTimestamp …).
    const would = JSON.parse(await s.kubectl.ok(['create', 'configmap', 'dry-lit', '--from-literal=k=v', '--dry-run=server', '-o', 'json']));
    assert.match(would.metadata.uid, /^[0-9a-f-]{36}$/);
    for (const args of [['cm', 'dry-cm'], ['gd', 'dry-g'], ['cm', 'dry-lit']]) assert.notEqual((await s.kubectl(['get', ...args])).code, 0, `${args.join('/')} must not exist`);

    assert.equal(await s.kubectl.ok(['apply', '-f', p, '--dry-run=server']), 'configmap/dry-cm created (server dry run)\ngadget.verbs.example.com/dry-g created (server dry run)\n');
    assert.equal(await s.kubectl.ok(['apply', '--server-side', '-f', p, '--dry-run=server']), 'configmap/dry-cm serverside-applied (server dry run)\ngadget.verbs.example.com/dry-g serverside-applied (server dry run)\n');
    assert.notEqual((await s.kubectl(['get', 'gd', 'dry-g'])).code, 0);

    await s.kubectl.ok(['apply', '-f', p]);
    const before = await json(['get', 'gd', 'dry-g']);
    const changed = scratch.file('dry-2.yaml', 'apiVersion: verbs.example.com/v1\nkind: Gadget\nmetadata: {name: dry-g}\nspec: {size: 9}\n');
    assert.match(await s.kubectl.ok(['apply', '-f', changed, '--dry-run=server']), /gadget\.verbs\.example\.com\/dry-g configured \(server dry run\)/);
    assert.equal(await s.kubectl.ok(['apply', '-f', changed, '--dry-run=server', '-o', 'jsonpath={.spec.size}']), '9');
    const unchanged = await json(['get', 'gd', 'dry-g']);
    assert.equal(unchanged.spec.size, 1);
    assert.equal(unchanged.metadata.resourceVersion, before.metadata.resourceVersion);

    assert.equal(await s.kubectl.ok(['delete', '-f', p, '--dry-run=server']), 'configmap "dry-cm" deleted (server dry run)\ngadget.verbs.example.com "dry-g" deleted (server dry run)\n');
    assert.equal((await json(['get', 'gd', 'dry-g'])).metadata.resourceVersion, before.metadata.resourceVersion);
    await s.kubectl.ok(['get', 'cm', 'dry-cm']);
  });
});
