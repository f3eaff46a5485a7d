import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KNATIVE_COMPONENT_IMAGES, componentOfImage, matches } from './components.ts';
import { componentOf } from './program.ts';

test('every documented image resolves to its own component, with tags and digests', () => {
  for (const [component, images] of Object.entries(KNATIVE_COMPONENT_IMAGES)) {
    for (const image of images) {
      assert.equal(componentOfImage(image), component, image);
      assert.equal(componentOfImage(`${image}:v1.15.2`), component);
      assert.equal(componentOfImage(`${image}@sha256:${'a'.repeat(64)}`), component);
    }
  }
});

test('queue-proxy and other images are not Knative control-plane images', () => {
  for (const image of [
    'gcr.io/knative-releases/knative.dev/serving/cmd/queue:v1.15.2',
    'registry.redhat.io/openshift-serverless-1/serving-queue-rhel8',
    'gcr.io/knative-samples/helloworld-go',
    'docker.io/envoyproxy/envoy:v1.30',
    'controller',
  ]) assert.equal(matches(image), false, image);
  assert.equal(matches('registry.redhat.io/openshift-serverless-1/serving-autoscaler-hpa-rhel8:1.34'), true);
});

test('the component comes from the arguments, then KNATIVE_COMPONENT, then the pod name', () => {
  assert.equal(componentOf(['--component=webhook'], {}), 'webhook');
  assert.equal(componentOf(['net-istio-controller'], { KNATIVE_COMPONENT: 'activator' }), 'net-istio-controller');
  assert.equal(componentOf([], { KNATIVE_COMPONENT: 'activator' }), 'activator');
  assert.equal(componentOf([], { HOSTNAME: 'net-istio-webhook-7d9f8c6b5-x2x4z' }), 'net-istio-webhook');
  assert.equal(componentOf([], { HOSTNAME: 'autoscaler-6c8f9b-abcde' }), 'autoscaler');
  assert.equal(componentOf(['--foo'], { HOSTNAME: 'hello-00001-deployment-abc-xyz' }), undefined);
});
