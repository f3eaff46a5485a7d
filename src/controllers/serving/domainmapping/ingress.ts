/**
 * The KIngress a DomainMapping wants (knative/serving pkg/reconciler/domainmapping/resources/
 * ingress.go), pure: named after the DomainMapping (kmeta.ChildName with no suffix), in its
 * namespace, controlled by it; one external rule for the mapped domain whose single path sends
 * everything to the target's Service on port 80, rewrites the authority to the target's
 * cluster host (so the Route's own cluster-local rule picks the request up behind it) and
 * appends `K-Original-Host: <domain>`. The DomainMapping's annotations ride along (so
 * `serving.knative.openshift.io/enablePassthrough` reaches the OpenShift Route), its labels
 * too, plus the domainMappingUID/-Namespace labels. Where the target is a Route with a
 * KIngress, skiff takes that Route's paths instead of the single split (local-hop.ts).
 */
import type { KubeObject } from '../../../api/object.ts';
import { ServingLabels } from '../../../api/knative/serving/keys.ts';
import { childName } from '../../../api/knative/util/kmeta.ts';
import { newControllerRef } from '../../core/replicaset/resources/controller-ref.ts';
import { INGRESS_ANNOTATIONS } from '../route/ingress.ts';
import { KINDS } from '../shared/contracts.ts';

/** knative/networking header.OriginalHostKey, as upstream spells it on the wire. */
export const ORIGINAL_HOST_HEADER = 'K-Original-Host';

/** Annotations never copied onto the KIngress (route resources ExcludedAnnotations). */
const EXCLUDED_ANNOTATIONS = new Set(['kubectl.kubernetes.io/last-applied-configuration', INGRESS_ANNOTATIONS.certificateClassAlt, INGRESS_ANNOTATIONS.ingressClassAlt]);

export interface IngressTLS {
  hosts: string[];
  secretName: string;
  secretNamespace: string;
}

export interface DomainMappingIngressInput {
  /** The target's Service in the DomainMapping's namespace (the ksvc's placeholder Service). */
  backendService: string;
  /** The target's cluster host, e.g. `hello.default.svc.cluster.local`. */
  targetHost: string;
  ingressClass: string;
  httpOption?: 'Enabled' | 'Redirected';
  tls?: IngressTLS[];
  /** The Route's cluster-local paths for the target host (local-hop.ts), in place of the single split. */
  viaRoute?: (host: string, extraHeaders: Record<string, string>) => Array<Record<string, unknown>> | undefined;
}

/** networking.GetIngressClass: either spelling of the annotation, the dotted one first. */
export function annotatedIngressClass(annotations: Readonly<Record<string, string>> | undefined): string {
  return annotations?.[INGRESS_ANNOTATIONS.ingressClass] || annotations?.[INGRESS_ANNOTATIONS.ingressClassAlt] || '';
}

export function makeDomainMappingIngress(dm: KubeObject, input: DomainMappingIngressInput): KubeObject {
  const domain = dm.metadata.name!;
  const namespace = dm.metadata.namespace!;
  const annotations: Record<string, string> = { [INGRESS_ANNOTATIONS.ingressClass]: input.ingressClass };
  for (const [k, v] of Object.entries(dm.metadata.annotations ?? {})) annotations[k] = v;
  for (const k of EXCLUDED_ANNOTATIONS) delete annotations[k];
  const originalHost = { [ORIGINAL_HOST_HEADER]: domain };
  const paths = input.viaRoute?.(input.targetHost, originalHost) ?? [{
    rewriteHost: input.targetHost,
    splits: [{ serviceNamespace: namespace, serviceName: input.backendService, servicePort: 80, percent: 100, appendHeaders: originalHost }],
  }];
  const spec: Record<string, unknown> = {
    ...(input.httpOption ? { httpOption: input.httpOption } : {}),
    ...(input.tls && input.tls.length > 0 ? { tls: input.tls } : {}),
    rules: [{
      hosts: [domain],
      visibility: 'ExternalIP',
      http: { paths },
    }],
  };
  return {
    apiVersion: KINDS.ingress.apiVersion,
    kind: KINDS.ingress.kind,
    metadata: {
      name: childName(domain, ''),
      namespace,
      labels: { ...(dm.metadata.labels ?? {}), [ServingLabels.domainMappingUID]: dm.metadata.uid!, [ServingLabels.domainMappingNamespace]: namespace },
      annotations,
      ownerReferences: [newControllerRef(dm)],
    },
    spec,
  };
}
