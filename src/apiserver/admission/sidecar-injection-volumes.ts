/**
 * The volumes Istio 1.20's sidecar template adds, and where the proxy mounts them: sockets
 * and certificates for SDS, Envoy's scratch space, pod info (labels and annotations, which
 * the agent reads), the istio-ca token and the mesh's root certificate (`istio-ca-root-cert`,
 * which the control plane copies into every member namespace).
 */
import type { Fields } from '../../api/mesh/fields.ts';

export interface NamedVolume extends Fields {
  name: string;
}

export function istioVolumes(): NamedVolume[] {
  return [
    { name: 'workload-socket', emptyDir: {} },
    { name: 'credential-socket', emptyDir: {} },
    { name: 'workload-certs', emptyDir: {} },
    { name: 'istio-envoy', emptyDir: { medium: 'Memory' } },
    { name: 'istio-data', emptyDir: {} },
    {
      name: 'istio-podinfo',
      downwardAPI: {
        defaultMode: 420,
        items: [
          { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.labels' }, path: 'labels' },
          { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.annotations' }, path: 'annotations' },
        ],
      },
    },
    { name: 'istio-token', projected: { defaultMode: 420, sources: [{ serviceAccountToken: { audience: 'istio-ca', expirationSeconds: 43200, path: 'istio-token' } }] } },
    { name: 'istiod-ca-cert', configMap: { defaultMode: 420, name: 'istio-ca-root-cert' } },
  ];
}

export function istioVolumeMounts(): Fields[] {
  return [
    { mountPath: '/var/run/secrets/workload-spiffe-uds', name: 'workload-socket' },
    { mountPath: '/var/run/secrets/credential-uds', name: 'credential-socket' },
    { mountPath: '/var/run/secrets/workload-spiffe-credentials', name: 'workload-certs' },
    { mountPath: '/var/run/secrets/istio', name: 'istiod-ca-cert' },
    { mountPath: '/var/lib/istio/data', name: 'istio-data' },
    { mountPath: '/etc/istio/proxy', name: 'istio-envoy' },
    { mountPath: '/var/run/secrets/tokens', name: 'istio-token' },
    { mountPath: '/etc/istio/pod', name: 'istio-podinfo' },
  ];
}
