import assert from 'node:assert/strict';
import { it } from 'node:test';
import { compareResourceVersions, configVersionOf, highestResourceVersion, proxySyncStatus, syncState } from './proxy-sync.ts';

const at = (resourceVersion?: string) => ({ metadata: resourceVersion === undefined ? {} : { resourceVersion } });

it('compares resourceVersions as numbers, not as text', () => {
  assert.equal(compareResourceVersions('10', '9'), 1);
  assert.equal(compareResourceVersions('9', '10'), -1);
  assert.equal(compareResourceVersions('42', '42'), 0);
  assert.equal(compareResourceVersions('', '1'), -1, 'no version is older than any');
  assert.equal(compareResourceVersions('12345678901234567890', '12345678901234567889'), 1, 'beyond 2^53');
});

it('takes the highest resourceVersion, ignoring objects without one', () => {
  assert.equal(highestResourceVersion([at('9'), at('100'), at('11'), at(), at('x')]), '100');
  assert.equal(highestResourceVersion([]), '0');
});

it('versions a configuration by every list it is compiled from, across kinds', () => {
  const version = configVersionOf({ services: [at('5')], pods: [at('7')], virtualServices: [at('12')], peerAuthentications: [at('3')] });
  assert.equal(version, '12');
  assert.equal(configVersionOf({ authorizationPolicies: [at('30')], endpointSlices: [at('29')] }), '30');
  assert.equal(configVersionOf({}), '0');
});

it('reports a proxy only once it applied, and is SYNCED when it applied the latest or newer', () => {
  assert.equal(proxySyncStatus('a/b', 'sidecar', undefined), undefined);
  assert.deepEqual(proxySyncStatus('a/b', 'gateway', { mesh: 'istio-system', version: '12', at: new Date('2026-01-01T00:00:00Z'), problems: 1 }), {
    pod: 'a/b', kind: 'gateway', mesh: 'istio-system', appliedVersion: '12', appliedAt: '2026-01-01T00:00:00.000Z', problems: 1,
  });
  assert.equal(syncState('12', '12'), 'SYNCED');
  assert.equal(syncState('13', '12'), 'SYNCED');
  assert.equal(syncState('11', '12'), 'STALE');
});

it('ignores resourceVersions that are not canonical decimals', () => {
  assert.equal(highestResourceVersion([at('0099'), at('-5'), at('7'), at('1e9'), at('')]), '7');
  assert.equal(highestResourceVersion([at('10'), at('9'), at('100'), at('99')]), '100');
});
