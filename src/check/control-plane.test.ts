import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { controlPlaneExistsCheck, controlPlaneReadyCheck, controlPlanesIn, memberRollCheck } from './control-plane.ts';
import { obj, snapshotOf } from './testing/fixtures.ts';

const smcp = (ns: string, conditions: unknown[], readiness?: unknown) => obj('maistra.io/v2', 'ServiceMeshControlPlane', { namespace: ns, name: 'basic' }, { status: { conditions, ...(readiness ? { readiness } : {}) } });
const smmr = (ns: string, status: Record<string, unknown>) => obj('maistra.io/v1', 'ServiceMeshMemberRoll', { namespace: ns, name: 'default' }, { status });

describe('control plane checks', () => {
  it('selects control planes by mesh namespace and fails when there is none', () => {
    const snap = snapshotOf({ controlPlanes: [smcp('istio-system', []), smcp('mesh-b', [])] });
    assert.equal(controlPlanesIn(snap, undefined).length, 2);
    assert.equal(controlPlanesIn(snap, 'mesh-b').length, 1);
    assert.equal(controlPlaneExistsCheck(controlPlanesIn(snap, 'nope'), 'nope').result, 'error');
    assert.match(controlPlaneExistsCheck([], 'nope').error!, /no ServiceMeshControlPlane found in namespace nope/);
  });

  it('passes a Ready control plane and reports Reconciled/Ready reasons and unready components otherwise', () => {
    assert.equal(controlPlaneReadyCheck(smcp('istio-system', [{ type: 'Ready', status: 'True' }])).result, 'success');
    const broken = controlPlaneReadyCheck(smcp('istio-system', [
      { type: 'Reconciled', status: 'False', reason: 'ReconcileError', message: 'spec.version: unsupported' },
      { type: 'Ready', status: 'False', reason: 'ComponentsNotReady', message: 'Some components are not fully available' },
    ], { components: { unready: ['istio-ingress'], pending: [] } }));
    assert.equal(broken.result, 'error');
    assert.equal(broken.error, 'Reconciled=False ReconcileError: spec.version: unsupported; Ready=False ComponentsNotReady: Some components are not fully available; components not ready: istio-ingress');
    assert.match(broken.hint!, /kubectl describe smcp -n istio-system basic/);
    assert.match(controlPlaneReadyCheck(smcp('x', [])).error!, /Reconciled: not reported yet; Ready: not reported yet/);
  });

  it('checks the member roll: Ready with no pending members', () => {
    assert.equal(memberRollCheck(snapshotOf(), 'istio-system').result, 'warning');
    const ok = snapshotOf({ memberRolls: [smmr('istio-system', { conditions: [{ type: 'Ready', status: 'True' }], pendingMembers: [] })] });
    assert.equal(memberRollCheck(ok, 'istio-system').result, 'success');
    const pending = snapshotOf({ memberRolls: [smmr('istio-system', {
      conditions: [{ type: 'Ready', status: 'False', reason: 'ReconcileError', message: 'A member is not ready' }],
      pendingMembers: ['apps'],
      memberStatuses: [{ namespace: 'apps', conditions: [{ type: 'Reconciled', status: 'False', reason: 'NamespaceNotExists', message: 'namespace apps does not exist' }] }],
    })] });
    const result = memberRollCheck(pending, 'istio-system');
    assert.equal(result.result, 'error');
    assert.equal(result.error, 'Ready=False ReconcileError: A member is not ready; pending members: apps; apps: NamespaceNotExists (namespace apps does not exist)');
  });
});
