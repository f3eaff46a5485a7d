import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../object.ts';
import { admissionHooks } from './admission.ts';
import { servingConfigFromConfigMaps, upstreamKnativeConfig } from './config.ts';
import { brokerAdmission } from './eventing/broker-trigger.ts';
import { eventingConfigFromConfigMaps } from './eventing-config.ts';

describe('admission config from ConfigMaps', () => {
  it('reads config-defaults, config-autoscaler and config-features', () => {
    const c = servingConfigFromConfigMaps({
      defaults: { 'revision-timeout-seconds': '120', 'max-revision-timeout-seconds': '900', 'container-concurrency': '10', 'enable-service-links': 'default', 'revision-cpu-request': '50m' },
      autoscaler: { 'max-scale-limit': '20', 'allow-zero-initial-scale': 'true' },
      features: { 'kubernetes.podspec-affinity': 'enabled', 'secure-pod-defaults': 'Enabled' },
    });
    assert.equal(c.defaults.revisionTimeoutSeconds, 120);
    assert.equal(c.defaults.revisionResponseStartTimeoutSeconds, 120);
    assert.equal(c.defaults.maxRevisionTimeoutSeconds, 900);
    assert.equal(c.defaults.containerConcurrency, 10);
    assert.equal(c.defaults.enableServiceLinks, undefined);
    assert.equal(c.defaults.revisionCpuRequest, '50m');
    assert.deepEqual(c.autoscaler, { podAutoscalerClass: 'kpa.autoscaling.knative.dev', maxScaleLimit: 20, allowZeroInitialScale: true });
    assert.equal(c.features.podSpecAffinity, 'Enabled');
    assert.equal(c.features.securePodDefaults, 'Enabled');
    assert.equal(c.features.podSpecTolerations, 'Disabled');
  });

  it('keeps the upstream defaults for empty ConfigMaps', () => {
    assert.deepEqual(servingConfigFromConfigMaps({}), upstreamKnativeConfig().serving);
    assert.deepEqual(eventingConfigFromConfigMaps({}), upstreamKnativeConfig().eventing);
  });

  it('reads config-br-defaults per namespace and feeds Broker defaulting', () => {
    const eventing = eventingConfigFromConfigMaps({
      brDefaults: {
        'default-br-config': [
          'clusterDefault:',
          '  brokerClass: MTChannelBasedBroker',
          '  apiVersion: v1', '  kind: ConfigMap', '  name: config-br-default-channel', '  namespace: knative-eventing',
          'namespaceDefaults:',
          '  kafka-ns:',
          '    brokerClass: Kafka',
          '    apiVersion: v1', '    kind: ConfigMap', '    name: kafka-broker-config', '    namespace: knative-eventing',
          '    delivery:', '      retry: 3',
        ].join('\n'),
      },
      features: { 'delivery-retryafter': 'allowed', 'kreference-group': 'enabled' },
      pingDefaults: { 'data-max-size': '4096' },
    });
    assert.equal(eventing.features.deliveryRetryAfter, false);
    assert.equal(eventing.features.kreferenceGroup, true);
    assert.equal(eventing.pingDataMaxSize, 4096);
    const config = { ...upstreamKnativeConfig(), eventing };
    const broker: KubeObject = { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', metadata: { name: 'b', namespace: 'kafka-ns' }, spec: {} };
    admissionHooks(brokerAdmission, () => config).defaults!(broker);
    assert.equal(broker.metadata.annotations?.['eventing.knative.dev/broker.class'], 'Kafka');
    assert.deepEqual(broker.spec, {
      config: { apiVersion: 'v1', kind: 'ConfigMap', name: 'kafka-broker-config', namespace: 'knative-eventing' },
      delivery: { retry: 3 },
    });
  });
});
