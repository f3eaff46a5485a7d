/**
 * config-observability's metrics backend and the Prometheus port, as knative.dev/pkg reads them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metricsBackendOf, prometheusPortOf } from './metrics-backend.ts';

test('metrics.backend-destination: prometheus when absent, case-insensitive, unsupported values rejected', () => {
  assert.deepEqual(metricsBackendOf(undefined), { backend: 'prometheus' });
  assert.deepEqual(metricsBackendOf({}), { backend: 'prometheus' });
  assert.deepEqual(metricsBackendOf({ 'metrics.backend-destination': 'none' }), { backend: 'none' });
  assert.deepEqual(metricsBackendOf({ 'metrics.backend-destination': 'OpenCensus' }), { backend: 'opencensus' });
  assert.deepEqual(metricsBackendOf({ 'metrics.backend-destination': '' }), { error: 'unsupported metrics backend value ""' });
  assert.deepEqual(metricsBackendOf({ 'metrics.backend-destination': 'statsd' }), { error: 'unsupported metrics backend value "statsd"' });
});

test('METRICS_PROMETHEUS_PORT: 9090 unless a port in 1024–65535 is set', () => {
  assert.equal(prometheusPortOf(undefined), 9090);
  assert.equal(prometheusPortOf([{ name: 'METRICS_PROMETHEUS_PORT', value: '9095' }]), 9095);
  assert.equal(prometheusPortOf([{ name: 'METRICS_PROMETHEUS_PORT', value: '80' }]), 9090);
  assert.equal(prometheusPortOf([{ name: 'METRICS_PROMETHEUS_PORT', value: 'x' }]), 9090);
});
