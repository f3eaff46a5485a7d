import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../../api/object.ts';
import { KnativeConditions } from '../shared/conditions.ts';
import { SERVICE_CONDITIONS, propagateConfiguration, propagateRoute, trafficMigrated } from './status.ts';

const config: KubeObject = { apiVersion: 'serving.knative.dev/v1', kind: 'Configuration', metadata: { name: 'hello' }, status: { latestReadyRevisionName: 'hello-00002', latestCreatedRevisionName: 'hello-00002', conditions: [{ type: 'Ready', status: 'True' }] } };
const route = (statusTraffic: unknown[]): KubeObject => ({
  apiVersion: 'serving.knative.dev/v1', kind: 'Route', metadata: { name: 'hello' },
  spec: { traffic: [{ configurationName: 'hello', percent: 100, latestRevision: true }] },
  status: { url: 'https://hello-default.apps.example.com', traffic: statusTraffic, conditions: [{ type: 'Ready', status: 'Unknown', reason: 'Uninitialized', message: 'Waiting for load balancer to be ready' }] },
});

test('Ready follows both children', () => {
  const status: Record<string, unknown> = {};
  const c = new KnativeConditions(SERVICE_CONDITIONS, [], () => new Date(0)).initialize();
  propagateConfiguration(status, c, config);
  propagateRoute(status, c, route([]));
  assert.equal(status.latestReadyRevisionName, 'hello-00002');
  assert.equal(status.url, 'https://hello-default.apps.example.com');
  assert.equal(c.get('ConfigurationsReady')?.status, 'True');
  assert.deepEqual([c.get('Ready')?.status, c.get('Ready')?.reason], ['Unknown', 'Uninitialized']);
});

test('traffic counts as migrated only when the route serves the latest ready revision', () => {
  assert.equal(trafficMigrated(config, route([{ revisionName: 'hello-00002', percent: 100, latestRevision: true }])), true);
  assert.equal(trafficMigrated(config, route([{ revisionName: 'hello-00001', percent: 100, latestRevision: true }])), false);
  assert.equal(trafficMigrated(config, route([])), false);
});
