import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatFieldErrors } from '../../field-error.ts';
import type { KubeObject } from '../../object.ts';
import { defaultControlPlane, validateControlPlane, validateControlPlaneAdmission } from './control-plane.ts';
import { validateMember } from './member.ts';
import { defaultMemberRoll, validateMemberRoll, validateMemberRollAdmission } from './member-roll.ts';

function obj(kind: string, name: string, namespace: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: kind === 'ServiceMeshControlPlane' ? 'maistra.io/v2' : 'maistra.io/v1', kind, metadata: { name, namespace }, spec };
}

test('SMCP defaulting sets version v2.5 and the default profile, as the mutating webhook does', () => {
  const smcp = obj('ServiceMeshControlPlane', 'basic', 'istio-system', { security: { dataPlane: { mtls: true } } });
  defaultControlPlane(smcp);
  assert.deepEqual(smcp.spec, { security: { dataPlane: { mtls: true } }, version: 'v2.5', profiles: ['default'] });
  const pinned = obj('ServiceMeshControlPlane', 'red-mesh', 'red-mesh-system', { version: 'v2.3', profiles: ['small'] });
  defaultControlPlane(pinned);
  assert.deepEqual(pinned.spec, { version: 'v2.3', profiles: ['small'] });
});

test('SMCP versions outside the operator\'s range are rejected with its messages', () => {
  const check = (version: unknown): string => formatFieldErrors(validateControlPlane(obj('ServiceMeshControlPlane', 'b', 'istio-system', { version })));
  assert.deepEqual(validateControlPlane(obj('ServiceMeshControlPlane', 'b', 'istio-system', { version: 'v2.4' })), []);
  assert.equal(check('v2.6'), 'spec.version: Invalid value: "v2.6": invalid Version specified; supported versions are: [v2.3 v2.4 v2.5]');
  assert.equal(check('v2.1'), "spec.version: Invalid value: \"v2.1\": Only '[v2.3 v2.4 v2.5]' versions are supported");
});

test('only one control plane per namespace', () => {
  const basic = obj('ServiceMeshControlPlane', 'basic', 'istio-system', {});
  const other = obj('ServiceMeshControlPlane', 'other', 'istio-system', {});
  const elsewhere = obj('ServiceMeshControlPlane', 'other', 'red-mesh-system', {});
  assert.deepEqual(validateControlPlaneAdmission(basic, { controlPlanes: [basic, elsewhere] }), []);
  assert.equal(formatFieldErrors(validateControlPlaneAdmission(basic, { controlPlanes: [other] })),
    'metadata.namespace: Forbidden: only one service mesh may be installed per project/namespace');
});

test('SMMR must be named default', () => {
  const roll = obj('ServiceMeshMemberRoll', 'members', 'istio-system', { members: ['a'] });
  assert.equal(formatFieldErrors(validateMemberRoll(roll)), "metadata.name: Invalid value: \"members\": ServiceMeshMemberRoll must be named 'default'");
});

test('SMMR member list rules', () => {
  const errors = (spec: Record<string, unknown>): string[] => validateMemberRoll(obj('ServiceMeshMemberRoll', 'default', 'istio-system', spec)).map((e) => `${e.field}: ${e.detail}`);
  assert.deepEqual(errors({ members: ['knative-serving', 'knative-eventing', 'default'] }), []);
  assert.deepEqual(errors({ members: ['a', 'a'] }), ['spec.members[1]: duplicate namespace in .spec.members: a']);
  assert.deepEqual(errors({ members: ['My-Project'] }), ["spec.members[0]: .spec.members contains invalid value 'My-Project'. Must be a valid namespace name."]);
  assert.deepEqual(errors({ members: ['*', 'a'] }), ["spec.members: when .spec.members contains an asterisk ('*'), it must contain no other entries"]);
  assert.deepEqual(errors({ members: ['a'], memberSelectors: [{ matchLabels: { mesh: 'yes' } }] }), ['spec.memberSelectors: combining .spec.members and .spec.memberSelectors is not allowed']);
});

test('SMMR defaulting drops the control plane\'s own namespace, as the mutating webhook does', () => {
  const roll = obj('ServiceMeshMemberRoll', 'default', 'istio-system', { members: ['istio-system', 'bookinfo'] });
  defaultMemberRoll(roll);
  assert.deepEqual(roll.spec, { members: ['bookinfo'] });
});

test('a namespace belongs to one member roll only', () => {
  const mine = obj('ServiceMeshMemberRoll', 'default', 'istio-system', { members: ['bookinfo'] });
  const theirs = obj('ServiceMeshMemberRoll', 'default', 'red-mesh-system', { members: ['bookinfo'] });
  const wildcard = obj('ServiceMeshMemberRoll', 'default', 'green-mesh-system', { members: ['*'] });
  assert.deepEqual(validateMemberRollAdmission(mine, { memberRolls: [mine] }), []);
  const expected = 'spec.members: Forbidden: one or more members are already defined in another ServiceMeshMemberRoll';
  assert.equal(formatFieldErrors(validateMemberRollAdmission(mine, { memberRolls: [mine, theirs] })), expected);
  assert.equal(formatFieldErrors(validateMemberRollAdmission(mine, { memberRolls: [wildcard] })), expected);
});

test('SMM must be named default and cannot move to another control plane', () => {
  const ref = { controlPlaneRef: { name: 'basic', namespace: 'istio-system' } };
  const member = obj('ServiceMeshMember', 'default', 'bookinfo', ref);
  assert.deepEqual(validateMember(member, { operation: 'create' }), []);
  assert.equal(formatFieldErrors(validateMember(obj('ServiceMeshMember', 'mine', 'bookinfo', ref), { operation: 'create' })),
    'metadata.name: Invalid value: "mine": the ServiceMeshMember resource must be named "default"');
  const moved = obj('ServiceMeshMember', 'default', 'bookinfo', { controlPlaneRef: { name: 'red-mesh', namespace: 'red-mesh-system' } });
  assert.equal(formatFieldErrors(validateMember(moved, { operation: 'update', old: member })),
    "spec.controlPlaneRef: Forbidden: mutation of .spec.controlPlaneRef isn't allowed");
  assert.deepEqual(validateMember(member, { operation: 'update', old: structuredClone(member) }), []);
});
