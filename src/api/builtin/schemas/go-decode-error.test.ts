import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goDecodeError } from './go-decode-error.ts';
import { builtinSchema } from './load.ts';

const deploymentSchema = builtinSchema('apps/v1', 'Deployment');
const deployment = (spec: unknown) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { app: 'web' } }, spec });
const template = (container: Record<string, unknown>) => ({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx', ...container }] } });

test('a well-typed object decodes', () => {
  assert.equal(goDecodeError(deployment({ replicas: 2, selector: { matchLabels: { app: 'web' } }, template: template({ ports: [{ containerPort: 80 }] }) }), deploymentSchema, 'Deployment'), undefined);
});

test('names the declaring struct, the path from the root and the Go type', () => {
  assert.equal(goDecodeError(deployment({ replicas: 'three' }), deploymentSchema, 'Deployment'), 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32');
  assert.equal(goDecodeError(deployment('web'), deploymentSchema, 'Deployment'), 'json: cannot unmarshal string into Go struct field Deployment.spec of type v1.DeploymentSpec');
  assert.equal(goDecodeError({ metadata: { labels: { tier: 1 } } }, deploymentSchema, 'Deployment'), 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string');
});

test('list positions and map keys are not part of the path', () => {
  assert.equal(goDecodeError(deployment({ template: template({ name: 7 }) }), deploymentSchema, 'Deployment'), 'json: cannot unmarshal number into Go struct field Container.spec.template.spec.containers.name of type string');
  assert.equal(goDecodeError(deployment({ template: template({ ports: [{ containerPort: '80' }] }) }), deploymentSchema, 'Deployment'), 'json: cannot unmarshal string into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32');
  assert.equal(goDecodeError(deployment({ template: { spec: { containers: { name: 'web' } } } }), deploymentSchema, 'Deployment'), 'json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container');
  assert.equal(goDecodeError({ data: { a: true } }, builtinSchema('v1', 'ConfigMap'), 'ConfigMap'), 'json: cannot unmarshal bool into Go struct field ConfigMap.data of type string');
  assert.equal(goDecodeError({ data: { a: 1 } }, builtinSchema('v1', 'Secret'), 'Secret'), 'json: cannot unmarshal number into Go struct field Secret.data of type []uint8');
});

test('a number that does not fit the integer type is named', () => {
  assert.equal(goDecodeError(deployment({ replicas: 1.5 }), deploymentSchema, 'Deployment'), 'json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32');
  assert.equal(goDecodeError(deployment({ replicas: 2 ** 31 }), deploymentSchema, 'Deployment'), 'json: cannot unmarshal number 2147483648 into Go struct field DeploymentSpec.spec.replicas of type int32');
});

test('reports the first problem in document order', () => {
  const both = { apiVersion: 'apps/v1', kind: 'Deployment', spec: { paused: 'yes', replicas: 'two' } };
  assert.equal(goDecodeError(both, deploymentSchema, 'Deployment'), 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.paused of type bool');
});

test('leaves self-decoding types, unknown fields and nulls alone', () => {
  const spec = { replicas: null, strategy: { rollingUpdate: { maxSurge: true } }, foo: 1, template: template({ resources: { limits: { cpu: false } } }) };
  assert.equal(goDecodeError(deployment(spec), deploymentSchema, 'Deployment'), undefined);
  assert.equal(goDecodeError({ metadata: { creationTimestamp: 5 } }, deploymentSchema, 'Deployment'), undefined);
});
