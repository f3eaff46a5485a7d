import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFieldError } from '../field-error.ts';
import type { KubeObject } from '../object.ts';
import { crdKind } from '../builtin/apiextensions/crd.ts';
import { crdStatus, kindFromCrd } from './index.ts';
import { at, dig } from '../builtin/testing.ts';

const schema = {
  type: 'object',
  properties: {
    spec: { type: 'object', properties: { color: { type: 'string' }, size: { type: 'integer' }, replicas: { type: 'integer' } } },
    status: { type: 'object', properties: { replicas: { type: 'integer' }, selector: { type: 'string' } } },
  },
};

function widgets(overrides: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com', creationTimestamp: '2024-05-01T10:11:12Z' },
    spec: {
      group: 'example.com', scope: 'Namespaced',
      names: { plural: 'widgets', kind: 'Widget', shortNames: ['wd'], categories: ['all'] },
      versions: [
        { name: 'v1alpha1', served: true, storage: false, schema: { openAPIV3Schema: schema }, deprecated: true },
        {
          name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema },
          subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' } },
          additionalPrinterColumns: [{ name: 'Color', type: 'string', jsonPath: '.spec.color' }, { name: 'Size', type: 'integer', jsonPath: '.spec.size', priority: 1 }],
          selectableFields: [{ jsonPath: '.spec.color' }],
        },
      ],
      ...overrides,
    },
  };
}

const crds = crdKind();

test('CRD defaults: singular, listKind, conversion None, storedVersions', () => {
  const crd = widgets();
  crds.defaults!(crd);
  const spec = dig(crd, 'spec');
  assert.equal(at(spec, 'names.singular'), 'widget');
  assert.equal(at(spec, 'names.listKind'), 'WidgetList');
  assert.deepEqual(spec.conversion, { strategy: 'None' });
  assert.deepEqual(crd.status, { storedVersions: ['v1'] });
  assert.deepEqual(crds.validate!(crd, { operation: 'create' }), []);
});

test('CRD table: Name and the raw Created At timestamp', () => {
  assert.deepEqual(crds.table!.columns.map((c) => [c.name, c.type]), [['Name', 'string'], ['Created At', 'date']]);
  assert.deepEqual(crds.table!.row(widgets(), new Date()), ['widgets.example.com', '2024-05-01T10:11:12Z']);
  assert.deepEqual(crds.shortNames, ['crd', 'crds']);
});

test('CRD validation: name, group, storage version, names, scope', () => {
  const crd = widgets({ group: 'example', scope: 'Everywhere' });
  dig(crd, 'spec.versions.0').storage = true;
  crds.defaults!(crd);
  const msgs = crds.validate!(crd, { operation: 'create' }).map(formatFieldError);
  assert.equal(msgs[0], 'metadata.name: Invalid value: "widgets.example.com": must be spec.names.plural+"."+spec.group');
  assert.ok(msgs.includes('spec.group: Invalid value: "example": should be a domain with at least one dot'));
  assert.ok(msgs.includes('spec.scope: Unsupported value: "Everywhere": supported values: "Cluster", "Namespaced"'));
  assert.ok(msgs.some((m) => /^spec\.versions: Invalid value: .*: must have exactly one version marked as storage version$/.test(m)));
  const badNames = widgets({ names: { plural: 'Widgets', kind: 'Widget', listKind: 'Widget' } });
  crds.defaults!(badNames);
  const nameMsgs = crds.validate!(badNames, { operation: 'create' }).map(formatFieldError);
  assert.ok(nameMsgs.some((m) => m.startsWith('spec.names.plural: Invalid value: "Widgets": a DNS-1035 label must consist of lower case alphanumeric characters')));
  assert.ok(nameMsgs.includes('spec.names.listKind: Invalid value: "Widget": kind and listKind may not be the same'));
});

test('CRD validation: schemas are required and must be structural', () => {
  const crd = widgets();
  dig(crd, 'spec.versions.0').schema = undefined;
  delete dig(crd, 'spec.versions.1').selectableFields;
  dig(crd, 'spec.versions.1.schema').openAPIV3Schema = {
    type: 'object',
    properties: { spec: { properties: { list: { type: 'array' } } }, status: { anyOf: [{ type: 'string' }] }, metadata: { type: 'object', properties: { labels: { type: 'object' } } } },
  };
  crds.defaults!(crd);
  const msgs = crds.validate!(crd, { operation: 'create' }).map(formatFieldError);
  const at = 'spec.versions[1].schema.openAPIV3Schema';
  assert.deepEqual(msgs.filter((m) => m.startsWith('spec.versions')), [
    'spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required',
    `${at}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`,
    `${at}.properties[spec].properties[list].items: Required value: must be specified`,
    `${at}.properties[spec].type: Required value: must not be empty for specified object fields`,
    `${at}.properties[status].anyOf[0].type: Forbidden: must be empty to be structural`,
    `${at}.properties[status].type: Required value: must not be empty for specified object fields`,
  ]);
});

test('CRD validation: selectable fields must name scalar fields, once each', () => {
  const crd = widgets();
  dig(crd, 'spec.versions.1').selectableFields = [{ jsonPath: '.spec.size' }, { jsonPath: '.spec' }, { jsonPath: '.spec.size' }, { jsonPath: '' }];
  crds.defaults!(crd);
  assert.deepEqual(crds.validate!(crd, { operation: 'create' }).map(formatFieldError), [
    'spec.versions[1].selectableFields[1].jsonPath: Invalid value: ".spec": must point to a field of type string, boolean or integer. Enum string fields and strings with formats are allowed.',
    'spec.versions[1].selectableFields[2].jsonPath: Duplicate value: ".spec.size"',
    'spec.versions[1].selectableFields[3].jsonPath: Required value',
  ]);
});

test('CRD update: group and plural never change; kind and scope once established', () => {
  const old = widgets();
  crds.defaults!(old);
  old.status = { ...(old.status as object), conditions: [{ type: 'Established', status: 'True' }] };
  const next = structuredClone(old);
  dig(next, 'spec').scope = 'Cluster';
  assert.deepEqual(crds.validate!(next, { operation: 'update', old }).map(formatFieldError), ['spec.scope: Invalid value: "Cluster": field is immutable']);
});

test('kindFromCrd: names, versions in priority order, columns, subresources, selectable fields', () => {
  const crd = widgets();
  crds.defaults!(crd);
  const def = kindFromCrd(crd);
  assert.equal(def.group, 'example.com');
  assert.equal(def.kind, 'Widget');
  assert.equal(def.plural, 'widgets');
  assert.equal(def.singular, 'widget');
  assert.equal(def.listKind, 'WidgetList');
  assert.equal(def.scope, 'Namespaced');
  assert.deepEqual(def.shortNames, ['wd']);
  assert.deepEqual(def.categories, ['all']);
  assert.deepEqual(def.versions.map((v) => [v.name, v.served, v.storage]), [['v1', true, true], ['v1alpha1', true, false]]);
  assert.equal(def.versions[1]!.deprecationWarning, 'example.com/v1alpha1 Widget is deprecated');
  assert.deepEqual(def.versions[0]!.printerColumns, [{ name: 'Color', type: 'string', jsonPath: '.spec.color' }, { name: 'Size', type: 'integer', jsonPath: '.spec.size', priority: 1 }]);
  assert.deepEqual(def.versions[0]!.selectableFields, ['.spec.color']);
  assert.equal(def.versions[0]!.schema, schema);
  assert.deepEqual(def.subresources, { status: true, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' } });
  assert.equal(def.builtin, false);
  assert.equal(def.generation, 'spec');
  assert.equal(def.fromCrd, true);
  assert.throws(() => kindFromCrd(widgets({ versions: [] })), /exactly one storage version/);
});

test('crdStatus: established with accepted names; idempotent; conflicts within the group', () => {
  const now = new Date('2024-05-01T10:11:13Z');
  const crd = widgets();
  crds.defaults!(crd);
  const status = crdStatus(crd, { now });
  assert.deepEqual(status, {
    conditions: [
      { type: 'NamesAccepted', status: 'True', lastTransitionTime: '2024-05-01T10:11:13Z', reason: 'NoConflicts', message: 'no conflicts found' },
      { type: 'Established', status: 'True', lastTransitionTime: '2024-05-01T10:11:13Z', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' },
    ],
    acceptedNames: { plural: 'widgets', singular: 'widget', shortNames: ['wd'], kind: 'Widget', listKind: 'WidgetList', categories: ['all'] },
    storedVersions: ['v1'],
  });
  const again = crdStatus({ ...crd, status }, { now: new Date('2024-06-01T00:00:00Z') });
  assert.deepEqual(again, status);
  assert.deepEqual(kindFromCrd({ ...crd, status }).plural, 'widgets');

  const rival = widgets({ names: { plural: 'gadgets', kind: 'Gadget', shortNames: ['wd'] } });
  rival.metadata.name = 'gadgets.example.com';
  const rivalStatus = crdStatus(rival, { now, others: [{ ...crd, status }] });
  assert.deepEqual(rivalStatus.conditions.map((c) => [c.type, c.status, c.reason, c.message]), [
    ['NamesAccepted', 'False', 'ShortNamesConflict', '"wd" is already in use'],
    ['Established', 'False', 'NotAccepted', 'not all names are accepted'],
  ]);
  assert.deepEqual(rivalStatus.acceptedNames, { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList' });
});
