import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Condition } from '../../../api/object.ts';
import { deploymentAvailable, servingStatus } from './status.ts';

const now = () => new Date('2026-01-01T00:00:00Z');
type Status = { conditions: Array<{ type: string; status: string; reason?: string; message?: string }>; version: string; manifests: string[]; observedGeneration: number };

test('waiting on deployments: DeploymentsAvailable False NotReady, Ready False with its message', () => {
  const s = servingStatus(undefined, { ingress: 'istio', generation: 2, unavailable: ['knative-serving/webhook', 'knative-serving/activator'] }, now) as Status;
  const c = (t: string) => s.conditions.find((x) => x.type === t)!;
  assert.deepEqual(s.conditions.map((x) => x.type), ['DependenciesInstalled', 'DeploymentsAvailable', 'InstallSucceeded', 'Ready', 'VersionMigrationEligible']);
  assert.equal(c('InstallSucceeded').status, 'True');
  assert.deepEqual([c('DeploymentsAvailable').status, c('DeploymentsAvailable').reason, c('DeploymentsAvailable').message], ['False', 'NotReady', 'Waiting on deployments: activator, webhook']);
  assert.deepEqual([c('Ready').status, c('Ready').reason], ['False', 'NotReady']);
  assert.equal(s.version, '1.15.2');
  assert.equal(s.observedGeneration, 2);
  assert.equal(s.manifests.length, 2);
});

test('all deployments available: Ready True; an installation error: InstallSucceeded False with reason Error', () => {
  const ready = servingStatus(undefined, { ingress: 'kourier', generation: 1, unavailable: [] }, now) as Status;
  assert.ok(ready.conditions.every((c) => c.status === 'True'));
  const failed = servingStatus(ready as unknown as { conditions: Condition[] }, { ingress: 'kourier', generation: 1, error: 'boom', unavailable: [] }, now) as Status;
  const c = (t: string) => failed.conditions.find((x) => x.type === t)!;
  assert.deepEqual([c('InstallSucceeded').status, c('InstallSucceeded').reason, c('InstallSucceeded').message], ['False', 'Error', 'Install failed with message: boom']);
  assert.equal(c('Ready').status, 'False');
});

test('a Deployment is available when its current generation reports Available=True', () => {
  assert.equal(deploymentAvailable(undefined), false);
  assert.equal(deploymentAvailable({ metadata: { generation: 2 }, status: { observedGeneration: 1, conditions: [{ type: 'Available', status: 'True' }] } }), false);
  assert.equal(deploymentAvailable({ metadata: { generation: 2 }, status: { observedGeneration: 2, conditions: [{ type: 'Available', status: 'True' }] } }), true);
  assert.equal(deploymentAvailable({ metadata: { generation: 1 }, status: { observedGeneration: 1, conditions: [{ type: 'Available', status: 'False' }] } }), false);
});
