/**
 * A control plane's components (named after Maistra's chart directories, as
 * `status.components` and `status.readiness` name them) with the objects each installs,
 * in Maistra's installation order (v2.5): istio-discovery, then mesh-config, then the
 * gateways. The operator waits for a group's Deployments to be Available before it
 * installs the next group. skiff ships no addons, so telemetry-common, prometheus,
 * tracing, grafana and kiali never appear.
 */
import type { KubeObject } from '../../../../api/object.ts';
import { gatewayObjects } from './gateways.ts';
import { DISCOVERY, istiodObjects } from './istiod.ts';
import { MESH_CONFIG, meshPolicyObjects } from './mesh-policies.ts';
import type { MeshSettings } from './settings.ts';

export const INSTALL_ORDER: readonly (readonly string[])[] = [[DISCOVERY], [MESH_CONFIG], ['istio-ingress', 'istio-egress']];

export interface Component {
  name: string;
  objects: KubeObject[];
  /** Whether it has Deployments, whose availability is the component's readiness. */
  hasReadiness: boolean;
}

/** The components this control plane installs, grouped in installation order (empty groups dropped). */
export function componentsOf(s: MeshSettings): Component[][] {
  const byName = new Map<string, KubeObject[]>([[DISCOVERY, istiodObjects(s)], [MESH_CONFIG, meshPolicyObjects(s)]]);
  for (const gw of s.gateways) byName.set(gw.component, [...(byName.get(gw.component) ?? []), ...gatewayObjects(s, gw)]);
  const groups: Component[][] = [];
  for (const names of INSTALL_ORDER) {
    const group = names.filter((n) => byName.has(n)).map((name) => {
      // Maistra skips NetworkPolicies when spec.security.manageNetworkPolicy is false.
      const objects = byName.get(name)!.filter((o) => s.manageNetworkPolicy || o.kind !== 'NetworkPolicy');
      return { name, objects, hasReadiness: objects.some((o) => o.kind === 'Deployment') };
    });
    if (group.length > 0) groups.push(group);
  }
  return groups;
}

/** The kinds a control plane installs (what pruning lists). */
export const OWNED_KINDS = [
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'v1', kind: 'ServiceAccount' },
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
  { apiVersion: 'route.openshift.io/v1', kind: 'Route' },
  { apiVersion: 'security.istio.io/v1beta1', kind: 'PeerAuthentication' },
  { apiVersion: 'networking.istio.io/v1beta1', kind: 'DestinationRule' },
] as const;
