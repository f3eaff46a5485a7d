/**
 * What net-kourier and its gateway agree on (knative-extensions/net-kourier
 * pkg/config/config.go, config/300-gateway.yaml): the ingress class, the gateway pods
 * (`app: 3scale-kourier-gateway` in knative-serving-ingress), the listener ports Envoy opens
 * there, and the Services in front of them that the KIngress status names.
 */
import type { Pod } from '../../../api/builtin/core/pod-readiness.ts';
import { KOURIER_NAMESPACE } from '../shared/contracts.ts';

export const KOURIER_INGRESS_CLASS = 'kourier.ingress.networking.knative.dev';
export const KOURIER_GATEWAY_APP = '3scale-kourier-gateway';
export const KOURIER_GATEWAY_SELECTOR = { app: KOURIER_GATEWAY_APP } as const;

/** Envoy's listeners: external (KIngress ExternalIP rules), internal (every rule), HTTPS when the KIngress has TLS. */
export const KOURIER_PORTS = { external: 8080, internal: 8081, externalTls: 8443 } as const;

export const KOURIER_EXTERNAL_SERVICE = `kourier.${KOURIER_NAMESPACE}.svc.cluster.local`;
export const KOURIER_INTERNAL_SERVICE = `kourier-internal.${KOURIER_NAMESPACE}.svc.cluster.local`;

/** The gateway's readiness probe (`GET /ready`, `Host: internalkourier` on 8081) is answered by Envoy itself. */
export const READY_HOST = 'internalkourier';
export const READY_PATH = '/ready';

/** The net-kourier-controller Deployment, whose env turns Secret informer filtering on (as on net-istio). */
export const NET_KOURIER_DEPLOYMENT = 'net-kourier-controller';

export function isKourierGatewayPod(pod: Pod): boolean {
  return pod.metadata.labels?.app === KOURIER_GATEWAY_APP;
}
