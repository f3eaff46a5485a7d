import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../api/object.ts';
import { pathsViaRouteIngress } from './local-hop.ts';

const HOST = 'hello.default.svc.cluster.local';
const v1 = { serviceName: 'hello-00001', serviceNamespace: 'default', servicePort: 80, percent: 50, appendHeaders: { 'Knative-Serving-Revision': 'hello-00001' } };
const v2 = { serviceName: 'hello-00002', serviceNamespace: 'default', servicePort: 80, percent: 50, appendHeaders: { 'Knative-Serving-Revision': 'hello-00002' } };
const routeIngress: KubeObject = {
  apiVersion: 'networking.internal.knative.dev/v1alpha1', kind: 'Ingress', metadata: { name: 'hello', namespace: 'default' },
  spec: {
    rules: [
      { hosts: ['hello.default', HOST], visibility: 'ClusterLocal', http: { paths: [{ splits: [v1, v2] }] } },
      { hosts: ['hello-default.apps.example.com'], visibility: 'ExternalIP', http: { paths: [{ splits: [v1, v2] }] } },
      { hosts: ['candidate-hello.default', `candidate-${HOST}`], visibility: 'ClusterLocal', http: { paths: [{ splits: [{ ...v2, percent: 100 }] }] } },
    ],
  },
};

describe('pathsViaRouteIngress', () => {
  it('takes the cluster-local paths of the host, with the host rewritten and the extra headers appended', () => {
    assert.deepEqual(pathsViaRouteIngress(routeIngress, HOST, { 'K-Original-Host': 'hello.example.org' }), [{
      rewriteHost: HOST,
      splits: [
        { ...v1, appendHeaders: { ...v1.appendHeaders, 'K-Original-Host': 'hello.example.org' } },
        { ...v2, appendHeaders: { ...v2.appendHeaders, 'K-Original-Host': 'hello.example.org' } },
      ],
    }]);
    // The Route's own objects are left untouched.
    assert.deepEqual(v1.appendHeaders, { 'Knative-Serving-Revision': 'hello-00001' });
  });

  it('has nothing without a Route KIngress or a cluster-local rule for the host', () => {
    assert.equal(pathsViaRouteIngress(undefined, HOST, {}), undefined);
    assert.equal(pathsViaRouteIngress(routeIngress, 'web.default.svc.cluster.local', {}), undefined);
  });
});
