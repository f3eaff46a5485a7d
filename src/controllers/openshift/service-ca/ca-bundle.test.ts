import assert from 'node:assert/strict';
import { test } from 'node:test';
import { injectedConfigMap, wantsCaBundle } from './ca-bundle.ts';
import type { ConfigMap } from './secret-data.ts';

const BUNDLE = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';

function configMap(annotations: Record<string, string>, data?: Record<string, string>): ConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ca', namespace: 'monitoring', annotations }, ...(data ? { data } : {}) };
}

test('the inject-cabundle annotation (beta or alpha) asks for the bundle when "true", in any case', () => {
  assert.equal(wantsCaBundle(configMap({ 'service.beta.openshift.io/inject-cabundle': 'true' })), true);
  assert.equal(wantsCaBundle(configMap({ 'service.alpha.openshift.io/inject-cabundle': 'TRUE' })), true);
  assert.equal(wantsCaBundle(configMap({ 'service.beta.openshift.io/inject-cabundle': 'false' })), false);
  assert.equal(wantsCaBundle(configMap({})), false);
});

test('injection writes service-ca.crt as the only data key and claims ownership once', () => {
  const cm = configMap({ 'service.beta.openshift.io/inject-cabundle': 'true', keep: 'me' }, { other: 'x' });
  const out = injectedConfigMap(cm, BUNDLE)!;
  assert.deepEqual(out.data, { 'service-ca.crt': BUNDLE });
  assert.equal(out.metadata.annotations!['openshift.io/owning-component'], 'service-ca');
  assert.equal(out.metadata.annotations!.keep, 'me');
  assert.equal(injectedConfigMap(out, BUNDLE), undefined);
  const claimed = configMap({ 'service.beta.openshift.io/inject-cabundle': 'true', 'openshift.io/owning-component': 'Monitoring' });
  assert.equal(injectedConfigMap(claimed, BUNDLE)!.metadata.annotations!['openshift.io/owning-component'], 'Monitoring');
});

test('an edited bundle is put back; an unannotated ConfigMap is left alone', () => {
  const edited = configMap({ 'service.beta.openshift.io/inject-cabundle': 'true' }, { 'service-ca.crt': 'tampered' });
  assert.deepEqual(injectedConfigMap(edited, BUNDLE)!.data, { 'service-ca.crt': BUNDLE });
  assert.equal(injectedConfigMap(configMap({}, { a: 'b' }), BUNDLE), undefined);
});
