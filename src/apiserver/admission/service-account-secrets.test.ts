import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.ts';
import { enforcesMountableSecrets, unmountableSecretProblem } from './service-account-secrets.ts';

const account = (annotation: string | undefined, extra: object = {}): KubeObject => ({
  apiVersion: 'v1', kind: 'ServiceAccount',
  metadata: { name: 'builder', namespace: 'ns', ...(annotation !== undefined ? { annotations: { 'kubernetes.io/enforce-mountable-secrets': annotation } } : {}) },
  secrets: [{ name: 'allowed' }], imagePullSecrets: [{ name: 'registry' }], ...extra,
});
const pod = (spec: object): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [{ name: 'main', image: 'busybox' }], ...spec } });
const SA = account('true');

test('the annotation is read as Go\'s strconv.ParseBool reads it', () => {
  for (const yes of ['true', 'True', 'TRUE', 't', '1']) assert.equal(enforcesMountableSecrets(account(yes)), true, yes);
  for (const no of ['false', '0', 'yes', '', undefined]) assert.equal(enforcesMountableSecrets(account(no)), false, String(no));
});

test('secrets the account lists are allowed', () => {
  assert.equal(unmountableSecretProblem(SA, pod({
    volumes: [{ name: 'v', secret: { secretName: 'allowed' } }, { name: 'c', configMap: { name: 'x' } }],
    containers: [{ name: 'main', env: [{ name: 'E', valueFrom: { secretKeyRef: { name: 'allowed', key: 'k' } } }], envFrom: [{ secretRef: { name: 'allowed' } }, { configMapRef: { name: 'x' } }] }],
    imagePullSecrets: [{ name: 'registry' }],
  })), undefined);
});

test('each kind of reference is refused with kube-apiserver\'s message', () => {
  const tail = 'is not allowed because service account builder does not reference that secret';
  assert.equal(unmountableSecretProblem(SA, pod({ volumes: [{ name: 'v', secret: { secretName: 'other' } }] })), `volume with secret.secretName="other" ${tail}`);
  assert.equal(unmountableSecretProblem(SA, pod({ initContainers: [{ name: 'init', env: [{ name: 'E', valueFrom: { secretKeyRef: { name: 'other', key: 'k' } } }] }] })), `init container init with envVar E referencing secret.secretName="other" ${tail}`);
  assert.equal(unmountableSecretProblem(SA, pod({ containers: [{ name: 'main', envFrom: [{ secretRef: { name: 'other' } }] }] })), `container main with envFrom referencing secret.secretName="other" ${tail}`);
  assert.equal(unmountableSecretProblem(SA, pod({ imagePullSecrets: [{ name: 'registry' }, { name: 'other' }] })), 'imagePullSecrets[1].name="other" is not allowed because service account builder does not reference that imagePullSecret');
});

test('volumes come first, then init containers, containers and pull secrets', () => {
  const problem = unmountableSecretProblem(SA, pod({
    imagePullSecrets: [{ name: 'nope' }],
    containers: [{ name: 'main', envFrom: [{ secretRef: { name: 'c' } }] }],
    initContainers: [{ name: 'init', envFrom: [{ secretRef: { name: 'i' } }] }],
    volumes: [{ name: 'v', secret: { secretName: 'v' } }],
  }));
  assert.match(problem ?? '', /^volume with secret.secretName="v"/);
});
