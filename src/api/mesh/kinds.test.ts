/**
 * Identities and printer columns of the mesh kinds, pinned to kinds.md §1 and §2.1 (with the
 * deliberate addition of Istio `v1`, preferred in discovery).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KindDefinition, PrinterColumn } from '../kind.ts';
import { preferredVersion, storageVersion } from '../kind.ts';
import { meshKinds } from './index.ts';

interface Identity {
  group: string;
  kind: string;
  plural: string;
  versions: string[];
  storage: string;
  shortNames: string[];
  categories: string[];
}

const ISTIO_NET = ['istio-io', 'networking-istio-io'];
const ISTIO_SEC = ['istio-io', 'security-istio-io'];

const EXPECTED: Identity[] = [
  { group: 'maistra.io', kind: 'ServiceMeshControlPlane', plural: 'servicemeshcontrolplanes', versions: ['v2', 'v1'], storage: 'v2', shortNames: ['smcp'], categories: ['maistra-io'] },
  { group: 'maistra.io', kind: 'ServiceMeshMemberRoll', plural: 'servicemeshmemberrolls', versions: ['v1'], storage: 'v1', shortNames: ['smmr'], categories: ['maistra-io'] },
  { group: 'maistra.io', kind: 'ServiceMeshMember', plural: 'servicemeshmembers', versions: ['v1'], storage: 'v1', shortNames: ['smm'], categories: ['maistra-io'] },
  { group: 'federation.maistra.io', kind: 'ServiceMeshPeer', plural: 'servicemeshpeers', versions: ['v1'], storage: 'v1', shortNames: [], categories: ['maistra-io'] },
  { group: 'federation.maistra.io', kind: 'ExportedServiceSet', plural: 'exportedservicesets', versions: ['v1'], storage: 'v1', shortNames: [], categories: [] },
  { group: 'federation.maistra.io', kind: 'ImportedServiceSet', plural: 'importedservicesets', versions: ['v1'], storage: 'v1', shortNames: [], categories: [] },
  { group: 'networking.istio.io', kind: 'Gateway', plural: 'gateways', versions: ['v1', 'v1beta1', 'v1alpha3'], storage: 'v1alpha3', shortNames: ['gw'], categories: ISTIO_NET },
  { group: 'networking.istio.io', kind: 'VirtualService', plural: 'virtualservices', versions: ['v1', 'v1beta1', 'v1alpha3'], storage: 'v1alpha3', shortNames: ['vs'], categories: ISTIO_NET },
  { group: 'networking.istio.io', kind: 'DestinationRule', plural: 'destinationrules', versions: ['v1', 'v1beta1', 'v1alpha3'], storage: 'v1alpha3', shortNames: ['dr'], categories: ISTIO_NET },
  { group: 'networking.istio.io', kind: 'ServiceEntry', plural: 'serviceentries', versions: ['v1', 'v1beta1', 'v1alpha3'], storage: 'v1alpha3', shortNames: ['se'], categories: ISTIO_NET },
  { group: 'security.istio.io', kind: 'PeerAuthentication', plural: 'peerauthentications', versions: ['v1', 'v1beta1'], storage: 'v1beta1', shortNames: ['pa'], categories: ISTIO_SEC },
  { group: 'security.istio.io', kind: 'AuthorizationPolicy', plural: 'authorizationpolicies', versions: ['v1', 'v1beta1'], storage: 'v1beta1', shortNames: [], categories: ISTIO_SEC },
];

function byKind(kinds: readonly KindDefinition[], kind: string): KindDefinition {
  const def = kinds.find((k) => k.kind === kind);
  assert.ok(def, `${kind} is defined`);
  return def;
}

test('every mesh kind has the identity kinds.md lists', () => {
  const kinds = meshKinds();
  assert.deepEqual(kinds.map((k) => k.kind).sort(), EXPECTED.map((e) => e.kind).sort());
  for (const e of EXPECTED) {
    const def = byKind(kinds, e.kind);
    assert.equal(def.group, e.group);
    assert.equal(def.plural, e.plural);
    assert.equal(def.singular, e.kind.toLowerCase());
    assert.equal(def.listKind, `${e.kind}List`);
    assert.equal(def.scope, 'Namespaced');
    assert.deepEqual([...def.shortNames], e.shortNames, e.kind);
    assert.deepEqual([...def.categories], e.categories, e.kind);
    assert.deepEqual(def.versions.map((v) => v.name), e.versions, `${e.kind} discovery order`);
    assert.ok(def.versions.every((v) => v.served));
    assert.equal(storageVersion(def).name, e.storage);
    assert.deepEqual(def.subresources, { status: true });
    assert.equal(def.builtin, false);
    assert.equal(def.generation, 'spec');
    assert.equal(def.table, undefined);
  }
});

test('kubectl sees the preferred versions: maistra.io/v2, networking.istio.io/v1, security.istio.io/v1', () => {
  const kinds = meshKinds();
  assert.equal(preferredVersion(byKind(kinds, 'ServiceMeshControlPlane')).name, 'v2');
  assert.equal(preferredVersion(byKind(kinds, 'VirtualService')).name, 'v1');
  assert.equal(preferredVersion(byKind(kinds, 'AuthorizationPolicy')).name, 'v1');
});

test('Istio v1 carries the v1beta1 schema', () => {
  for (const kind of ['Gateway', 'VirtualService', 'DestinationRule', 'ServiceEntry', 'PeerAuthentication', 'AuthorizationPolicy']) {
    const def = byKind(meshKinds(), kind);
    const v1 = def.versions.find((v) => v.name === 'v1')!;
    const v1beta1 = def.versions.find((v) => v.name === 'v1beta1')!;
    assert.deepEqual(v1.schema, v1beta1.schema, kind);
  }
});

const col = (name: string, jsonPath: string, extra: Partial<PrinterColumn> = {}): Pick<PrinterColumn, 'name' | 'type' | 'jsonPath' | 'priority'> =>
  ({ name, type: extra.type ?? 'string', jsonPath, ...(extra.priority ? { priority: extra.priority } : {}) });
const AGE = col('Age', '.metadata.creationTimestamp', { type: 'date' });

const COLUMNS: Record<string, Record<string, ReturnType<typeof col>[] | undefined>> = {
  ServiceMeshControlPlane: {
    v2: [
      col('Ready', '.status.annotations.readyComponentCount'), col('Status', '.status.conditions[?(@.type=="Ready")].reason'),
      col('Profiles', '.status.appliedSpec.profiles'), col('Version', '.status.chartVersion'), AGE,
      col('Image Registry', '.status.appliedSpec.runtime.defaults.container.registry', { priority: 1 }),
    ],
    v1: [
      col('Ready', '.status.annotations.readyComponentCount'), col('Status', '.status.conditions[?(@.type=="Reconciled")].reason'),
      col('Template', '.status.lastAppliedConfiguration.template'), col('Version', '.status.lastAppliedConfiguration.version'), AGE,
      col('Image HUB', '.status.lastAppliedConfiguration.istio.global.hub', { priority: 1 }),
    ],
  },
  ServiceMeshMemberRoll: {
    v1: [col('Ready', '.status.annotations.configuredMemberCount'), col('Status', '.status.conditions[?(@.type=="Ready")].reason'), AGE, col('Members', '.status.members', { priority: 1 })],
  },
  ServiceMeshMember: {
    v1: [col('Control Plane', '.status.annotations.controlPlaneRef'), col('Ready', '.status.conditions[?(@.type=="Ready")].status'), AGE],
  },
  ServiceMeshPeer: { v1: undefined },
  ExportedServiceSet: { v1: undefined },
  ImportedServiceSet: { v1: undefined },
  Gateway: { v1: undefined, v1beta1: undefined, v1alpha3: undefined },
  AuthorizationPolicy: { v1: undefined, v1beta1: undefined },
};
const VS = [col('Gateways', '.spec.gateways'), col('Hosts', '.spec.hosts'), AGE];
const DR = [col('Host', '.spec.host'), AGE];
const SE = [col('Hosts', '.spec.hosts'), col('Location', '.spec.location'), col('Resolution', '.spec.resolution'), AGE];
const PA = [col('Mode', '.spec.mtls.mode'), AGE];
COLUMNS.VirtualService = { v1: VS, v1beta1: VS, v1alpha3: VS };
COLUMNS.DestinationRule = { v1: DR, v1beta1: DR, v1alpha3: DR };
COLUMNS.ServiceEntry = { v1: SE, v1beta1: SE, v1alpha3: SE };
COLUMNS.PeerAuthentication = { v1: PA, v1beta1: PA };

test('printer columns are exactly the CRDs\' (names, types, JSONPaths with their quoting, priorities)', () => {
  for (const [kind, versions] of Object.entries(COLUMNS)) {
    const def = byKind(meshKinds(), kind);
    for (const [version, expected] of Object.entries(versions)) {
      const actual = def.versions.find((v) => v.name === version)?.printerColumns;
      const shape = actual?.map((c) => ({ name: c.name, type: c.type, jsonPath: c.jsonPath, ...(c.priority ? { priority: c.priority } : {}) }));
      assert.deepEqual(shape, expected, `${kind} ${version}`);
      assert.ok(actual?.every((c) => c.format === undefined) ?? true, 'no column sets format');
    }
  }
});

test('column descriptions are the CRDs\' own', () => {
  const smcp = byKind(meshKinds(), 'ServiceMeshControlPlane').versions[0]!.printerColumns!;
  assert.equal(smcp[1]!.description, 'Whether or not the control plane installation is up to date and ready to handle requests.');
  const smmr = byKind(meshKinds(), 'ServiceMeshMemberRoll').versions[0]!.printerColumns!;
  assert.equal(smmr[1]!.description, "Whether all member namespaces have been configured or why that's not the case");
  const vs = byKind(meshKinds(), 'VirtualService').versions[0]!.printerColumns!;
  assert.match(vs[2]!.description ?? '', /^CreationTimestamp is a timestamp representing the server time/);
});

test('status writes are not subject to the webhooks\' rules', () => {
  const smmr = byKind(meshKinds(), 'ServiceMeshMemberRoll');
  const misnamed = { apiVersion: 'maistra.io/v1', kind: 'ServiceMeshMemberRoll', metadata: { name: 'x', namespace: 'istio-system' }, spec: {} };
  assert.equal(smmr.validate!(misnamed, { operation: 'create' }).length, 1);
  assert.deepEqual(smmr.validate!(misnamed, { operation: 'status', old: misnamed }), []);
  const se = byKind(meshKinds(), 'ServiceEntry');
  const entry = { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'x', namespace: 'y' }, spec: { hosts: ['a.b'], ports: [{ number: 1, name: 'a' }, { number: 1, name: 'a' }] } };
  assert.ok(se.warnings!(entry, { operation: 'update', old: entry }).length > 0);
  assert.deepEqual(se.warnings!(entry, { operation: 'status', old: entry }), []);
});
