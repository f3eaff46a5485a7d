import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatFieldError } from '../field-error.ts';
import type { ObjectMeta } from '../object.ts';
import { objectMetaDecodeError } from './decode-meta.ts';
import { GENERATED_NAME_ALPHABET, applyGenerateName, generateName } from './generate-name.ts';
import { nameIsDnsLabel } from './names.ts';
import { ensureNamespaceMatchesRequest, finalizerWarnings, validateObjectMeta, validateObjectMetaUpdate } from './validate-meta.ts';

const SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const QNAME_MSG = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

const ns = { namespaced: true };
const cluster = { namespaced: false };
const msgs = (meta: ObjectMeta, rules = ns): string[] => validateObjectMeta(meta, rules).map(formatFieldError);

describe('validateObjectMeta', () => {
  const cases: Array<[string, ObjectMeta, { namespaced: boolean }, string[]]> = [
    ['a valid namespaced object', { name: 'basic', namespace: 'istio-system', labels: { 'sidecar.istio.io/inject': 'true' }, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' }, finalizers: ['maistra.io/istio-operator'] }, ns, []],
    ['name required', { namespace: 'default' }, ns, ['metadata.name: Required value: name or generateName is required']],
    ['name syntax', { name: 'Foo', namespace: 'default' }, ns, [`metadata.name: Invalid value: "Foo": ${SUBDOMAIN_MSG}`]],
    ['generateName syntax', { generateName: 'Bad_', name: 'x', namespace: 'default' }, ns, [`metadata.generateName: Invalid value: "Bad_": ${SUBDOMAIN_MSG}`]],
    ['namespace required', { name: 'a' }, ns, ['metadata.namespace: Required value']],
    ['namespace syntax', { name: 'a', namespace: 'Bad.NS' }, ns, [`metadata.namespace: Invalid value: "Bad.NS": ${LABEL_MSG}`]],
    ['namespace forbidden on cluster-scoped kinds', { name: 'a', namespace: 'default' }, cluster, ['metadata.namespace: Forbidden: not allowed on this type']],
    ['negative generation', { name: 'a', generation: -1 }, cluster, ['metadata.generation: Invalid value: -1: must be greater than or equal to 0']],
    ['labels: key and value', { name: 'a', labels: { 'bad key': 'ok', good: 'bad value' } }, cluster, [
      `metadata.labels: Invalid value: "bad key": ${QNAME_MSG}`,
      "metadata.labels: Invalid value: \"bad value\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    ]],
    ['annotation keys are checked in lower case, the value reported as given', { name: 'a', annotations: { 'Example.COM/Key': 'v', 'a b': 'v' } }, cluster, [`metadata.annotations: Invalid value: "a b": ${QNAME_MSG}`]],
    ['annotations size', { name: 'a', annotations: { big: 'x'.repeat(256 * 1024) } }, cluster, ['metadata.annotations: Too long: may not be more than 262144 bytes']],
    ['owner reference fields', { name: 'a', ownerReferences: [{ apiVersion: 'apps/', kind: '', name: '', uid: '' }] }, cluster, [
      'metadata.ownerReferences.apiVersion: Invalid value: "apps/": version must not be empty',
      'metadata.ownerReferences.kind: Invalid value: "": kind must not be empty',
      'metadata.ownerReferences.name: Invalid value: "": name must not be empty',
      'metadata.ownerReferences.uid: Invalid value: "": uid must not be empty',
    ]],
    ['one controller at most', { name: 'a', ownerReferences: [
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd', uid: '1', controller: true },
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'r', uid: '2', controller: true },
    ] }, cluster, [
      'metadata.ownerReferences: Invalid value: []v1.OwnerReference{v1.OwnerReference{APIVersion:"apps/v1", Kind:"Deployment", Name:"d", UID:"1", Controller:(*bool)(true), BlockOwnerDeletion:(*bool)(nil)}, v1.OwnerReference{APIVersion:"apps/v1", Kind:"ReplicaSet", Name:"r", UID:"2", Controller:(*bool)(true), BlockOwnerDeletion:(*bool)(nil)}}: Only one reference can have Controller set to true. Found "true" in references for Deployment/d and ReplicaSet/r',
    ]],
    ['events cannot own', { name: 'a', ownerReferences: [{ apiVersion: 'v1', kind: 'Event', name: 'e', uid: '1' }] }, cluster, [
      'metadata.ownerReferences: Invalid value: v1.OwnerReference{APIVersion:"v1", Kind:"Event", Name:"e", UID:"1", Controller:(*bool)(nil), BlockOwnerDeletion:(*bool)(nil)}: /v1, Kind=Event is disallowed from being an owner',
    ]],
    ['finalizers', { name: 'a', finalizers: ['bad finalizer', 'orphan', 'foregroundDeletion'] }, cluster, [
      `metadata.finalizers: Invalid value: "bad finalizer": ${QNAME_MSG}`,
      'metadata.finalizers: Invalid value: []string{"bad finalizer", "orphan", "foregroundDeletion"}: finalizer orphan and foregroundDeletion cannot be both set',
    ]],
    ['managed fields', { name: 'a', managedFields: [{ manager: 'k\u0007', operation: 'Patch' as 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV2' as 'FieldsV1', fieldsV1: {} }] }, cluster, [
      'metadata.managedFields[0].operation: Invalid value: "Patch": must be `Apply` or `Update`',
      'metadata.managedFields[0].fieldsType: Invalid value: "FieldsV2": must be `FieldsV1`',
      'metadata.managedFields[0].manager: Invalid value: "k\\a": invalid character U+0007 (at position 1)',
    ]],
  ];
  for (const [name, meta, rules, want] of cases) {
    it(name, () => assert.deepEqual(msgs(meta, rules), want));
  }

  it('uses the kind\'s name rule', () => {
    assert.deepEqual(validateObjectMeta({ name: 'a.b' }, { namespaced: false, validateName: nameIsDnsLabel }).map(formatFieldError), ['metadata.name: Invalid value: "a.b": must not contain dots']);
  });
});

describe('validateObjectMetaUpdate', () => {
  const old: ObjectMeta = { name: 'a', namespace: 'default', uid: 'u1', resourceVersion: '5', generation: 3, creationTimestamp: '2024-05-01T10:00:00Z', finalizers: ['a.io/x'] };

  it('accepts an unchanged identity', () => {
    assert.deepEqual(validateObjectMetaUpdate({ ...old, labels: { a: 'b' } }, old), []);
  });

  it('rejects changes to immutable fields, a missing resourceVersion and a lower generation', () => {
    const next: ObjectMeta = { ...old, name: 'b', uid: 'u2', resourceVersion: '', generation: 2, creationTimestamp: '2025-01-02T03:04:05Z' };
    assert.deepEqual(validateObjectMetaUpdate(next, old).map(formatFieldError), [
      'metadata.resourceVersion: Invalid value: "": must be specified for an update',
      'metadata.generation: Invalid value: 2: must not be decremented',
      'metadata.name: Invalid value: "b": field is immutable',
      'metadata.uid: Invalid value: "u2": field is immutable',
      'metadata.creationTimestamp: Invalid value: 2025-01-02 03:04:05 +0000 UTC: field is immutable',
    ]);
  });

  it('forbids new finalizers once deletion has started', () => {
    const deleting = { ...old, deletionTimestamp: '2024-05-02T00:00:00Z', deletionGracePeriodSeconds: 0 };
    const next = { ...deleting, finalizers: ['a.io/x', 'b.io/y', 'a.io/z'] };
    assert.deepEqual(validateObjectMetaUpdate(next, deleting).map(formatFieldError), [
      'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"a.io/z", "b.io/y"}',
    ]);
  });

  it('reports a cleared deletionTimestamp as null', () => {
    const deleting = { ...old, deletionTimestamp: '2024-05-02T00:00:00Z' };
    const next: ObjectMeta = { ...old };
    assert.deepEqual(validateObjectMetaUpdate(next, deleting).map(formatFieldError), ['metadata.deletionTimestamp: Invalid value: "null": field is immutable']);
  });
});

describe('finalizerWarnings', () => {
  it('warns about finalizer names that are not domain-qualified', () => {
    assert.deepEqual(finalizerWarnings(['kubernetes', 'a.io/b', 'mine', 'my.thing']), [
      'metadata.finalizers: "mine": prefer a domain-qualified finalizer name to avoid accidental conflicts with other finalizer writers',
      'metadata.finalizers: "my.thing": prefer a domain-qualified finalizer name including a path (/) to avoid accidental conflicts with other finalizer writers',
    ]);
  });
});

describe('generateName', () => {
  it('appends five characters from the vowel-free alphabet', () => {
    let i = 0;
    assert.equal(generateName('hello-', () => i++), 'hello-bcdfg');
    const random = generateName('x-');
    assert.match(random, new RegExp(`^x-[${GENERATED_NAME_ALPHABET}]{5}$`));
  });

  it('cuts the base to 58 characters', () => {
    assert.equal(generateName('a'.repeat(70), () => 0), `${'a'.repeat(58)}bbbbb`);
  });

  it('fills metadata.name only when it is empty', () => {
    const meta: ObjectMeta = { generateName: 'job-' };
    assert.equal(applyGenerateName(meta, () => 1), 'job-ccccc');
    assert.equal(meta.name, 'job-ccccc');
    assert.equal(applyGenerateName({ name: 'set', generateName: 'job-' }), undefined);
  });
});

describe('ensureNamespaceMatchesRequest', () => {
  it('fills, clears or rejects the namespace as the apiserver does', () => {
    const empty: ObjectMeta = { name: 'a' };
    assert.equal(ensureNamespaceMatchesRequest(empty, 'default'), undefined);
    assert.equal(empty.namespace, 'default');
    const clusterScoped: ObjectMeta = { name: 'a', namespace: 'x' };
    assert.equal(ensureNamespaceMatchesRequest(clusterScoped, ''), undefined);
    assert.equal(clusterScoped.namespace, undefined);
    assert.equal(ensureNamespaceMatchesRequest({ name: 'a', namespace: 'x' }, 'y'), 'the namespace of the provided object does not match the namespace sent on the request');
  });
});

describe('objectMetaDecodeError', () => {
  it('accepts well-typed metadata and nulls', () => {
    assert.equal(objectMetaDecodeError({ name: 'a', labels: { a: 'b' }, generation: 2, ownerReferences: [{ controller: true }], creationTimestamp: null }), undefined);
  });

  it('reports the first type error as encoding/json words it', () => {
    assert.equal(objectMetaDecodeError('x'), 'json: cannot unmarshal string into Go value of type v1.ObjectMeta');
    assert.equal(objectMetaDecodeError({ labels: 5 }), 'json: cannot unmarshal number into Go struct field ObjectMeta.labels of type map[string]string');
    assert.equal(objectMetaDecodeError({ labels: { a: 1 } }), 'json: cannot unmarshal number into Go struct field ObjectMeta.labels of type string');
    assert.equal(objectMetaDecodeError({ generation: 1.5 }), 'json: cannot unmarshal number 1.5 into Go struct field ObjectMeta.generation of type int64');
    assert.equal(objectMetaDecodeError({ ownerReferences: [{ controller: 'yes' }] }), 'json: cannot unmarshal string into Go struct field OwnerReference.ownerReferences.controller of type bool');
    assert.equal(objectMetaDecodeError({ finalizers: 'a' }), 'json: cannot unmarshal string into Go struct field ObjectMeta.finalizers of type []string');
  });
});
