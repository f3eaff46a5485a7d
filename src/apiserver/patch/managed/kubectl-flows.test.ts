/**
 * The request sequences kubectl 1.32 drives (kubernetes-api.md §1.5), replayed through the
 * engine: client-side apply creates the object, `kubectl apply --server-side` takes over,
 * kubectl's follow-up `kubectl-last-applied` apply and its managedFields migration patch.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject, ManagedFieldsEntry } from '../../../api/object.ts';
import { applyJsonPatch } from '../json-patch.ts';
import { fieldsV1FromPaths, pathsFromFieldsV1 } from '../fieldpath/fields-v1.ts';
import { fieldElement } from '../fieldpath/path-element.ts';
import { serverSideApply } from './server-side-apply.ts';
import { updateManagedFields } from './update-managed-fields.ts';
import { LAST_APPLIED_ANNOTATION } from './last-applied.ts';
import { DEPLOYMENT } from '../testing/schemas.ts';
import type { JsonValue } from '../json.ts';

const now = (s: number): string => `2025-01-01T00:00:${String(s).padStart(2, '0')}Z`;
const base = { schema: DEPLOYMENT, apiVersion: 'apps/v1' };

const manifest = (replicas: number, labels: Record<string, string>): KubeObject => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default', labels },
  spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1' }] } } },
});

/** What the API server stores: the write plus server-set identity. */
const stored = (obj: KubeObject, rv: number): KubeObject => ({ ...obj, metadata: { ...obj.metadata, uid: 'u-1', resourceVersion: String(rv) } });

/** kubectl's apply.go saveLastApplyAnnotationIfNecessary condition: no Apply manager owns the annotation. */
function annotationOwnedByApplier(obj: KubeObject): boolean {
  const path = [fieldElement('metadata'), fieldElement('annotations'), fieldElement(LAST_APPLIED_ANNOTATION)];
  return (obj.metadata.managedFields ?? []).some((e) => e.operation === 'Apply' && pathsFromFieldsV1(e.fieldsV1).has(path));
}

/** client-go csaupgrade.UpgradeManagedFieldsPatch for manager "kubectl". */
function migrationPatch(obj: KubeObject): unknown[] | undefined {
  const entries = obj.metadata.managedFields ?? [];
  const path = [fieldElement('metadata'), fieldElement('annotations'), fieldElement(LAST_APPLIED_ANNOTATION)];
  const csa = entries.filter((e) => e.operation === 'Update' && pathsFromFieldsV1(e.fieldsV1).has(path)).map((e) => e.manager);
  let out: ManagedFieldsEntry[] = structuredClone(entries);
  for (const name of csa) {
    let target = out.findIndex((e) => e.manager === 'kubectl' && e.operation === 'Apply');
    if (target < 0) {
      target = out.findIndex((e) => e.manager === name && e.operation === 'Update');
      out[target] = { ...out[target]!, manager: 'kubectl', operation: 'Apply' };
    }
    const source = out.find((e) => e.manager === name && e.operation === 'Update' && e.apiVersion === out[target]!.apiVersion);
    if (source) out[target] = { ...out[target]!, fieldsV1: fieldsV1FromPaths(pathsFromFieldsV1(out[target]!.fieldsV1).union(pathsFromFieldsV1(source.fieldsV1))) };
    out = out.filter((e) => !(e.manager === name && e.operation === 'Update'));
  }
  if (JSON.stringify(out) === JSON.stringify(entries)) return undefined;
  return [
    { op: 'replace', path: '/metadata/managedFields', value: out },
    { op: 'replace', path: '/metadata/resourceVersion', value: obj.metadata.resourceVersion },
  ];
}

test('client-side apply, then apply --server-side, kubectl-last-applied and the migration', () => {
  // 1. kubectl apply -f (client-side) creates the object with the last-applied annotation.
  const v1 = manifest(1, { app: 'web', team: 'a' });
  const csaBody: KubeObject = { ...v1, metadata: { ...v1.metadata, annotations: { [LAST_APPLIED_ANNOTATION]: `${JSON.stringify(v1)}\n` } } };
  let live = stored(updateManagedFields(undefined, csaBody, { ...base, manager: 'kubectl-client-side-apply', operation: 'Update', now: now(0) }), 1);
  assert.deepEqual(live.metadata.managedFields!.map((e) => [e.manager, e.operation]), [['kubectl-client-side-apply', 'Update']]);

  // 2. kubectl apply --server-side with a new replica count: the fields kubectl-client-side-apply
  //    owns still match last-applied, so they are not conflicts for manager "kubectl".
  const v2 = manifest(3, { app: 'web', team: 'a' });
  const ssa = serverSideApply(live, v2, { ...base, manager: 'kubectl', force: false, now: now(1) });
  assert.deepEqual(ssa.conflicts, []);
  live = stored(ssa.object, 2);
  assert.equal((live.spec as { replicas: number }).replicas, 3);
  const annotation = live.metadata.annotations![LAST_APPLIED_ANNOTATION]!;
  assert.equal(JSON.parse(annotation).spec.replicas, 3, 'the server keeps last-applied current for "kubectl"');
  assert.ok(annotation.endsWith('\n'));
  assert.equal(annotation.indexOf('"apiVersion"') < annotation.indexOf('"kind"'), true, 'Go-sorted keys');

  // 3. No applier owns the annotation yet, so kubectl sends it alone as kubectl-last-applied.
  assert.equal(annotationOwnedByApplier(live), false);
  const justAnnotation: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default', annotations: { [LAST_APPLIED_ANNOTATION]: annotation } } };
  const lastApplied = serverSideApply(live, justAnnotation, { ...base, manager: 'kubectl-last-applied', force: false, now: now(2) });
  assert.deepEqual(lastApplied.conflicts, []);
  live = stored(lastApplied.object, 3);
  assert.deepEqual(live.spec, v2.spec, 'an annotation-only apply must not wipe spec');
  assert.ok(annotationOwnedByApplier(live));

  // 4. kubectl migrates kubectl-client-side-apply's fields into its Apply entry with a JSON patch.
  const patch = migrationPatch(live);
  assert.ok(patch, 'there is something to migrate');
  const patched = applyJsonPatch(live as unknown as JsonValue, patch) as unknown as KubeObject;
  live = stored(updateManagedFields(live, patched, { ...base, manager: 'kubectl', operation: 'Update', now: now(3) }), 4);
  // kubectl-last-applied's apply changed nothing, so (as upstream) its entry carries no time and sorts first.
  assert.deepEqual(live.metadata.managedFields!.map((e) => [e.manager, e.operation, e.time]), [['kubectl-last-applied', 'Apply', undefined], ['kubectl', 'Apply', now(1)]]);
  assert.equal(migrationPatch(live), undefined, 'migrated once');

  // 5. kubectl re-sends its apply; 6. later the manifest drops a label that only client-side
  //    apply had set: kubectl now owns it, so server-side apply removes it.
  live = stored(serverSideApply(live, v2, { ...base, manager: 'kubectl', force: false, now: now(4) }).object, 5);
  const v3 = manifest(3, { app: 'web' });
  const dropped = serverSideApply(live, v3, { ...base, manager: 'kubectl', force: false, now: now(5) });
  assert.deepEqual(dropped.conflicts, []);
  assert.deepEqual(dropped.object.metadata.labels, { app: 'web' });
});

test('server-side apply by "kubectl" still conflicts where live has drifted from last-applied', () => {
  const v1 = manifest(1, { app: 'web' });
  const csaBody: KubeObject = { ...v1, metadata: { ...v1.metadata, annotations: { [LAST_APPLIED_ANNOTATION]: JSON.stringify(v1) } } };
  let live = stored(updateManagedFields(undefined, csaBody, { ...base, manager: 'kubectl-client-side-apply', operation: 'Update', now: now(0) }), 1);
  // Someone scales the deployment by hand: live replicas (5) no longer match last-applied (1).
  live = stored(updateManagedFields(live, { ...structuredClone(live), spec: { ...(live.spec as object), replicas: 5 } }, { ...base, manager: 'kubectl-scale', operation: 'Update', now: now(1) }), 2);
  const result = serverSideApply(live, manifest(3, { app: 'web' }), { ...base, manager: 'kubectl', force: false, now: now(2) });
  assert.deepEqual(result.conflicts.map((c) => `${c.manager} ${c.field}`), ['kubectl-scale .spec.replicas']);
});
