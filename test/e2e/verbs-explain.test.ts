/**
 * `kubectl explain` for every kind skiff serves, in every served version (discovery decides
 * the list), plus exact output for a few fields whose rendering depends on how the OpenAPI v3
 * documents are shaped (named Go types, booleans of a CRD schema, Knative's templates).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';
import { installGadgetCrd } from './verbs-fixtures.ts';

interface ServedResource {
  name: string;
  group: string;
  version: string;
  kind: string;
}

/** Runs `work` over `items` with at most `limit` in flight (kubectl processes, not threads). */
async function inBatches<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

describe('kubectl explain', () => {
  let s: TestSkiff;
  const served: ServedResource[] = [];

  before(async () => {
    s = await startTestSkiff();
    await installGadgetCrd(s.kubectl);
    // Every resource of every served group-version, from discovery (not a list in this test).
    const versions = (await s.kubectl.ok(['api-versions'])).trim().split('\n');
    for (const gv of versions) {
      const list = JSON.parse(await s.kubectl.ok(['get', '--raw', gv === 'v1' ? '/api/v1' : `/apis/${gv}`])) as { resources: Array<{ name: string; kind: string }> };
      const [group, version] = gv.includes('/') ? gv.split('/') as [string, string] : ['', gv];
      for (const r of list.resources) if (!r.name.includes('/')) served.push({ name: r.name, group, version, kind: r.kind });
    }
  });
  after(async () => {
    await s?.stop();
  });

  it('covers every resource `kubectl api-resources` lists', async () => {
    const names = (await s.kubectl.ok(['api-resources', '-o', 'name'])).trim().split('\n');
    for (const name of names) {
      const [plural, ...group] = name.split('.');
      assert.ok(served.some((r) => r.name === plural && r.group === group.join('.')), `${name} is explained`);
    }
    assert.ok(served.length > names.length, 'older served versions are explained too');
  });

  it('explains every kind in every served version: KIND, VERSION, DESCRIPTION and FIELDS', async () => {
    const failures: string[] = [];
    await inBatches(served, 8, async (r) => {
      const apiVersion = r.group === '' ? r.version : `${r.group}/${r.version}`;
      const out = await s.kubectl(['explain', r.name, `--api-version=${apiVersion}`]);
      const header = `${r.group === '' ? '' : `GROUP:      ${r.group}\n`}KIND:       ${r.kind}\nVERSION:    ${r.version}\n\nDESCRIPTION:\n`;
      if (out.code !== 0) return void failures.push(`${apiVersion} ${r.name}: exit ${out.code}: ${out.stderr}`);
      if (!out.stdout.startsWith(header)) return void failures.push(`${apiVersion} ${r.name}: header\n${out.stdout.slice(0, 200)}`);
      const fields = [...out.stdout.matchAll(/^ {2}([A-Za-z$][\w$-]*)\t<([^>]+)>/gm)].map((m) => ({ name: m[1]!, type: m[2]! }));
      for (const required of ['apiVersion', 'kind', 'metadata']) {
        if (!fields.some((f) => f.name === required)) failures.push(`${apiVersion} ${r.name}: no ${required} field`);
      }
      if (!fields.some((f) => f.name === 'metadata' && f.type === 'ObjectMeta')) failures.push(`${apiVersion} ${r.name}: metadata is not <ObjectMeta>`);
      // Drill into the kind's own first field (spec, data, subsets …).
      const own = fields.find((f) => !['apiVersion', 'kind', 'metadata'].includes(f.name));
      if (!own) return void failures.push(`${apiVersion} ${r.name}: no field of its own`);
      const field = await s.kubectl(['explain', `${r.name}.${own.name}`, `--api-version=${apiVersion}`]);
      if (field.code !== 0 || !field.stdout.includes(`\nFIELD: ${own.name} <${own.type}>`)) failures.push(`${apiVersion} ${r.name}.${own.name}: ${field.stderr}${field.stdout.slice(0, 300)}`);
    });
    assert.deepEqual(failures, []);
  });

  it('prints a boolean of a custom resource schema', async () => {
    assert.equal(await s.kubectl.ok(['explain', 'smcp.spec.security.dataPlane.mtls']), [
      'GROUP:      maistra.io',
      'KIND:       ServiceMeshControlPlane',
      'VERSION:    v2',
      '',
      'FIELD: mtls <boolean>',
      '',
      '',
      'DESCRIPTION:',
      '    <empty>',
      '',
      '',
    ].join('\n'));
  });

  it('names the Go types of compiled-in kinds', async () => {
    const containers = await s.kubectl.ok(['explain', 'pods.spec.containers']);
    assert.ok(containers.startsWith('KIND:       Pod\nVERSION:    v1\n\nFIELD: containers <[]Container>\n\n\nDESCRIPTION:\n    List of containers belonging to the pod. Containers cannot currently be\n    added or removed. There must be at least one container in a Pod. Cannot be\n    updated.\n    A single application container that you want to run within a pod.\n'), containers.slice(0, 600));
    for (const field of [/^ {2}args\t<\[\]string>$/m, /^ {2}env\t<\[\]EnvVar>$/m, /^ {2}image\t<string>$/m, /^ {2}livenessProbe\t<Probe>$/m, /^ {2}name\t<string> -required-$/m, /^ {2}ports\t<\[\]ContainerPort>$/m, /^ {2}resources\t<ResourceRequirements>$/m, /^ {2}securityContext\t<SecurityContext>$/m, /^ {2}volumeMounts\t<\[\]VolumeMount>$/m]) {
      assert.match(containers, field);
    }
    assert.match(await s.kubectl.ok(['explain', 'pods']), /^ {2}spec\t<PodSpec>\n/m);
    assert.match(await s.kubectl.ok(['explain', 'deployments.spec']), /^ {2}template\t<PodTemplateSpec> -required-$/m);
    assert.match(await s.kubectl.ok(['explain', 'svc.spec.ports.targetPort']), /^FIELD: targetPort <IntOrString>$/m);
    assert.match(await s.kubectl.ok(['explain', 'pods.spec.containers.resources']), /^ {2}limits\t<map\[string\]Quantity>$/m);
    assert.match(await s.kubectl.ok(['explain', 'deploy.spec.selector']), /^FIELD: selector <LabelSelector>$/m);
    const recursive = await s.kubectl.ok(['explain', 'configmaps', '--recursive']);
    assert.match(recursive, /^FIELDS:\n {2}apiVersion\t<string>\n {2}binaryData\t<map\[string\]string>\n {2}data\t<map\[string\]string>\n {2}immutable\t<boolean>\n {2}kind\t<string>\n {2}metadata\t<ObjectMeta>\n {4}annotations\t<map\[string\]string>\n/m);
  });

  it('explains Knative templates and Istio specs from their CRD schemas', async () => {
    const template = await s.kubectl.ok(['explain', 'ksvc.spec.template']);
    assert.ok(template.startsWith('GROUP:      serving.knative.dev\nKIND:       Service\nVERSION:    v1\n\nFIELD: template <Object>\n\n\nDESCRIPTION:\n    Template holds the latest specification for the Revision to be stamped out.\n'), template);
    assert.match(template, /^FIELDS:\n {2}metadata\t<Object>\n(.*\n)* {2}spec\t<Object>\n {4}RevisionSpec holds the desired state of the Revision \(from the client\)\.\n/m);
    const containers = await s.kubectl.ok(['explain', 'ksvc.spec.template.spec.containers']);
    assert.match(containers, /^FIELD: containers <\[\]Object>$/m);
    assert.match(containers, /^ {2}env\t<\[\]Object>$/m);
    assert.match(await s.kubectl.ok(['explain', 'gateways.spec.servers']), /^ {2}hosts\t<\[\]string>\n {4}One or more hosts exposed by this gateway\.$/m);
    assert.match(await s.kubectl.ok(['explain', 'gadget.spec']), /^ {2}size\t<integer>$/m);
    const missing = await s.kubectl(['explain', 'ksvc.spec.nope']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /field "nope" does not exist/);
  });
});
