/** A KIngress as the Route controller makes it for ksvc `hello` in `default` (seed 002), for tests. */
import type { IngressTLS, KIngress } from './kingress.ts';

export function helloIngress(extra: { annotations?: Record<string, string>; tls?: IngressTLS[] } = {}): KIngress {
  const split = (percent: number) => ({
    serviceName: 'hello-00001', serviceNamespace: 'default', servicePort: 80, percent,
    appendHeaders: { 'Knative-Serving-Revision': 'hello-00001', 'Knative-Serving-Namespace': 'default' },
  });
  return {
    apiVersion: 'networking.internal.knative.dev/v1alpha1',
    kind: 'Ingress',
    metadata: {
      name: 'hello', namespace: 'default', uid: '0f1e2d3c-0000-4000-8000-000000000001', generation: 2,
      labels: { 'serving.knative.dev/route': 'hello', 'serving.knative.dev/routeNamespace': 'default', 'serving.knative.dev/service': 'hello' },
      annotations: { 'networking.knative.dev/ingress.class': 'istio.ingress.networking.knative.dev', ...(extra.annotations ?? {}) },
    },
    spec: {
      httpOption: 'Enabled',
      rules: [
        { hosts: ['hello.default', 'hello.default.svc', 'hello.default.svc.cluster.local'], visibility: 'ClusterLocal', http: { paths: [{ splits: [split(100)] }] } },
        { hosts: ['hello-default.apps.example.com'], visibility: 'ExternalIP', http: { paths: [{ splits: [split(100)] }] } },
      ],
      ...(extra.tls ? { tls: extra.tls } : {}),
    },
  };
}

/** Built objects read loosely in assertions. */
export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
