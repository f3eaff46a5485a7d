/**
 * Reads the ClusterSnapshot from a running skiff through its API (the CLI's ApiClient):
 * one list per kind across all namespaces. A kind the server does not serve (404) is an
 * empty list, so the checks still run against a cluster without, say, the Maistra CRDs.
 */
import type { KubeObject } from '../api/object.ts';
import type { ApiClient } from '../cli/api-client.ts';
import { SkiffError } from '../errors/skiff-error.ts';
import type { ClusterSnapshot } from './types.ts';

/** Where each kind is listed, with the apiVersion and kind its items get (lists leave them out). */
const LISTS: Record<keyof ClusterSnapshot, { path: string; apiVersion: string; kind: string }> = {
  namespaces: { path: '/api/v1/namespaces', apiVersion: 'v1', kind: 'Namespace' },
  services: { path: '/api/v1/services', apiVersion: 'v1', kind: 'Service' },
  pods: { path: '/api/v1/pods', apiVersion: 'v1', kind: 'Pod' },
  secrets: { path: '/api/v1/secrets', apiVersion: 'v1', kind: 'Secret' },
  gateways: { path: '/apis/networking.istio.io/v1alpha3/gateways', apiVersion: 'networking.istio.io/v1alpha3', kind: 'Gateway' },
  destinationRules: { path: '/apis/networking.istio.io/v1alpha3/destinationrules', apiVersion: 'networking.istio.io/v1alpha3', kind: 'DestinationRule' },
  peerAuthentications: { path: '/apis/security.istio.io/v1beta1/peerauthentications', apiVersion: 'security.istio.io/v1beta1', kind: 'PeerAuthentication' },
  controlPlanes: { path: '/apis/maistra.io/v2/servicemeshcontrolplanes', apiVersion: 'maistra.io/v2', kind: 'ServiceMeshControlPlane' },
  memberRolls: { path: '/apis/maistra.io/v1/servicemeshmemberrolls', apiVersion: 'maistra.io/v1', kind: 'ServiceMeshMemberRoll' },
};

export async function readSnapshot(api: ApiClient): Promise<ClusterSnapshot> {
  const entries = await Promise.all(Object.entries(LISTS).map(async ([key, list]) => [key, await listAll(api, list)] as const));
  return Object.fromEntries(entries) as unknown as ClusterSnapshot;
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
