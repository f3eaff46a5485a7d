import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONDITION_SETS } from '../../../api/knative/conditions.ts';
import { KnativeConditions } from './conditions.ts';

const revisionSet = CONDITION_SETS['Revision.serving.knative.dev']!;
let clock = 0;
const now = () => new Date(clock * 1000);

test('Ready is the conjunction of the dependents; informational conditions carry severity Info', () => {
  clock = 10;
  const c = new KnativeConditions(revisionSet, [], now).initialize();
  assert.deepEqual(c.list.map((x) => x.type), ['ContainerHealthy', 'Ready', 'ResourcesAvailable']);
  c.markTrue('ResourcesAvailable');
  assert.equal(c.get('Ready')?.status, 'Unknown');
  c.markTrue('ContainerHealthy');
  assert.equal(c.get('Ready')?.status, 'True');
  c.markFalse('Active', 'NoTraffic', 'The target is not receiving traffic.');
  assert.equal(c.get('Ready')?.status, 'True');
  assert.equal(c.get('Active')?.severity, 'Info');
});

test('a False dependent wins over an Unknown one; times move only on change', () => {
  clock = 20;
  const c = new KnativeConditions(revisionSet, [], now).initialize();
  c.markFalse('ContainerHealthy', 'ExitCode1', 'boom');
  c.markUnknown('ResourcesAvailable', 'Deploying', '');
  assert.deepEqual([c.get('Ready')?.status, c.get('Ready')?.reason], ['False', 'ExitCode1']);
  const before = c.get('ContainerHealthy')?.lastTransitionTime;
  clock = 30;
  c.markFalse('ContainerHealthy', 'ExitCode1', 'boom');
  assert.equal(c.get('ContainerHealthy')?.lastTransitionTime, before);
  c.markFalse('ContainerHealthy', 'ExitCode2', 'boom');
  assert.notEqual(c.get('ContainerHealthy')?.lastTransitionTime, before);
});
