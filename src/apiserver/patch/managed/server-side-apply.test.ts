import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../api/object.ts';
import type { JSONSchemaProps } from '../../../api/schema-types.ts';
import { isSkiffError } from '../../../errors/skiff-error.ts';
import { serverSideApply } from './server-side-apply.ts';
import { updateManagedFields } from './update-managed-fields.ts';
import { formatApplyConflictMessage } from './conflicts.ts';
import { DEPLOYMENT, WIDGET_CRD } from '../testing/schemas.ts';

const T0 = '2025-01-01T00:00:00Z';
const T1 = '2025-01-01T00:01:00Z';
const T2 = '2025-01-01T00:02:00Z';

function apply(live: KubeObject | undefined, applied: KubeObject, manager: string, opts: { force?: boolean; now?: string; schema?: JSONSchemaProps; apiVersion?: string } = {}) {
  return serverSideApply(live, applied, {
    manager, force: opts.force ?? false, schema: opts.schema ?? DEPLOYMENT,
    apiVersion: opts.apiVersion ?? applied.apiVersion, now: opts.now ?? T0,
  });
}

/** The stored object after a successful apply (the API server would add uid etc.). */
function applied(live: KubeObject | undefined, config: KubeObject, manager: string, opts: Parameters<typeof apply>[3] = {}): KubeObject {
  const { object, conflicts } = apply(live, config, manager, opts);
  assert.deepEqual(conflicts, [], 'no conflicts');
  return { ...object, metadata: { uid: 'u-1', ...object.metadata } };
}

const entry = (obj: KubeObject, manager: string) => obj.metadata.managedFields?.find((e) => e.manager === manager);

function deployment(spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default', ...metadata }, spec };
}

const nginx = deployment({
  replicas: 2,
  selector: { matchLabels: { app: 'web' } },
  template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1', ports: [{ containerPort: 80 }] }] } },
}, { labels: { app: 'web' } });

test('apply creates the object and records an Apply entry in FieldsV1', () => {
  const { object, conflicts } = apply(undefined, nginx, 'kubectl');
  assert.deepEqual(conflicts, []);
  const { managedFields, ...meta } = object.metadata;
  assert.deepEqual({ ...object, metadata: meta }, nginx);
  assert.deepEqual(managedFields, [{
    manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1', time: T0, fieldsType: 'FieldsV1',
    fieldsV1: {
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:template': {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': {
            '.': {}, 'f:image': {}, 'f:name': {},
            'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
          } } },
        },
      },
    },
  }]);
  // JSON key order follows PathElement order, "." first.
  assert.equal(JSON.stringify(Object.keys(managedFields![0]!.fieldsV1['f:spec'] as object)), '["f:replicas","f:selector","f:template"]');
});

test('re-applying without a field removes it; unchanged re-apply keeps the entry time', () => {
  const first = applied(undefined, deployment({ replicas: 2, paused: true }, { labels: { app: 'web', tier: 'fe' } }), 'kubectl');
  const second = applied(first, deployment({ replicas: 2 }, { labels: { app: 'web' } }), 'kubectl', { now: T1 });
  assert.deepEqual(second.spec, { replicas: 2 });
  assert.deepEqual(second.metadata.labels, { app: 'web' });
  assert.equal(entry(second, 'kubectl')!.time, T1);
  const third = applied(second, deployment({ replicas: 2 }, { labels: { app: 'web' } }), 'kubectl', { now: T2 });
  assert.equal(entry(third, 'kubectl')!.time, T1, 'a no-op apply does not bump the time');
  const { spec: _spec, ...withoutSpec } = deployment({}, {});
  const emptied = applied(third, withoutSpec as KubeObject, 'kubectl', { now: T2 });
  assert.equal(emptied.spec, undefined, 'a struct left with nothing owned goes away');
  assert.equal(emptied.metadata.labels, undefined);
  assert.equal(emptied.metadata.name, 'web', 'identity is never pruned');
  assert.equal(emptied.metadata.uid, 'u-1');
  assert.equal(emptied.metadata.managedFields, undefined, 'an apply owning nothing leaves no entry');
});

test('two appliers: conflict without force, ownership moves with force', () => {
  const a = applied(undefined, deployment({ replicas: 2, paused: false }), 'team-a');
  const result = apply(a, deployment({ replicas: 3 }), 'team-b', { now: T1 });
  assert.deepEqual(result.conflicts, [{ manager: 'team-a', operation: 'Apply', apiVersion: 'apps/v1', field: '.spec.replicas' }]);
  assert.equal(formatApplyConflictMessage(result.conflicts), 'Apply failed with 1 conflict: conflict with "team-a": .spec.replicas');
  assert.deepEqual(result.object, a, 'nothing changes on conflict');

  const forced = applied(a, deployment({ replicas: 3 }), 'team-b', { force: true, now: T1 });
  assert.equal((forced.spec as { replicas: number }).replicas, 3);
  assert.deepEqual(entry(forced, 'team-a')!.fieldsV1, { 'f:spec': { 'f:paused': {} } });
  assert.deepEqual(entry(forced, 'team-b')!.fieldsV1, { 'f:spec': { 'f:replicas': {} } });

  // team-a no longer owns replicas, so dropping it from its config removes nothing.
  const again = applied(forced, deployment({ paused: false }), 'team-a', { now: T2 });
  assert.equal((again.spec as { replicas: number }).replicas, 3);
});

test('applying the same value shares ownership; the field survives while anyone applies it', () => {
  const a = applied(undefined, deployment({ replicas: 2 }), 'team-a');
  const ab = applied(a, deployment({ replicas: 2 }), 'team-b', { now: T1 });
  assert.ok(entry(ab, 'team-a') && entry(ab, 'team-b'));
  const dropA = applied(ab, deployment({}), 'team-a', { now: T2 });
  assert.equal((dropA.spec as { replicas: number }).replicas, 2, 'team-b still applies it');
  const dropB = applied(dropA, deployment({}), 'team-b', { now: T2 });
  assert.equal(dropB.spec, undefined);
});

test('apply after an Update by another manager conflicts with "mgr" using <version>', () => {
  const created = updateManagedFields(undefined, deployment({ replicas: 1 }), { manager: 'kubectl-create', operation: 'Update', apiVersion: 'apps/v1', now: T0, schema: DEPLOYMENT });
  const live = { ...created, metadata: { ...created.metadata, uid: 'u-1' } };
  const result = apply(live, deployment({ replicas: 5 }), 'kubectl', { now: T1 });
  assert.deepEqual(result.conflicts.map((c) => c.field), ['.spec.replicas']);
  assert.equal(formatApplyConflictMessage(result.conflicts), 'Apply failed with 1 conflict: conflict with "kubectl-create" using apps/v1: .spec.replicas');
  const forced = applied(live, deployment({ replicas: 5 }), 'kubectl', { force: true, now: T1 });
  // The create made `.spec` itself appear, so kubectl-create keeps owning that member (as
  // kube-apiserver records for custom resources).
  assert.deepEqual(entry(forced, 'kubectl-create')!.fieldsV1, { 'f:spec': {} });
  assert.deepEqual(entry(forced, 'kubectl')!.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
});

test('objects never tracked get a before-first-apply owner, so changes conflict', () => {
  const live = { ...deployment({ replicas: 1, paused: true }), metadata: { name: 'web', namespace: 'default', uid: 'u-1' } };
  const result = apply(live, deployment({ replicas: 4 }), 'kubectl');
  assert.deepEqual(result.conflicts, [{ manager: 'before-first-apply', operation: 'Update', apiVersion: 'apps/v1', field: '.spec.replicas' }]);
  const same = applied(live, deployment({ replicas: 1 }), 'kubectl');
  assert.deepEqual(same.metadata.managedFields!.map((e) => [e.manager, e.operation]), [['kubectl', 'Apply'], ['before-first-apply', 'Update']]);
});

test('associative lists merge by key; an applier removing its item leaves the others', () => {
  const widget = (routes: unknown[], extra: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'x.io/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { routes, ...extra } });
  const opts = { schema: WIDGET_CRD };
  const a = applied(undefined, widget([{ host: 'a', port: 80, weight: 1 }]), 'team-a', opts);
  const ab = applied(a, widget([{ host: 'b', port: 80, weight: 2 }]), 'team-b', opts);
  assert.deepEqual((ab.spec as { routes: unknown[] }).routes, [{ host: 'a', port: 80, weight: 1 }, { host: 'b', port: 80, weight: 2 }]);
  assert.deepEqual(entry(ab, 'team-b')!.fieldsV1, { 'f:spec': { 'f:routes': { 'k:{"host":"b","port":80}': { '.': {}, 'f:host': {}, 'f:port': {}, 'f:weight': {} } } } });
  const conflict = apply(ab, widget([{ host: 'b', port: 80, weight: 9 }]), 'team-a', opts);
  assert.deepEqual(conflict.conflicts.map((c) => c.field), ['.spec.routes[host="b",port=80].weight']);
  const dropped = applied(ab, widget([]), 'team-a', opts);
  assert.deepEqual((dropped.spec as { routes: unknown[] }).routes, [{ host: 'b', port: 80, weight: 2 }]);
});

test('sets merge by value with v: items; untyped maps are granular, untyped lists atomic', () => {
  const widget = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'x.io/v1', kind: 'Widget', metadata: { name: 'w' }, spec });
  const opts = { schema: WIDGET_CRD };
  const a = applied(undefined, widget({ tags: ['x'], config: { a: 1, list: [1, 2] } }), 'team-a', opts);
  assert.deepEqual(entry(a, 'team-a')!.fieldsV1, { 'f:spec': { 'f:config': { 'f:a': {}, 'f:list': {} }, 'f:tags': { 'v:"x"': {} } } });
  const ab = applied(a, widget({ tags: ['y'], config: { b: 2 } }), 'team-b', opts);
  assert.deepEqual(ab.spec, { tags: ['x', 'y'], config: { a: 1, list: [1, 2], b: 2 } });
  const clash = apply(ab, widget({ config: { list: [3] } }), 'team-b', opts);
  assert.deepEqual(clash.conflicts.map((c) => c.field), ['.spec.config.list']);
});

test('atomic lists (CRD default) are owned and replaced whole', () => {
  const widget = (args: string[]): KubeObject => ({ apiVersion: 'x.io/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { args } });
  const a = applied(undefined, widget(['--a', '--b']), 'team-a', { schema: WIDGET_CRD });
  assert.deepEqual(entry(a, 'team-a')!.fieldsV1, { 'f:spec': { 'f:args': {} } });
  const b = applied(a, widget(['--c']), 'team-a', { schema: WIDGET_CRD });
  assert.deepEqual((b.spec as { args: string[] }).args, ['--c']);
});

test('a main-resource apply does not own status (reset fields)', () => {
  const a = applied(undefined, { ...deployment({ replicas: 1 }), status: { replicas: 1 } }, 'kubectl');
  assert.deepEqual(entry(a, 'kubectl')!.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
});

test('invalid apply configurations are rejected with 400', () => {
  const bad: Array<[KubeObject, RegExp]> = [
    [deployment({ template: { spec: { containers: [{ image: 'x' }] } } }), /failed to create typed patch object \(default\/web; apps\/v1, Kind=Deployment\): \.spec\.template\.spec\.containers: element 0: associative list with keys has an element that omits all key fields \["name"\]/],
    [deployment({ template: { spec: { containers: [{ name: 'a' }, { name: 'a' }] } } }), /duplicate entries for key \[name="a"\]/],
    [{ ...nginx, apiVersion: 'apps/v1beta1' }, /Incorrect version specified in apply patch. Specified patch version: apps\/v1beta1, expected: apps\/v1/],
    [{ ...nginx, metadata: { ...nginx.metadata, managedFields: [] } }, /metadata.managedFields must be nil/],
  ];
  for (const [config, message] of bad) {
    assert.throws(() => apply(undefined, config, 'kubectl', { apiVersion: 'apps/v1' }), (err: unknown) => isSkiffError(err, 'SKF_API_BAD_REQUEST') && message.test(err.message));
  }
});

test('an apply of another kind onto a live object is rejected', () => {
  const live = applied(undefined, nginx, 'kubectl');
  assert.throws(() => apply(live, { ...nginx, kind: 'StatefulSet' }, 'kubectl'), (err: unknown) => isSkiffError(err, 'SKF_API_BAD_REQUEST') && err.message === 'invalid object type: apps/v1, Kind=StatefulSet');
});

test('inputs are never mutated', () => {
  const live = applied(undefined, nginx, 'team-a');
  const liveCopy = structuredClone(live);
  const config = deployment({ replicas: 7 });
  const configCopy = structuredClone(config);
  apply(live, config, 'team-b', { force: true });
  assert.deepEqual(live, liveCopy);
  assert.deepEqual(config, configCopy);
});
