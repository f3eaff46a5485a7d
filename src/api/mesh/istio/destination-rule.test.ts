import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../object.ts';
import { checkDestinationRule } from './destination-rule.ts';

function dr(spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'networking.istio.io/v1beta1', kind: 'DestinationRule', metadata: { name: 'default-failover', namespace: 'info' }, spec };
}
const messages = (spec: Record<string, unknown>): string[] => checkDestinationRule(dr(spec)).errors.map((e) => `${e.field}: ${e.detail}`);

test('the federation failover rule from seed 004 is valid', () => {
  const found = checkDestinationRule(dr({
    host: 'ratings.info.svc.cluster.local',
    trafficPolicy: {
      loadBalancer: { localityLbSetting: { enabled: true, failover: [{ from: 'us-east', to: 'us-west' }] } },
      outlierDetection: { consecutive5xxErrors: 3, interval: '10s', baseEjectionTime: '1m' },
    },
  }));
  assert.deepEqual(found, { errors: [], warnings: [] });
});

test('host is required', () => {
  assert.deepEqual(messages({}), ['spec.host: empty domain name not allowed']);
  assert.deepEqual(messages({ host: 'bad_host.com' }), ['spec.host: domain name "bad_host.com" invalid (label "bad_host" invalid)']);
});

test('subsets and traffic policies', () => {
  assert.deepEqual(messages({ host: 'a.b', subsets: [{ name: '' }, { name: 'v_1' }], trafficPolicy: {} }), [
    'spec.trafficPolicy: traffic policy must have at least one field',
    'spec.subsets[0].name: subset name cannot be empty',
    'spec.subsets[1].name: subset name is invalid: v_1',
  ]);
  assert.deepEqual(messages({ host: 'a.b', trafficPolicy: { outlierDetection: { interval: 'soon', maxEjectionPercent: 120 }, tls: { mode: 'MUTUAL' } } }), [
    'spec.trafficPolicy.outlierDetection.interval: invalid duration "soon": use a number with a unit, e.g. 10s, 1m, 500ms',
    'spec.trafficPolicy.outlierDetection.maxEjectionPercent: percentage 120 is not in range 0..100',
    'spec.trafficPolicy.tls.clientCertificate: client certificate required for mutual tls',
    'spec.trafficPolicy.tls.privateKey: private key required for mutual tls',
  ]);
});

test('locality failover rules, and the warning without outlier detection', () => {
  const found = checkDestinationRule(dr({ host: 'a.b', trafficPolicy: { loadBalancer: { localityLbSetting: { failover: [{ from: 'us-east', to: 'us-east' }] } } } }));
  assert.deepEqual(found.errors.map((e) => e.detail), ['locality lb failover settings must specify different regions']);
  assert.deepEqual(found.warnings, ['outlier detection policy must be provided for failover']);
});
