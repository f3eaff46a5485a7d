/**
 * The Knative Service of seed 002 §1.4.4 ("Verifying the integration"), with <service_name> →
 * hello, <namespace> → default and <image_url> → gcr.io/knative-samples/helloworld-go, goes
 * through Knative admission as on a real cluster: admitted, defaulted, with the usual warning.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import type { KubeObject } from '../object.ts';
import { kindOf } from './testing.ts';

const SEED_KSVC = `
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: hello
  namespace: default
  annotations:
    serving.knative.openshift.io/enablePassthrough: "true"
spec:
  template:
    metadata:
      annotations:
        sidecar.istio.io/inject: "true"
        sidecar.istio.io/rewriteAppHTTPProbers: "true"
    spec:
      containers:
      - image: gcr.io/knative-samples/helloworld-go
`;

describe('seed 002 §1.4.4 Knative Service', () => {
  const def = kindOf('Service', 'serving.knative.dev');

  it('is defaulted as Knative 1.15 defaults it', () => {
    const svc = parse(SEED_KSVC) as KubeObject;
    def.defaults!(svc);
    assert.deepEqual(svc, {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name: 'hello', namespace: 'default', annotations: { 'serving.knative.openshift.io/enablePassthrough': 'true' } },
      spec: {
        template: {
          metadata: { annotations: { 'sidecar.istio.io/inject': 'true', 'sidecar.istio.io/rewriteAppHTTPProbers': 'true' } },
          spec: {
            containers: [{
              image: 'gcr.io/knative-samples/helloworld-go',
              name: 'user-container',
              readinessProbe: { successThreshold: 1, tcpSocket: { port: 0 } },
              resources: {},
            }],
            containerConcurrency: 0,
            enableServiceLinks: false,
            timeoutSeconds: 300,
          },
        },
        traffic: [{ latestRevision: true, percent: 100 }],
      },
    });
  });

  it('passes validation, with the insecure-defaults warning', () => {
    const svc = parse(SEED_KSVC) as KubeObject;
    def.defaults!(svc);
    assert.deepEqual(def.validate!(svc, { operation: 'create' }), []);
    const warnings = def.warnings!(svc, { operation: 'create' });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /^Kubernetes default value is insecure, Knative may default this to secure in a future release: /);
  });

  it('stays valid when applied again unchanged (update with the stored object as old)', () => {
    const stored = parse(SEED_KSVC) as KubeObject;
    def.defaults!(stored);
    const again = parse(SEED_KSVC) as KubeObject;
    const ctx = { operation: 'update' as const, old: stored };
    (def.defaults as (o: KubeObject, c: typeof ctx) => void)(again, ctx);
    assert.deepEqual(def.validate!(again, ctx), []);
  });
});
