import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KindDefinition } from '../../api/kind.ts';
import { buildGroupVersionDoc, buildOpenApiIndex, contentHash } from './document.ts';
import { openApiV3Response } from './http-response.ts';
import { definitionName } from './names.ts';
import { OpenApiV3Service } from './service.ts';
import { configMapKind, namespaceKind, smcpKind, widgetKind } from './testdata/kinds.ts';

type Obj = Record<string, unknown>;
const kinds = [smcpKind, configMapKind, namespaceKind, widgetKind];
const at = (o: unknown, ...keys: string[]): Obj => keys.reduce((x, k) => (x as Obj)[k] as Obj, o as Obj);

/** Every `$ref` string in a document. */
function refs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => refs(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refs(v, out);
    }
  }
  return out;
}

describe('definition names', () => {
  it('names compiled-in kinds after their Go package and custom kinds after the reversed group', () => {
    assert.equal(definitionName(configMapKind, 'v1', 'ConfigMap'), 'io.k8s.api.core.v1.ConfigMap');
    assert.equal(definitionName({ group: 'apps', builtin: true }, 'v1', 'Deployment'), 'io.k8s.api.apps.v1.Deployment');
    assert.equal(definitionName({ group: 'networking.k8s.io', builtin: true }, 'v1', 'NetworkPolicy'), 'io.k8s.api.networking.v1.NetworkPolicy');
    assert.equal(definitionName({ group: 'apiextensions.k8s.io', builtin: true }, 'v1', 'CustomResourceDefinition'), 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition');
    assert.equal(definitionName({ group: 'route.openshift.io', builtin: true }, 'v1', 'Route'), 'com.github.openshift.api.route.v1.Route');
    assert.equal(definitionName(smcpKind, 'v2', 'ServiceMeshControlPlane'), 'io.maistra.v2.ServiceMeshControlPlane');
    assert.equal(definitionName({ group: 'serving.knative.dev', builtin: false }, 'v1', 'Service'), 'dev.knative.serving.v1.Service');
  });
});

describe('buildOpenApiIndex', () => {
  it('lists every served group-version with the hash of its document', () => {
    const index = buildOpenApiIndex(kinds);
    assert.deepEqual(Object.keys(index.paths), ['api/v1', 'apis/example.com/v1', 'apis/example.com/v1beta1', 'apis/maistra.io/v2']);
    const hash = contentHash(JSON.stringify(buildGroupVersionDoc('maistra.io', 'v2', kinds)));
    assert.equal(index.paths['apis/maistra.io/v2']!.serverRelativeURL, `/openapi/v3/apis/maistra.io/v2?hash=${hash}`);
    assert.match(hash, /^[0-9A-F]{128}$/);
  });
});

describe('buildGroupVersionDoc', () => {
  const doc = buildGroupVersionDoc('maistra.io', 'v2', kinds);
  const schemas = doc.components.schemas;

  it('is an OpenAPI 3.0 document whose references all resolve', () => {
    assert.equal(doc.openapi, '3.0.0');
    for (const ref of refs(doc)) assert.ok(schemas[ref.replace('#/components/schemas/', '')], `unresolved ${ref}`);
  });

  it('has the kind and list components with x-kubernetes-group-version-kind', () => {
    const smcp = schemas['io.maistra.v2.ServiceMeshControlPlane']!;
    assert.deepEqual(smcp['x-kubernetes-group-version-kind'], [{ group: 'maistra.io', kind: 'ServiceMeshControlPlane', version: 'v2' }]);
    assert.equal(smcp['description'], 'ServiceMeshControlPlane is the Schema for the controlplanes API');
    assert.deepEqual(at(smcp, 'properties', 'metadata'), { allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }], description: "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata" });
    assert.equal(at(smcp, 'properties', 'spec', 'properties', 'security', 'properties', 'dataPlane', 'properties', 'mtls')['type'], 'boolean');
    const list = schemas['io.maistra.v2.ServiceMeshControlPlaneList']!;
    assert.deepEqual(list['x-kubernetes-group-version-kind'], [{ group: 'maistra.io', kind: 'ServiceMeshControlPlaneList', version: 'v2' }]);
    assert.deepEqual(at(list, 'properties', 'items', 'items'), { $ref: '#/components/schemas/io.maistra.v2.ServiceMeshControlPlane' });
    assert.ok(schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']);
    assert.equal(schemas['io.k8s.api.core.v1.ConfigMap'], undefined, 'other group-versions stay out');
  });

  it('refers ObjectMeta\'s parts to their own components', () => {
    const meta = schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']!;
    assert.deepEqual(at(meta, 'properties', 'ownerReferences', 'items'), { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference' });
    assert.deepEqual((at(meta, 'properties', 'creationTimestamp')['allOf'] as unknown[])[0], { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Time' });
    assert.equal(at(meta, 'properties', 'ownerReferences')['x-kubernetes-patch-merge-key'], 'uid');
  });

  it('has namespaced, cluster-wide and status paths with one operation per verb', () => {
    const base = '/apis/maistra.io/v2';
    assert.deepEqual(Object.keys(doc.paths), [
      `${base}/namespaces/{namespace}/servicemeshcontrolplanes`,
      `${base}/namespaces/{namespace}/servicemeshcontrolplanes/{name}`,
      `${base}/namespaces/{namespace}/servicemeshcontrolplanes/{name}/status`,
      `${base}/servicemeshcontrolplanes`,
    ]);
    const methods = (p: string): string[] => Object.keys(doc.paths[p] as Obj).filter((k) => k !== 'parameters');
    assert.deepEqual(methods(`${base}/servicemeshcontrolplanes`), ['get']);
    assert.deepEqual(methods(`${base}/namespaces/{namespace}/servicemeshcontrolplanes`), ['get', 'post', 'delete']);
    assert.deepEqual(methods(`${base}/namespaces/{namespace}/servicemeshcontrolplanes/{name}`), ['get', 'put', 'patch', 'delete']);
    assert.deepEqual(methods(`${base}/namespaces/{namespace}/servicemeshcontrolplanes/{name}/status`), ['get', 'put', 'patch']);
    assert.equal(at(doc.paths, `${base}/servicemeshcontrolplanes`, 'get')['operationId'], 'listMaistraIoV2ServiceMeshControlPlaneForAllNamespaces');
    assert.equal(at(doc.paths, `${base}/namespaces/{namespace}/servicemeshcontrolplanes`, 'delete')['operationId'], 'deleteMaistraIoV2CollectionNamespacedServiceMeshControlPlane');
    assert.equal(at(doc.paths, `${base}/namespaces/{namespace}/servicemeshcontrolplanes/{name}/status`, 'get')['operationId'], 'readMaistraIoV2NamespacedServiceMeshControlPlaneStatus');
  });

  it('gives every PATCH the GVK, the fieldValidation parameter and the patch media types', () => {
    const patch = at(doc.paths, '/apis/maistra.io/v2/namespaces/{namespace}/servicemeshcontrolplanes/{name}', 'patch');
    assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: 'maistra.io', kind: 'ServiceMeshControlPlane', version: 'v2' });
    assert.equal(patch['x-kubernetes-action'], 'patch');
    assert.equal(patch['operationId'], 'patchMaistraIoV2NamespacedServiceMeshControlPlane');
    assert.deepEqual(patch['tags'], ['maistraIo_v2']);
    const params = (patch['parameters'] as Obj[]).map((p) => `${p['in']}:${p['name']}`);
    assert.deepEqual(params, ['query:dryRun', 'query:fieldManager', 'query:fieldValidation', 'query:force']);
    assert.deepEqual(Object.keys(at(patch, 'requestBody', 'content')), ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json']);
    const core = buildGroupVersionDoc('', 'v1', kinds);
    const cmPatch = at(core.paths, '/api/v1/namespaces/{namespace}/configmaps/{name}', 'patch');
    assert.deepEqual(Object.keys(at(cmPatch, 'requestBody', 'content')), ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json']);
    assert.equal(cmPatch['operationId'], 'patchCoreV1NamespacedConfigMap');
  });

  it('serves compiled-in kinds under their Go names, honouring restricted verbs and cluster scope', () => {
    const core = buildGroupVersionDoc('', 'v1', kinds);
    assert.deepEqual(Object.keys(core.paths), [
      '/api/v1/configmaps',
      '/api/v1/namespaces',
      '/api/v1/namespaces/{namespace}/configmaps',
      '/api/v1/namespaces/{namespace}/configmaps/{name}',
      '/api/v1/namespaces/{name}',
      '/api/v1/namespaces/{name}/status',
    ]);
    assert.deepEqual(Object.keys(core.paths['/api/v1/namespaces'] as Obj), ['get', 'post', 'parameters']);
    assert.deepEqual(at(core.components.schemas, 'io.k8s.api.core.v1.ConfigMap', 'properties', 'kind'), { type: 'string', description: 'Kind of ConfigMap.' });
    assert.deepEqual(core.info, { title: 'Kubernetes', version: 'unversioned' });
  });

  it('unfolds int-or-string, completes embedded resources and adds scale and selectable fields', () => {
    const v1 = buildGroupVersionDoc('example.com', 'v1', kinds);
    const widget = v1.components.schemas['com.example.v1.Widget']!;
    assert.deepEqual(at(widget, 'properties', 'spec', 'properties', 'port')['anyOf'], [{ type: 'integer' }, { type: 'string' }]);
    const template = at(widget, 'properties', 'spec', 'properties', 'template');
    assert.deepEqual(Object.keys(template['properties'] as Obj), ['apiVersion', 'kind', 'metadata']);
    assert.deepEqual(template['required'], ['kind', 'apiVersion']);
    assert.deepEqual(widget['x-kubernetes-selectable-fields'], [{ fieldPath: 'spec.replicas' }]);
    assert.ok(v1.components.schemas['io.k8s.api.autoscaling.v1.Scale']);
    assert.deepEqual(Object.keys(v1.paths), ['/apis/example.com/v1/widgets', '/apis/example.com/v1/widgets/{name}', '/apis/example.com/v1/widgets/{name}/scale', '/apis/example.com/v1/widgets/{name}/status']);
    const beta = buildGroupVersionDoc('example.com', 'v1beta1', kinds);
    assert.equal(at(beta.components.schemas, 'com.example.v1beta1.Widget', 'properties', 'spec', 'properties', 'replicas')['description'], 'Replica count (beta).');
  });

  it('is deterministic whatever the order of the kinds', () => {
    const a = JSON.stringify(buildGroupVersionDoc('', 'v1', kinds));
    const b = JSON.stringify(buildGroupVersionDoc('', 'v1', [...kinds].reverse()));
    assert.equal(a, b);
  });
});

describe('OpenApiV3Service', () => {
  class Registry {
    generation = 1;
    kinds: KindDefinition[] = [smcpKind, configMapKind];
    all(): readonly KindDefinition[] { return this.kinds; }
  }

  it('caches per group-version and rebuilds only the group-versions whose kinds changed', () => {
    const registry = new Registry();
    const service = new OpenApiV3Service(registry);
    const core = service.document('api/v1')!;
    const mesh = service.document('apis/maistra.io/v2')!;
    assert.equal(service.document('api/v1'), core, 'served from cache');
    assert.equal(service.document('apis/nope/v1'), undefined);

    const changed: KindDefinition = { ...smcpKind, versions: [{ ...smcpKind.versions[0]!, schema: { ...smcpKind.versions[0]!.schema, description: 'changed' } }] };
    registry.kinds = [changed, configMapKind, widgetKind];
    registry.generation++;
    assert.equal(service.document('api/v1'), core, 'untouched group-version keeps its document');
    const mesh2 = service.document('apis/maistra.io/v2')!;
    assert.notEqual(mesh2.etag, mesh.etag, 'the hash changes with the document');
    assert.ok(service.index().paths['apis/example.com/v1'], 'a new CRD appears in the index');
    assert.equal(service.index().paths['apis/maistra.io/v2']!.serverRelativeURL, `/openapi/v3/apis/maistra.io/v2?hash=${mesh2.etag}`);
  });

  it('answers HTTP as kube-openapi does: hash redirects, immutable caching, 304 and 406', () => {
    const service = new OpenApiV3Service(() => kinds);
    const url = service.index().paths['apis/maistra.io/v2']!.serverRelativeURL;
    const [path, search] = url.split('?') as [string, string];
    const now = new Date('2024-02-29T12:00:00Z');
    const ok = openApiV3Response(service, { path, query: new URLSearchParams(search), accept: 'application/json', now })!;
    assert.equal(ok.status, 200);
    assert.equal(ok.headers['Cache-Control'], 'public, immutable');
    assert.equal(ok.headers['Expires'], 'Sat, 01 Mar 2025 12:00:00 GMT');
    assert.equal(JSON.parse(ok.body).openapi, '3.0.0');
    const stale = openApiV3Response(service, { path, query: new URLSearchParams('hash=0123'), accept: 'application/json' })!;
    assert.deepEqual([stale.status, stale.headers['Location']], [301, url]);
    const notModified = openApiV3Response(service, { path, query: new URLSearchParams(), ifNoneMatch: ok.headers['ETag'] })!;
    assert.equal(notModified.status, 304);
    assert.equal(openApiV3Response(service, { path, query: new URLSearchParams(), accept: 'application/com.github.proto-openapi.spec.v3@v1.0+protobuf' })!.status, 406);
    const index = openApiV3Response(service, { path: '/openapi/v3', query: new URLSearchParams() })!;
    assert.deepEqual(JSON.parse(index.body), service.index());
    assert.equal(openApiV3Response(service, { path: '/openapi/v3/apis/nope/v1', query: new URLSearchParams() }), undefined);
  });
});
