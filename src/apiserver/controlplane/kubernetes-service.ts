/**
 * The `kubernetes` Service in `default`, kept as kube-apiserver's own controllers keep it
 * (pkg/controlplane: kubernetesservice + the endpoint reconciler): a ClusterIP Service on
 * the first address of the service range, port 443 `https` → the API server's port, and
 * the Endpoints and EndpointSlice that point at the API server (127.0.0.1:<port> here).
 * Deleted or edited copies are put back; fields the API server does not own are left alone.
 */
import type { KubeObject } from '../../api/object.ts';
import type { Client, TypeRef } from '../../client/types.ts';
import { isSkiffError } from '../../errors/skiff-error.ts';

export const KUBERNETES_SERVICE_NAME = 'kubernetes';
export const KUBERNETES_SERVICE_NAMESPACE = 'default';
const SERVICE: TypeRef = { apiVersion: 'v1', kind: 'Service' };
const ENDPOINTS: TypeRef = { apiVersion: 'v1', kind: 'Endpoints' };
const ENDPOINT_SLICE: TypeRef = { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice' };
export const KUBERNETES_SERVICE_TYPES: readonly TypeRef[] = [SERVICE, ENDPOINTS, ENDPOINT_SLICE];

export interface ApiServerAddress {
  /** Where the API server listens. */
  ip: string;
  port: number;
  /** The Service's cluster IP: the first address of the service range. */
  clusterIP: string;
}

type Obj = KubeObject & Record<string, unknown>;

const meta = (labels: Record<string, string>) => ({ name: KUBERNETES_SERVICE_NAME, namespace: KUBERNETES_SERVICE_NAMESPACE, labels });
const endpointPorts = (a: ApiServerAddress) => [{ name: 'https', port: a.port, protocol: 'TCP' }];

export function desiredService(a: ApiServerAddress): Obj {
  return {
    apiVersion: 'v1', kind: 'Service',
    metadata: meta({ component: 'apiserver', provider: 'kubernetes' }),
    spec: { type: 'ClusterIP', clusterIP: a.clusterIP, sessionAffinity: 'None', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: a.port }] },
  };
}

export function desiredEndpoints(a: ApiServerAddress): Obj {
  return {
    apiVersion: 'v1', kind: 'Endpoints',
    // The API server writes the slice itself: the mirroring controller must not.
    metadata: meta({ 'endpointslice.kubernetes.io/skip-mirror': 'true' }),
    subsets: [{ addresses: [{ ip: a.ip }], ports: endpointPorts(a) }],
  };
}

export function desiredEndpointSlice(a: ApiServerAddress): Obj {
  return {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: meta({ 'kubernetes.io/service-name': KUBERNETES_SERVICE_NAME }),
    addressType: 'IPv4',
    endpoints: [{ addresses: [a.ip], conditions: { ready: true } }],
    ports: endpointPorts(a),
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Creates what is missing and repairs the fields the API server owns. */
export async function reconcileKubernetesService(client: Client, a: ApiServerAddress): Promise<void> {
  await ensure(client, desiredService(a), (cur, want) => {
    const spec = (cur.spec ?? {}) as Record<string, unknown>;
    const wantSpec = want.spec as Record<string, unknown>;
    // As upstream: only the ports and the type are corrected; the cluster IP is immutable.
    if (same(spec.ports, wantSpec.ports) && spec.type === wantSpec.type) return undefined;
    return { ...cur, spec: { ...spec, ports: wantSpec.ports, type: wantSpec.type } };
  });
  await ensure(client, desiredEndpoints(a), (cur, want) => (same(cur.subsets, want.subsets) && labelsHeld(cur, want) ? undefined
    : { ...cur, metadata: withLabels(cur, want), subsets: want.subsets }));
  await ensure(client, desiredEndpointSlice(a), (cur, want) => (same(cur.endpoints, want.endpoints) && same(cur.ports, want.ports) && cur.addressType === want.addressType && labelsHeld(cur, want) ? undefined
    : { ...cur, metadata: withLabels(cur, want), addressType: want.addressType, endpoints: want.endpoints, ports: want.ports }));
}

function labelsHeld(cur: Obj, want: Obj): boolean {
  return Object.entries(want.metadata.labels ?? {}).every(([k, v]) => cur.metadata.labels?.[k] === v);
}

function withLabels(cur: Obj, want: Obj): KubeObject['metadata'] {
  return { ...cur.metadata, labels: { ...cur.metadata.labels, ...want.metadata.labels } };
}

async function ensure(client: Client, want: Obj, repair: (cur: Obj, want: Obj) => Obj | undefined): Promise<void> {
  const type = { apiVersion: want.apiVersion, kind: want.kind };
  const cur = await client.get<Obj>(type, KUBERNETES_SERVICE_NAMESPACE, KUBERNETES_SERVICE_NAME);
  if (!cur) {
    try {
      await client.create(want);
    } catch (err) {
      // Someone created it meanwhile; the watch brings us back to check it.
      if (!isSkiffError(err, 'SKF_API_ALREADY_EXISTS')) throw err;
    }
    return;
  }
  const fixed = repair(cur, want);
  if (fixed) await client.update(fixed);
}
