/**
 * What openshift-apiserver's Route strategy does on create: a Route without `spec.host`
 * (and without `spec.subdomain`) is given the host the router would serve it on,
 * `<name>-<namespace>.<apps domain>`, written into the object so `kubectl get route`, the
 * router and Knative all read the same name. (`wildcardPolicy: None` is the kind's default,
 * src/api/route/route-defaults.ts.)
 */
import type { KindDefinition } from '../../api/kind.ts';
import type { AdmissionPlugin, AdmissionRequest } from '../storage/admission.ts';
import { routeHost } from '../../api/route/host.ts';

interface RouteSpec {
  host?: string;
  subdomain?: string;
}

export function routeHostPlugin(appsDomain: string): AdmissionPlugin {
  return {
    name: 'route-host-allocation',
    handles: (def: KindDefinition) => def.group === 'route.openshift.io' && def.kind === 'Route',
    mutate: (req: AdmissionRequest) => {
      if (req.operation !== 'create') return;
      const route = req.object;
      const spec = (route.spec ??= {}) as RouteSpec;
      if (spec.host || spec.subdomain) return;
      spec.host = routeHost({ name: route.metadata.name ?? '', namespace: route.metadata.namespace ?? '' }, appsDomain);
    },
  };
}
