/**
 * The KIngress (networking.internal.knative.dev/v1alpha1 Ingress) as the ingress
 * controllers read it, and the keys both controllers share (knative/networking
 * pkg/apis/networking/register.go, pkg/apis/networking/v1alpha1/ingress_types.go).
 */
import type { Condition, KubeObject } from '../../../api/object.ts';

export const INGRESS_CLASS_ANNOTATION = 'networking.knative.dev/ingress.class';
export const ISTIO_INGRESS_CLASS = 'istio.ingress.networking.knative.dev';
/** Labels every object made for a KIngress (its name) so it can be found and pruned. */
export const INGRESS_LABEL = 'networking.internal.knative.dev/ingress';
/** Secrets net-istio may see when secret informer filtering is on (seed 1.7). */
export const CERTIFICATE_UID_LABEL = 'networking.internal.knative.dev/certificate-uid';
export const CLUSTER_DOMAIN = 'cluster.local';

export type Visibility = 'ExternalIP' | 'ClusterLocal';

export interface HeaderMatch {
  exact?: string;
}

export interface IngressBackendSplit {
  serviceName: string;
  serviceNamespace: string;
  servicePort: number | string;
  percent?: number;
  appendHeaders?: Record<string, string>;
}

export interface HTTPIngressPath {
  path?: string;
  headers?: Record<string, HeaderMatch>;
  rewriteHost?: string;
  appendHeaders?: Record<string, string>;
  splits: IngressBackendSplit[];
}

export interface IngressRule {
  hosts?: string[];
  visibility?: Visibility;
  http?: { paths?: HTTPIngressPath[] };
}

export interface IngressTLS {
  hosts?: string[];
  secretName: string;
  secretNamespace: string;
}

export interface IngressSpec {
  rules?: IngressRule[];
  tls?: IngressTLS[];
  httpOption?: 'Enabled' | 'Redirected';
}

export interface LoadBalancerIngressStatus {
  domain?: string;
  domainInternal?: string;
  ip?: string;
  meshOnly?: boolean;
}

export interface KIngress extends KubeObject {
  spec?: IngressSpec;
  status?: {
    observedGeneration?: number;
    conditions?: Condition[];
    publicLoadBalancer?: { ingress?: LoadBalancerIngressStatus[] };
    privateLoadBalancer?: { ingress?: LoadBalancerIngressStatus[] };
    [field: string]: unknown;
  };
}

export function visibilityOf(rule: IngressRule): Visibility {
  return rule.visibility ?? 'ExternalIP';
}

/** The class a KIngress asks for; without the annotation, config-network's `ingress-class`. */
export function ingressClassOf(ing: KIngress, defaultClass: string): string {
  return ing.metadata.annotations?.[INGRESS_CLASS_ANNOTATION] ?? defaultClass;
}
