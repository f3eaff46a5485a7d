import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyStrategicMergePatch } from './strategic-merge-patch.ts';
import { isSkiffError } from '../../errors/skiff-error.ts';
import type { JSONSchemaProps } from '../../api/schema-types.ts';
import type { JsonObject, JsonValue } from './json.ts';
import { CONFIG_MAP, DEPLOYMENT, POD, SERVICE, WIDGET_CRD } from './testing/schemas.ts';

interface Case { name: string; schema: JSONSchemaProps; original: JsonObject; patch: JsonObject; want: JsonObject }

const deployment = (spec: JsonObject): JsonObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec });
const podSpec = (spec: JsonObject): JsonObject => deployment({ template: { spec } });
const pod = (spec: JsonObject, metadata: JsonObject = { name: 'p' }): JsonObject => ({ apiVersion: 'v1', kind: 'Pod', metadata, spec });

const cases: Case[] = [
  {
    // kubernetes-api.md §2.2: the patch kubectl 1.32 sent for a client-side apply.
    name: 'observed kubectl apply patch: reorder containers, delete env and container, retainKeys strategy',
    schema: DEPLOYMENT,
    original: deployment({
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } },
      template: { spec: { containers: [
        { name: 'a', image: 'nginx', env: [{ name: 'X', value: '1' }, { name: 'YY', value: '2' }] },
        { name: 'b', image: 'busybox' },
      ] } },
    }),
    patch: {
      spec: {
        strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' },
        template: { spec: {
          '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }],
          containers: [
            { image: 'redis', name: 'c' },
            { '$setElementOrder/env': [{ name: 'X' }], env: [{ $patch: 'delete', name: 'YY' }], image: 'nginx:2', name: 'a' },
            { $patch: 'delete', name: 'b' },
          ],
        } },
      },
      metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}\n' } },
    },
    want: {
      apiVersion: 'apps/v1', kind: 'Deployment',
      metadata: { name: 'd', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}\n' } },
      spec: {
        strategy: { type: 'Recreate' },
        template: { spec: { containers: [
          { name: 'c', image: 'redis' },
          { name: 'a', image: 'nginx:2', env: [{ name: 'X', value: '1' }] },
        ] } },
      },
    },
  },
  {
    name: 'containers merge by name; a new container follows the patch item before it',
    schema: DEPLOYMENT,
    original: podSpec({ containers: [{ name: 'a', image: 'nginx' }, { name: 'b', image: 'busybox' }] }),
    patch: { spec: { template: { spec: { containers: [{ name: 'b', image: 'busybox:2' }, { name: 'c', image: 'redis' }] } } } },
    want: podSpec({ containers: [{ name: 'a', image: 'nginx' }, { name: 'b', image: 'busybox:2' }, { name: 'c', image: 'redis' }] }),
  },
  {
    name: 'a single new container with no $setElementOrder lands in front',
    schema: POD,
    original: pod({ containers: [{ name: 'a', image: 'nginx' }] }),
    patch: { spec: { containers: [{ name: 'sidecar', image: 'proxy' }] } },
    want: pod({ containers: [{ name: 'sidecar', image: 'proxy' }, { name: 'a', image: 'nginx' }] }),
  },
  {
    name: '$setElementOrder appends the new container where the client put it',
    schema: POD,
    original: pod({ containers: [{ name: 'a', image: 'nginx' }] }),
    patch: { spec: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'sidecar' }], containers: [{ name: 'sidecar', image: 'proxy' }] } },
    want: pod({ containers: [{ name: 'a', image: 'nginx' }, { name: 'sidecar', image: 'proxy' }] }),
  },
  {
    name: 'env merges by name: update one, add one, delete one',
    schema: POD,
    original: pod({ containers: [{ name: 'a', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }, { name: 'C', value: '3' }] }] }),
    patch: { spec: { containers: [{ name: 'a', '$setElementOrder/env': [{ name: 'A' }, { name: 'C' }, { name: 'D' }], env: [{ name: 'C', value: '30' }, { name: 'D', value: '4' }, { $patch: 'delete', name: 'B' }] }] } },
    want: pod({ containers: [{ name: 'a', env: [{ name: 'A', value: '1' }, { name: 'C', value: '30' }, { name: 'D', value: '4' }] }] }),
  },
  {
    name: 'env item: null removes a member of the item',
    schema: POD,
    original: pod({ containers: [{ name: 'a', env: [{ name: 'A', value: '1' }] }] }),
    patch: { spec: { containers: [{ name: 'a', env: [{ name: 'A', value: null, valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] }] } },
    want: pod({ containers: [{ name: 'a', env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] }] }),
  },
  {
    name: 'ports merge by containerPort',
    schema: POD,
    original: pod({ containers: [{ name: 'a', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443 }] }] }),
    patch: { spec: { containers: [{ name: 'a', '$setElementOrder/ports': [{ containerPort: 80 }, { containerPort: 443 }, { containerPort: 9090 }], ports: [{ containerPort: 80, name: 'web' }, { containerPort: 9090, name: 'metrics' }] }] } },
    want: pod({ containers: [{ name: 'a', ports: [{ containerPort: 80, name: 'web' }, { containerPort: 443 }, { containerPort: 9090, name: 'metrics' }] }] }),
  },
  {
    name: 'volumeMounts merge by mountPath',
    schema: POD,
    original: pod({ containers: [{ name: 'a', volumeMounts: [{ name: 'v1', mountPath: '/data' }, { name: 'v2', mountPath: '/cfg' }] }] }),
    patch: { spec: { containers: [{ name: 'a', volumeMounts: [{ mountPath: '/cfg', readOnly: true }, { $patch: 'delete', mountPath: '/data' }] }] } },
    want: pod({ containers: [{ name: 'a', volumeMounts: [{ name: 'v2', mountPath: '/cfg', readOnly: true }] }] }),
  },
  {
    name: 'volumes merge by name with $retainKeys switching the volume source',
    schema: POD,
    original: pod({ volumes: [{ name: 'cfg', configMap: { name: 'c1' } }, { name: 'tmp', emptyDir: {} }] }),
    patch: { spec: { volumes: [{ $retainKeys: ['name', 'secret'], name: 'cfg', secret: { secretName: 's1' } }] } },
    want: pod({ volumes: [{ name: 'cfg', secret: { secretName: 's1' } }, { name: 'tmp', emptyDir: {} }] }),
  },
  {
    name: 'finalizers merge as an ordered set; new values first without an order directive',
    schema: POD,
    original: pod({}, { name: 'p', finalizers: ['a', 'b'] }),
    patch: { metadata: { finalizers: ['b', 'c'] } },
    want: pod({}, { name: 'p', finalizers: ['a', 'b', 'c'] }),
  },
  {
    name: 'finalizers: one unknown value goes first, as upstream',
    schema: POD,
    original: pod({}, { name: 'p', finalizers: ['a', 'b'] }),
    patch: { metadata: { finalizers: ['c'] } },
    want: pod({}, { name: 'p', finalizers: ['c', 'a', 'b'] }),
  },
  {
    name: 'finalizers: $setElementOrder and $deleteFromPrimitiveList',
    schema: POD,
    original: pod({}, { name: 'p', finalizers: ['a', 'b', 'x'] }),
    patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['b'], '$setElementOrder/finalizers': ['a', 'x', 'c'], finalizers: ['c'] } },
    want: pod({}, { name: 'p', finalizers: ['a', 'x', 'c'] }),
  },
  {
    name: 'finalizers merge when the CRD schema leaves metadata open (ObjectMeta fallback)',
    schema: WIDGET_CRD,
    original: { apiVersion: 'x/v1', kind: 'Widget', metadata: { name: 'w', finalizers: ['a'] } },
    patch: { metadata: { '$setElementOrder/finalizers': ['a', 'b'], finalizers: ['b'] } },
    want: { apiVersion: 'x/v1', kind: 'Widget', metadata: { name: 'w', finalizers: ['a', 'b'] } },
  },
  {
    name: '$deleteFromPrimitiveList of an absent list adds nothing',
    schema: POD,
    original: pod({}, { name: 'p' }),
    patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } },
    want: pod({}, { name: 'p' }),
  },
  {
    name: 'ownerReferences merge by uid',
    schema: POD,
    original: pod({}, { name: 'p', ownerReferences: [{ uid: '1', name: 'rs-1', kind: 'ReplicaSet', apiVersion: 'apps/v1' }] }),
    patch: { metadata: { ownerReferences: [{ uid: '1', controller: true }, { uid: '2', name: 'other', kind: 'X', apiVersion: 'v1' }] } },
    want: pod({}, { name: 'p', ownerReferences: [{ uid: '1', name: 'rs-1', kind: 'ReplicaSet', apiVersion: 'apps/v1', controller: true }, { uid: '2', name: 'other', kind: 'X', apiVersion: 'v1' }] }),
  },
  {
    name: 'Service ports merge by port',
    schema: SERVICE,
    original: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'https', port: 443 }] } },
    patch: { spec: { ports: [{ port: 80, targetPort: 9090 }] } },
    want: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ name: 'http', port: 80, targetPort: 9090 }, { name: 'https', port: 443 }] } },
  },
  {
    name: 'atomic lists are replaced',
    schema: POD,
    original: pod({ containers: [{ name: 'a', args: ['--x', '--y'] }] }),
    patch: { spec: { containers: [{ name: 'a', args: ['--z'] }] } },
    want: pod({ containers: [{ name: 'a', args: ['--z'] }] }),
  },
  {
    name: 'maps merge and null deletes (ConfigMap data)',
    schema: CONFIG_MAP,
    original: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { a: '1' } }, data: { k1: 'v1', k2: 'v2' } },
    patch: { data: { k1: null, k3: 'v3' }, metadata: { labels: { b: '2' } } },
    want: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { a: '1', b: '2' } }, data: { k2: 'v2', k3: 'v3' } },
  },
  {
    name: '$patch: replace on a map uses the patch map as-is',
    schema: CONFIG_MAP,
    original: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { k1: 'v1', k2: 'v2' } },
    patch: { data: { $patch: 'replace', k9: 'v9' } },
    want: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { k9: 'v9' } },
  },
  {
    name: '$patch: delete on a map removes it',
    schema: CONFIG_MAP,
    original: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { a: '1' } }, data: { k1: 'v1' } },
    patch: { metadata: { labels: { $patch: 'delete' } } },
    want: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { k1: 'v1' } },
  },
  {
    name: '$patch: replace item makes the rest of the patch list the whole list',
    schema: POD,
    original: pod({ containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] }),
    patch: { spec: { containers: [{ $patch: 'replace' }, { name: 'z', image: 'zz' }] } },
    want: pod({ containers: [{ name: 'z', image: 'zz' }] }),
  },
  {
    name: 'deleting an absent item is a no-op',
    schema: POD,
    original: pod({ containers: [{ name: 'a' }] }),
    patch: { spec: { containers: [{ $patch: 'delete', name: 'gone' }] } },
    want: pod({ containers: [{ name: 'a' }] }),
  },
  {
    name: 'a new list takes the patch items with directives removed',
    schema: POD,
    original: pod({}),
    patch: { spec: { containers: [{ name: 'a', '$setElementOrder/env': [{ name: 'A' }], env: [{ name: 'A', value: '1' }, { $patch: 'delete', name: 'B' }] }] } },
    want: pod({ containers: [{ name: 'a', env: [{ name: 'A', value: '1' }] }] }),
  },
  {
    name: 'a new container appended to an existing list is stored without directives',
    schema: POD,
    original: pod({ containers: [{ name: 'a' }] }),
    patch: { spec: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }], containers: [{ name: 'b', '$setElementOrder/env': [{ name: 'E' }], env: [{ name: 'E', value: 'e' }], image: null }] } },
    want: pod({ containers: [{ name: 'a' }, { name: 'b', env: [{ name: 'E', value: 'e' }] }] }),
  },
  {
    name: 'a list replaced by a scalar (type change) takes the patch value',
    schema: WIDGET_CRD,
    original: { apiVersion: 'x/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { config: { a: [1, 2] } } },
    patch: { spec: { config: { a: 'x', b: { c: 1, d: null } } } },
    want: { apiVersion: 'x/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { config: { a: 'x', b: { c: 1 } } } },
  },
  {
    name: 'other $-prefixed keys are data (a CRD schema $ref)',
    schema: {},
    original: { spec: { schema: { $ref: '#/a' } } },
    patch: { spec: { schema: { $ref: '#/b', $schema: 'x' } } },
    want: { spec: { schema: { $ref: '#/b', $schema: 'x' } } },
  },
  {
    // apimachinery patch_test.go "set elements order in a list with server-only items" (three-way result).
    name: 'upstream: $setElementOrder with server-only items',
    schema: POD,
    original: pod({ containers: [{ name: '1', image: 'a' }, { name: '3', image: '3' }, { name: '4', image: '4' }, { name: '2', image: '2' }, { name: '9' }] }),
    patch: { spec: { '$setElementOrder/containers': [{ name: '4' }, { name: '2' }, { name: '3' }, { name: '1' }] } },
    want: pod({ containers: [{ name: '4', image: '4' }, { name: '2', image: '2' }, { name: '3', image: '3' }, { name: '1', image: 'a' }, { name: '9' }] }),
  },
  {
    // patch_test.go "set elements order in a list with server-only items 3".
    name: 'upstream: server-only items keep their live neighbours',
    schema: POD,
    original: pod({ containers: [{ name: '1' }, { name: '2' }, { name: '7' }, { name: '9' }, { name: '8' }, { name: '3' }, { name: '4' }] }),
    patch: { spec: { '$setElementOrder/containers': [{ name: '2' }, { name: '1' }, { name: '4' }, { name: '3' }] } },
    want: pod({ containers: [{ name: '2' }, { name: '1' }, { name: '7' }, { name: '9' }, { name: '8' }, { name: '4' }, { name: '3' }] }),
  },
  {
    // patch_test.go "merge lists of scalars" (three-way: current has a server-only 4).
    name: 'upstream: merging int list with an order directive keeps the server-only value last',
    schema: POD,
    original: pod({}, { name: 'p', finalizers: ['1', '2', '4'] }),
    patch: { metadata: { '$setElementOrder/finalizers': ['1', '2', '3'], finalizers: ['3'] } },
    want: pod({}, { name: 'p', finalizers: ['1', '2', '3', '4'] }),
  },
  {
    name: 'status conditions merge by type',
    schema: POD,
    original: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, status: { conditions: [{ type: 'Ready', status: 'False' }, { type: 'Scheduled', status: 'True' }] } },
    patch: { status: { '$setElementOrder/conditions': [{ type: 'Ready' }, { type: 'Scheduled' }], conditions: [{ type: 'Ready', status: 'True' }] } },
    want: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'Scheduled', status: 'True' }] } },
  },
];

for (const c of cases) {
  test(`strategic merge patch: ${c.name}`, () => {
    const original = structuredClone(c.original);
    const patch = structuredClone(c.patch);
    const got = applyStrategicMergePatch(original, patch, c.schema);
    assert.deepEqual(got, c.want);
    assert.deepEqual(original, c.original, 'original untouched');
    assert.deepEqual(patch, c.patch, 'patch untouched');
    assert.equal(JSON.stringify(got).includes('"$patch"'), false);
    assert.equal(JSON.stringify(got).includes('$setElementOrder'), false);
  });
}

const failures: Array<{ name: string; schema: JSONSchemaProps; original: JsonObject; patch: JsonValue; code: string; message: string | RegExp }> = [
  {
    name: 'a merge-list item without its merge key',
    schema: POD, original: pod({ containers: [{ name: 'a' }] }), patch: { spec: { containers: [{ image: 'x' }] } },
    code: 'SKF_API_BAD_PATCH', message: 'map: map[image:x] does not contain declared merge key: name',
  },
  {
    name: 'a delete directive without the merge key',
    schema: POD, original: pod({ containers: [{ name: 'a' }] }), patch: { spec: { containers: [{ $patch: 'delete' }] } },
    code: 'SKF_API_BAD_PATCH', message: 'map: map[$patch:delete] does not contain declared merge key: name',
  },
  {
    name: '$patch: merge on a list item (unsupported upstream)',
    schema: POD, original: pod({ containers: [{ name: 'a' }] }), patch: { spec: { containers: [{ $patch: 'merge', name: 'a' }] } },
    code: 'SKF_API_BAD_PATCH', message: 'merging lists cannot yet be specified in the patch',
  },
  {
    name: 'an unknown $patch on a map',
    schema: CONFIG_MAP, original: { metadata: { name: 'c' }, data: {} }, patch: { data: { $patch: 'merge', a: 'b' } },
    code: 'SKF_API_BAD_PATCH', message: 'unknown patch type: merge in map: map[$patch:merge a:b]',
  },
  {
    name: 'a key outside $retainKeys',
    schema: DEPLOYMENT, original: deployment({ strategy: { type: 'RollingUpdate' } }), patch: { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: { maxSurge: 1 } } } },
    code: 'SKF_API_BAD_REQUEST', message: 'invalid patch format of retainKeys',
  },
  {
    name: '$setElementOrder contradicting the patch list',
    schema: POD, original: pod({ containers: [{ name: '1' }, { name: '3' }, { name: '2' }] }),
    patch: { spec: { '$setElementOrder/containers': [{ name: '1' }, { name: '2' }, { name: '3' }], containers: [{ name: '3', image: 'x' }, { name: '1', image: 'y' }] } },
    code: 'SKF_API_BAD_PATCH', message: /doesn't match \$setElementOrder list/,
  },
  {
    name: 'a malformed $deleteFromPrimitiveList key',
    schema: POD, original: pod({}), patch: { metadata: { $deleteFromPrimitiveListfinalizers: ['a'] } },
    code: 'SKF_API_BAD_REQUEST', message: 'invalid patch format of primitive list',
  },
  {
    name: 'mixed element types in a merge list',
    schema: POD, original: pod({}, { name: 'p', finalizers: ['a'] }), patch: { metadata: { finalizers: [1] } },
    code: 'SKF_API_BAD_PATCH', message: /list element types are not identical/,
  },
  {
    name: 'a patch that is not an object',
    schema: POD, original: pod({}), patch: [{ op: 'add' }],
    code: 'SKF_API_BAD_REQUEST', message: 'json: cannot unmarshal array into Go value of type map[string]interface {}',
  },
];

for (const c of failures) {
  test(`strategic merge patch rejects: ${c.name}`, () => {
    assert.throws(() => applyStrategicMergePatch(c.original, c.patch, c.schema), (err: unknown) => {
      assert.ok(isSkiffError(err));
      assert.equal(err.code, c.code);
      if (typeof c.message === 'string') assert.equal(err.message, c.message);
      else assert.match(err.message, c.message);
      return true;
    });
  });
}
