/**
 * A small mesh for the route and cluster tests: `reviews` in bookinfo with v1/v2 pods
 * (sidecars injected), its EndpointSlice, and helpers to build a ServiceRegistry.
 */
import type { Pod } from '../../api/builtin/core/pod-readiness.ts';
import type { EndpointSlice, Service } from '../../api/builtin/core/service-view.ts';
import type { ServiceEntry } from './istio-specs.ts';
import { serviceEntryServices } from './service-entries.ts';
import { ServiceRegistry, kubernetesService } from './service-registry.ts';
import { meta, service } from './testing-fixtures.ts';

export function pod(namespace: string, name: string, ip: string, labels: Record<string, string>): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: meta(namespace, name, { labels }), spec: { serviceAccountName: 'bookinfo-reviews', containers: [] }, status: { podIP: ip, phase: 'Running' } };
}

export function slice(namespace: string, serviceName: string, ports: { name: string; port: number }[], pods: Pod[]): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4',
    metadata: meta(namespace, `${serviceName}-abc`, { labels: { 'kubernetes.io/service-name': serviceName } }),
    ports,
    endpoints: pods.map((p) => ({ addresses: [p.status!.podIP!], conditions: { ready: true }, targetRef: { kind: 'Pod', namespace, name: p.metadata.name! } })),
  };
}

export interface Mesh { services: Service[]; slices: EndpointSlice[]; pods: Pod[]; entries: ServiceEntry[] }

export function bookinfo(): Mesh {
  const v1 = pod('bookinfo', 'reviews-v1', '10.0.0.1', { app: 'reviews', version: 'v1', 'security.istio.io/tlsMode': 'istio' });
  const v2 = pod('bookinfo', 'reviews-v2', '10.0.0.2', { app: 'reviews', version: 'v2', 'security.istio.io/tlsMode': 'istio' });
  const plain = pod('legacy', 'db-0', '10.0.1.1', { app: 'db' });
  return {
    services: [
      service('bookinfo', 'reviews', { clusterIP: '127.96.0.20', selector: { app: 'reviews' }, ports: [{ name: 'http', port: 9080, targetPort: 9080 }] }),
      service('bookinfo', 'ratings', { clusterIP: '127.96.0.21', selector: { app: 'ratings' }, ports: [{ name: 'http', port: 9080 }, { name: 'grpc-admin', port: 9090 }] }),
      service('legacy', 'db', { clusterIP: '127.96.0.30', selector: { app: 'db' }, ports: [{ name: 'tcp-db', port: 5432 }] }),
    ],
    slices: [slice('bookinfo', 'reviews', [{ name: 'http', port: 9080 }], [v1, v2]), slice('legacy', 'db', [{ name: 'tcp-db', port: 5432 }], [plain])],
    pods: [v1, v2, plain],
    entries: [],
  };
}

export function registryOf(mesh: Mesh): ServiceRegistry {
  const fromServices = mesh.services.map((s) => kubernetesService(s, mesh.slices, mesh.pods));
  const fromEntries = mesh.entries.flatMap((e) => serviceEntryServices(e, mesh.pods).services);
  return new ServiceRegistry([...fromServices, ...fromEntries]);
}
