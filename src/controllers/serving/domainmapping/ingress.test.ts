import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../api/object.ts';
import { annotatedIngressClass, makeDomainMappingIngress } from './ingress.ts';

const dm: KubeObject = {
  apiVersion: 'serving.knative.dev/v1beta1', kind: 'DomainMapping',
  metadata: {
    name: 'hello.example.org', namespace: 'default', uid: 'dm-uid', labels: { team: 'a' },
    annotations: { 'serving.knative.openshift.io/enablePassthrough': 'true', 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
  },
  spec: { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'hello', namespace: 'default' } },
};

describe('makeDomainMappingIngress', () => {
  it('maps the domain to the target Service with the host rewritten and the original host appended', () => {
    const ing = makeDomainMappingIngress(dm, { backendService: 'hello', targetHost: 'hello.default.svc.cluster.local', ingressClass: 'istio.ingress.networking.knative.dev', httpOption: 'Enabled' });
    assert.equal(ing.metadata.name, 'hello.example.org');
    assert.equal(ing.metadata.namespace, 'default');
    assert.deepEqual(ing.metadata.labels, { team: 'a', 'serving.knative.dev/domainMappingUID': 'dm-uid', 'serving.knative.dev/domainMappingNamespace': 'default' });
    assert.deepEqual(ing.metadata.annotations, {
      'networking.knative.dev/ingress.class': 'istio.ingress.networking.knative.dev',
      'serving.knative.openshift.io/enablePassthrough': 'true',
    });
    assert.deepEqual(ing.metadata.ownerReferences, [{ apiVersion: 'serving.knative.dev/v1beta1', kind: 'DomainMapping', name: 'hello.example.org', uid: 'dm-uid', controller: true, blockOwnerDeletion: true }]);
    assert.deepEqual(ing.spec, {
      httpOption: 'Enabled',
      rules: [{
        hosts: ['hello.example.org'], visibility: 'ExternalIP',
        http: { paths: [{ rewriteHost: 'hello.default.svc.cluster.local', splits: [{ serviceNamespace: 'default', serviceName: 'hello', servicePort: 80, percent: 100, appendHeaders: { 'K-Original-Host': 'hello.example.org' } }] }] },
      }],
    });
  });

  it('carries the DomainMapping\'s own certificate as the ingress TLS', () => {
    const tls = [{ hosts: ['hello.example.org'], secretName: 'mine', secretNamespace: 'default' }];
    const ing = makeDomainMappingIngress(dm, { backendService: 'hello', targetHost: 'hello.default.svc.cluster.local', ingressClass: 'x', tls });
    assert.deepEqual((ing.spec as { tls?: unknown }).tls, tls);
    assert.equal((ing.spec as { httpOption?: unknown }).httpOption, undefined);
  });

  it('reads the ingress class from either annotation spelling', () => {
    assert.equal(annotatedIngressClass({ 'networking.knative.dev/ingress-class': 'kourier' }), 'kourier');
    assert.equal(annotatedIngressClass({ 'networking.knative.dev/ingress.class': 'istio', 'networking.knative.dev/ingress-class': 'kourier' }), 'istio');
    assert.equal(annotatedIngressClass(undefined), '');
  });
});
