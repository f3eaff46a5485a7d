/**
 * Reads the ClusterSnapshot from a running skiff through its API (the CLI's ApiClient):
 * one list per kind across all namespaces. A kind the server does not serve (404) is an
 * empty list, so the checks still run against a cluster without, say, the Maistra CRDs.
 * Then, and only then, what the data plane's proxies applied (`GET /skiff/v1/status`): a
 * proxy that applied a newer configuration between the two reads still counts as synced.
 * The data plane applies a change after a debounce (75 ms) and a compile, so a change made
 * just before the lists were read is not stale yet: the report is read again for up to
 * CATCH_UP_MS while some proxy is behind, and only then does it count as STALE.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { KubeObject } from '../api/object.ts';
import type { ApiClient } from '../cli/api-client.ts';
import { SkiffError } from '../errors/skiff-error.ts';
import type { ProxySyncStatus } from '../server/mesh/proxy-sync.ts';
import { proxiesCaughtUp } from './proxy-sync.ts';
import type { ClusterLists, ClusterSnapshot, NetworkPolicyEnforcement } from './types.ts';

/** How long a proxy behind the lists may take to catch up before it is STALE, and how often to look. */
const CATCH_UP_MS = 2_000;
const CATCH_UP_POLL_MS = 100;

/** Where each kind is listed, with the apiVersion and kind its items get (lists leave them out). */
const LISTS: Record<keyof ClusterLists, { path: string; apiVersion: string; kind: string }> = {
  namespaces: { path: '/api/v1/namespaces', apiVersion: 'v1', kind: 'Namespace' },
  services: { path: '/api/v1/services', apiVersion: 'v1', kind: 'Service' },
  endpointSlices: { path: '/apis/discovery.k8s.io/v1/endpointslices', apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice' },
  pods: { path: '/api/v1/pods', apiVersion: 'v1', kind: 'Pod' },
  secrets: { path: '/api/v1/secrets', apiVersion: 'v1', kind: 'Secret' },
  gateways: { path: '/apis/networking.istio.io/v1alpha3/gateways', apiVersion: 'networking.istio.io/v1alpha3', kind: 'Gateway' },
  virtualServices: { path: '/apis/networking.istio.io/v1alpha3/virtualservices', apiVersion: 'networking.istio.io/v1alpha3', kind: 'VirtualService' },
  serviceEntries: { path: '/apis/networking.istio.io/v1alpha3/serviceentries', apiVersion: 'networking.istio.io/v1alpha3', kind: 'ServiceEntry' },
  authorizationPolicies: { path: '/apis/security.istio.io/v1beta1/authorizationpolicies', apiVersion: 'security.istio.io/v1beta1', kind: 'AuthorizationPolicy' },
  destinationRules: { path: '/apis/networking.istio.io/v1alpha3/destinationrules', apiVersion: 'networking.istio.io/v1alpha3', kind: 'DestinationRule' },
  peerAuthentications: { path: '/apis/security.istio.io/v1beta1/peerauthentications', apiVersion: 'security.istio.io/v1beta1', kind: 'PeerAuthentication' },
  controlPlanes: { path: '/apis/maistra.io/v2/servicemeshcontrolplanes', apiVersion: 'maistra.io/v2', kind: 'ServiceMeshControlPlane' },
  memberRolls: { path: '/apis/maistra.io/v1/servicemeshmemberrolls', apiVersion: 'maistra.io/v1', kind: 'ServiceMeshMemberRoll' },
  networkPolicies: { path: '/apis/networking.k8s.io/v1/networkpolicies', apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
};

export async function readSnapshot(api: ApiClient): Promise<ClusterSnapshot> {
  const entries = await Promise.all(Object.entries(LISTS).map(async ([key, list]) => [key, await listAll(api, list)] as const));
  const lists = Object.fromEntries(entries) as unknown as ClusterLists;
  const deadline = Date.now() + CATCH_UP_MS;
  let status = await readStatus(api);
  while (status.proxies !== undefined && !proxiesCaughtUp({ ...lists, proxies: status.proxies }) && Date.now() < deadline) {
    await delay(CATCH_UP_POLL_MS);
    status = await readStatus(api);
  }
  return {
    ...lists,
    ...(status.proxies !== undefined ? { proxies: status.proxies } : {}),
    ...(status.networkPolicy !== undefined ? { networkPolicy: status.networkPolicy } : {}),
  };
}

/** What skiff's status endpoint says of the proxies and of NetworkPolicy; each undefined when it does not say. */
async function readStatus(api: ApiClient): Promise<{ proxies?: ProxySyncStatus[]; networkPolicy?: NetworkPolicyEnforcement }> {
  const response = await api.get('/skiff/v1/status').catch(() => undefined);
  if (response?.status !== 200) return {};
  try {
    const body = JSON.parse(response.body) as { mesh?: { proxies?: unknown }; networkPolicy?: NetworkPolicyEnforcement };
    return {
      ...(Array.isArray(body.mesh?.proxies) ? { proxies: body.mesh.proxies as ProxySyncStatus[] } : {}),
      ...(typeof body.networkPolicy?.enforced === 'boolean' ? { networkPolicy: body.networkPolicy } : {}),
    };
  } catch {
    return {};
  }
}

async function listAll(api: ApiClient, list: { path: string; apiVersion: string; kind: string }): Promise<KubeObject[]> {
  const response = await api.get(list.path);
  if (response.status === 404) return [];
  if (response.status !== 200) {
    throw new SkiffError('SKF_CLI_API_UNREACHABLE', `listing ${list.path} answered ${response.status}: ${response.body.slice(0, 200)}`);
  }
  const items = (JSON.parse(response.body) as { items?: KubeObject[] }).items ?? [];
  return items.map((item) => ({ ...item, apiVersion: list.apiVersion, kind: list.kind }));
}
