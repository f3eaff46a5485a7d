/**
 * Everything a KnativeServing installs, as desired objects: the rendered manifest (core,
 * the chosen ingress, ConfigMaps, ServiceAccounts) with the CR's customisations, owner
 * references on what lives in the CR's namespace, and the owner labels on everything.
 */
import type { KubeObject } from '../../../api/object.ts';
import { KOURIER_NAMESPACE } from '../shared/contracts.ts';
import { configMaps } from './configmaps.ts';
import { coreServices, coreWorkloads, serviceAccounts } from './core.ts';
import { kourierNamespace, kourierServices, kourierWorkloads, netIstioServices, netIstioWorkloads } from './ingress.ts';
import { ownerLabels, ownerReferenceTo } from './meta.ts';
import { monitoringEnabled, monitoringServices, withRbacProxy } from './monitoring.ts';
import { customize } from './overrides.ts';
import type { ServingSpec } from './spec.ts';
import { deploymentOf } from './workload.ts';

export interface Manifest {
  /** Namespaces to create first (Kourier's); the CR's own namespace already exists. */
  namespaces: KubeObject[];
  objects: KubeObject[];
  /** The Deployments whose Available condition makes DeploymentsAvailable, as `namespace/name`. */
  deployments: string[];
}

function mark(cr: KubeObject, obj: KubeObject): KubeObject {
  const sameNamespace = obj.metadata.namespace === cr.metadata.namespace;
  return {
    ...obj,
    metadata: {
      ...obj.metadata,
      labels: { ...(obj.metadata.labels ?? {}), ...ownerLabels(cr) },
      // Owner references may not cross namespaces; the labels find the rest at deletion.
      ...(sameNamespace ? { ownerReferences: [ownerReferenceTo(cr)] } : {}),
    },
  };
}

export function manifestOf(cr: KubeObject, serving: ServingSpec, appsDomain: string): Manifest {
  const ns = cr.metadata.namespace!;
  const kourier = serving.ingress === 'kourier';
  const workloads = [...coreWorkloads(ns), ...(kourier ? kourierWorkloads(ns) : netIstioWorkloads(ns))];
  const monitored = monitoringEnabled(serving);
  const deployments = workloads.map((w) => customize(deploymentOf(w), serving)).map((d) => (monitored ? withRbacProxy(d) : d));
  const objects = [
    ...serviceAccounts(ns, kourier ? ['controller', 'activator', 'net-kourier'] : ['controller', 'activator']),
    ...configMaps(ns, serving, appsDomain),
    ...coreServices(ns),
    ...(kourier ? kourierServices(ns) : netIstioServices(ns)),
    ...(monitored ? monitoringServices(ns, deployments.filter((d) => d.metadata.namespace === ns).map((d) => d.metadata.name ?? '')) : []),
    ...deployments,
  ].map((o) => mark(cr, o));
  return {
    namespaces: kourier ? [mark(cr, kourierNamespace())] : [],
    objects,
    deployments: deployments.map((d) => `${d.metadata.namespace}/${d.metadata.name}`),
  };
}

/** Where installed objects outside the CR's namespace live (cleanup looks there by label). */
export const FOREIGN_NAMESPACES = [KOURIER_NAMESPACE] as const;
