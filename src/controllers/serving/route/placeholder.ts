/**
 * The Route's placeholder Services (knative/serving pkg/reconciler/route/resources/service.go):
 * `<route>` and `<tag>-<route>`, controlled by the Route. They reserve the names in cluster
 * DNS, so `<route>.<ns>.svc.cluster.local` resolves; once the KIngress reports its load
 * balancer they point there (ExternalName to the private gateway's host, preferred because
 * in-cluster callers should stay inside), which is how in-cluster calls reach the revisions.
 *
 * Created first as ExternalName to the route's own domain (upstream does this too): the
 * name must exist before the KIngress is ready, and the load balancer is not known yet.
 */
import type { KubeObject } from '../../../api/object.ts';
import { ServingLabels } from '../../../api/knative/serving/keys.ts';
import { newControllerRef } from '../../core/replicaset/resources/controller-ref.ts';
import { KINDS } from '../shared/contracts.ts';
import type { RouteConfig } from './config.ts';
import { domainNameFromTemplate, hostnameFromTemplate } from './domains.ts';
import { routeMeta } from './ingress.ts';

const H2C_PORT = { name: 'http2', appProtocol: 'kubernetes.io/h2c', port: 80, targetPort: 80 } as const;

interface LoadBalancerIngress {
  ip?: string;
  domain?: string;
  domainInternal?: string;
  meshOnly?: boolean;
}

/** makeServiceObjectMeta: the Route's labels (not its visibility label, which is per tag) and annotations. */
function serviceMeta(route: KubeObject, name: string): KubeObject['metadata'] {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(route.metadata.labels ?? {})) if (k !== ServingLabels.visibility) labels[k] = v;
  labels[ServingLabels.route] = route.metadata.name!;
  return {
    name,
    namespace: route.metadata.namespace,
    ownerReferences: [newControllerRef(route)],
    labels,
    ...(route.metadata.annotations ? { annotations: { ...route.metadata.annotations } } : {}),
  };
}

const service = (metadata: KubeObject['metadata'], spec: Record<string, unknown>): KubeObject => ({ apiVersion: KINDS.k8sService.apiVersion, kind: KINDS.k8sService.kind, metadata, spec });

/** The placeholder name of a target: the route name, or the tag template's host name. */
export function placeholderName(cfg: RouteConfig, route: KubeObject, tag: string): string {
  return hostnameFromTemplate(cfg, route.metadata.name!, tag);
}

/** MakeK8sPlaceholderService. */
export function makePlaceholderService(cfg: RouteConfig, route: KubeObject, tag: string): KubeObject {
  const hostname = placeholderName(cfg, route, tag);
  const externalName = domainNameFromTemplate(cfg, routeMeta(route), hostname);
  return service(serviceMeta(route, hostname), { type: 'ExternalName', externalName, sessionAffinity: 'None', ports: [{ ...H2C_PORT }] });
}

export function isClusterLocalService(svc: KubeObject): boolean {
  return svc.metadata.labels?.[ServingLabels.visibility] === 'cluster-local';
}

/**
 * MakeK8sService: the placeholder pointed at the KIngress's load balancer (the private one
 * whenever it has one). undefined while the KIngress reports none, or reports a bare IP
 * (upstream then writes a headless Service with its own Endpoints; skiff's ingresses report
 * host names, so that form is not built).
 */
export function makeLoadBalancedService(cfg: RouteConfig, route: KubeObject, tag: string, ingress: KubeObject, isPrivate: boolean): KubeObject | undefined {
  const status = (ingress.status ?? {}) as { publicLoadBalancer?: { ingress?: LoadBalancerIngress[] }; privateLoadBalancer?: { ingress?: LoadBalancerIngress[] } };
  const privateLB = status.privateLoadBalancer?.ingress ?? [];
  const lb = isPrivate || privateLB.length > 0 ? privateLB : (status.publicLoadBalancer?.ingress ?? []);
  if (lb.length !== 1) return undefined;
  const balancer = lb[0]!;
  const meta = serviceMeta(route, placeholderName(cfg, route, tag));
  if (balancer.ip) return undefined;
  if (balancer.domainInternal) return service(meta, { type: 'ExternalName', externalName: balancer.domainInternal, sessionAffinity: 'None', ports: [{ ...H2C_PORT }] });
  if (balancer.domain) return service(meta, { type: 'ExternalName', externalName: balancer.domain, ports: [{ ...H2C_PORT }] });
  if (balancer.meshOnly) return service(meta, { type: 'ClusterIP', ports: [{ name: 'http', port: 80 }] });
  return undefined;
}
