/**
 * Compiled-in kinds in the group-version documents: Go types as named components, fields
 * referring to them (what makes `kubectl explain` print `<[]Container>` and `<IntOrString>`).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deploymentKind } from '../../api/builtin/apps/deployment.ts';
import { configMapKind } from '../../api/builtin/core/config-map.ts';
import { podKind } from '../../api/builtin/core/pod.ts';
import { serviceKind } from '../../api/builtin/core/service.ts';
import { buildGroupVersionDoc } from './document.ts';
import type { OpenApiSchema } from './meta-components.ts';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function allRefs(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => allRefs(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.add(v.replace('#/components/schemas/', ''));
      else allRefs(v, out);
    }
  }
  return out;
}

describe('compiled-in kinds as OpenAPI v3 components', () => {
  const core = buildGroupVersionDoc('', 'v1', [podKind(), serviceKind(), configMapKind()]).components.schemas;
  const apps = buildGroupVersionDoc('apps', 'v1', [deploymentKind()]).components.schemas;
  const props = (schemas: Record<string, OpenApiSchema>, name: string) => schemas[name]!['properties'] as Record<string, OpenApiSchema>;

  it('refers fields to the Go types, keeping the field descriptions beside the reference', () => {
    const spec = props(core, 'io.k8s.api.core.v1.Pod')['spec']!;
    assert.deepEqual(spec['allOf'], [ref('io.k8s.api.core.v1.PodSpec')]);
    assert.match(spec['description'] as string, /^Specification of the desired behavior of the pod\./);
    const containers = props(core, 'io.k8s.api.core.v1.PodSpec')['containers']!;
    assert.equal(containers['type'], 'array');
    assert.deepEqual(containers['items'], ref('io.k8s.api.core.v1.Container'));
    assert.equal(containers['x-kubernetes-patch-merge-key'], 'name');
    assert.match(core['io.k8s.api.core.v1.Container']!['description'] as string, /^A single application container/);
  });

  it('publishes IntOrString and Quantity as the scalar unions Kubernetes serves', () => {
    const targetPort = props(core, 'io.k8s.api.core.v1.ServicePort')['targetPort']!;
    assert.deepEqual(targetPort['allOf'], [ref('io.k8s.apimachinery.pkg.util.intstr.IntOrString')]);
    assert.equal(targetPort['x-kubernetes-int-or-string'], undefined);
    assert.deepEqual(core['io.k8s.apimachinery.pkg.util.intstr.IntOrString']!['oneOf'], [{ type: 'integer' }, { type: 'string' }]);
    const limits = props(core, 'io.k8s.api.core.v1.ResourceRequirements')['limits']!;
    assert.deepEqual(limits['additionalProperties'], ref('io.k8s.apimachinery.pkg.api.resource.Quantity'));
    assert.match(core['io.k8s.apimachinery.pkg.api.resource.Quantity']!['description'] as string, /^Quantity is a fixed-point representation of a number\./);
  });

  it('keeps metadata on the shared ObjectMeta and Time components', () => {
    assert.deepEqual(props(core, 'io.k8s.api.core.v1.Pod')['metadata']!['allOf'], [ref('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta')]);
    assert.deepEqual(props(apps, 'io.k8s.api.core.v1.PodTemplateSpec')['metadata']!['allOf'], [ref('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta')]);
    assert.ok(props(core, 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta')['managedFields'], 'ObjectMeta is the shared one, not a copy');
    const started = props(core, 'io.k8s.api.core.v1.ContainerStateRunning')['startedAt']!;
    assert.deepEqual(started['allOf'], [ref('io.k8s.apimachinery.pkg.apis.meta.v1.Time')]);
  });

  it('gives each document every type its kinds reach, and nothing unresolved', () => {
    for (const schemas of [core, apps]) {
      for (const name of allRefs(schemas)) assert.ok(schemas[name], `unresolved ${name}`);
    }
    assert.deepEqual(props(apps, 'io.k8s.api.apps.v1.DeploymentSpec')['template']!['allOf'], [ref('io.k8s.api.core.v1.PodTemplateSpec')]);
    assert.ok(apps['io.k8s.api.core.v1.PodSpec'], 'apps/v1 carries the core types its kinds embed');
    assert.equal(apps['io.k8s.api.core.v1.Service'], undefined);
    // ConfigMap reaches no type but ObjectMeta.
    assert.deepEqual([...allRefs(core['io.k8s.api.core.v1.ConfigMap'])], ['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']);
  });
});
