/**
 * A KIngress with `spec.tls[]` (a DomainMapping's certificate, external-domain-TLS): net-istio
 * adds per-ingress Gateways with HTTPS servers for those hosts (resources/gateway.go,
 * secret.go), pure:
 *  - one Gateway per external gateway Service, `<ing>-<adler32(svcNs/svcName)>` in the
 *    ingress namespace, the Service's selector, one SIMPLE HTTPS server on 443 per tls entry;
 *  - Istio reads `credentialName` from the gateway pods' namespace, so a secret elsewhere is
 *    copied there as `<ing>-<secret uid>` (labels name the origin; the certificate-uid label
 *    is kept so the copy stays visible to a filtering informer).
 * A secret the controller cannot see (absent, or unlabelled while informer filtering is on)
 * makes the whole build fail, as upstream's GetSecrets does.
 */
import type { KubeObject } from '../../../api/object.ts';
import { CERTIFICATE_UID_LABEL, INGRESS_LABEL, type IngressTLS, type KIngress } from './kingress.ts';
import { ownerRefTo } from './virtual-services.ts';

export const GATEWAY = { apiVersion: 'networking.istio.io/v1beta1', kind: 'Gateway' } as const;
export const ORIGIN_SECRET_NAME_LABEL = 'networking.internal.knative.dev/originSecretName';
export const ORIGIN_SECRET_NAMESPACE_LABEL = 'networking.internal.knative.dev/originSecretNamespace';
/** Marks secret copies with the ingress namespace (the ingress label holds its name). */
export const INGRESS_NAMESPACE_LABEL = 'networking.internal.knative.dev/ingressNamespace';

export interface GatewayService {
  namespace: string;
  name: string;
  selector: Record<string, string>;
}

interface GatewayServer {
  hosts: string[];
  port: { name: string; number: number; protocol: string };
  tls: { mode?: 'SIMPLE'; credentialName?: string; httpsRedirect?: boolean };
}

export interface SecretLike extends KubeObject {
  type?: string;
  data?: Record<string, string>;
}

/** zlib's Adler-32, which upstream uses to name per-ingress gateways. */
export function adler32(s: string): number {
  let a = 1;
  let b = 0;
  for (const byte of Buffer.from(s, 'utf8')) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_LABEL_MAX = 63;

/**
 * net-istio's GatewayName: `<ing>-<adler32(svcNs/svcName)>`. Istio takes only a DNS-1123 label
 * as a Gateway name, so an ingress name that is not one (a DomainMapping's, with its dots) is
 * replaced by its own Adler-32, and the prefix is cut to keep the whole within 63 characters.
 */
export function tlsGatewayName(ing: KIngress, svc: Pick<GatewayService, 'namespace' | 'name'>): string {
  const name = ing.metadata.name!;
  let prefix = DNS1123_LABEL.test(name) && name.length <= DNS1123_LABEL_MAX ? name : String(adler32(name));
  const checksum = String(adler32(`${svc.namespace}/${svc.name}`));
  prefix = prefix.slice(0, DNS1123_LABEL_MAX - checksum.length - 1);
  return `${prefix}-${checksum}`;
}

const secretCopyName = (ing: KIngress, origin: KubeObject): string => `${ing.metadata.name}-${origin.metadata.uid}`;

/**
 * Whether the controller's Secret informer sees this secret: with filtering on only secrets
 * labelled with the certificate uid (net-istio pkg/reconciler/informerfiltering).
 */
export function secretVisible(secret: KubeObject, filteringByCertUid: boolean): boolean {
  return !filteringByCertUid || secret.metadata.labels?.[CERTIFICATE_UID_LABEL] !== undefined;
}

export type TlsBuild =
  | { ok: true; gateways: KubeObject[]; secrets: KubeObject[]; gatewayNames: string[] }
  | { ok: false; message: string };

/**
 * The Gateways and secret copies for the ingress's TLS entries. `lookupSecret` answers what
 * the (possibly filtered) Secret informer holds.
 */
export function makeTlsGateways(ing: KIngress, gatewayServices: readonly GatewayService[], lookupSecret: (namespace: string, name: string) => SecretLike | undefined): TlsBuild {
  const tls: IngressTLS[] = ing.spec?.tls ?? [];
  if (tls.length === 0) return { ok: true, gateways: [], secrets: [], gatewayNames: [] };
  const origins = new Map<string, SecretLike>();
  for (const t of tls) {
    const secret = lookupSecret(t.secretNamespace, t.secretName);
    // Upstream's lister answers NotFound for a filtered-out secret just as for a missing one.
    if (!secret) return { ok: false, message: `secret "${t.secretName}" not found` };
    origins.set(`${t.secretNamespace}/${t.secretName}`, secret);
  }
  const gateways: KubeObject[] = [];
  const secrets = new Map<string, KubeObject>();
  for (const svc of gatewayServices) {
    const servers: GatewayServer[] = tls.map((t, i) => {
      let credentialName = t.secretName;
      if (t.secretNamespace !== svc.namespace) {
        const origin = origins.get(`${t.secretNamespace}/${t.secretName}`)!;
        const copy = makeSecretCopy(ing, origin, svc.namespace);
        secrets.set(`${svc.namespace}/${copy.metadata.name}`, copy);
        credentialName = copy.metadata.name!;
      }
      return {
        hosts: [...(t.hosts ?? [])],
        port: { name: `${ing.metadata.namespace}/${ing.metadata.name}:${i}`, number: 443, protocol: 'HTTPS' },
        tls: { mode: 'SIMPLE', credentialName },
      };
    });
    if (ing.spec?.httpOption === 'Redirected') {
      servers.push({ hosts: [...new Set(tls.flatMap((t) => t.hosts ?? []))], port: { name: 'http-redirect', number: 80, protocol: 'HTTP' }, tls: { httpsRedirect: true } });
    }
    gateways.push({
      ...GATEWAY,
      metadata: { name: tlsGatewayName(ing, svc), namespace: ing.metadata.namespace!, labels: { [INGRESS_LABEL]: ing.metadata.name! }, ownerReferences: [ownerRefTo(ing)] },
      spec: { selector: { ...svc.selector }, servers },
    });
  }
  const gatewayNames = gateways.map((g) => `${g.metadata.namespace}/${g.metadata.name}`).sort();
  return { ok: true, gateways, secrets: [...secrets.values()], gatewayNames };
}

function makeSecretCopy(ing: KIngress, origin: SecretLike, namespace: string): SecretLike {
  const certUid = origin.metadata.labels?.[CERTIFICATE_UID_LABEL];
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: secretCopyName(ing, origin),
      namespace,
      // Cross-namespace: no owner reference; the labels find it for pruning.
      labels: {
        [INGRESS_LABEL]: ing.metadata.name!,
        [INGRESS_NAMESPACE_LABEL]: ing.metadata.namespace!,
        [ORIGIN_SECRET_NAME_LABEL]: origin.metadata.name!,
        [ORIGIN_SECRET_NAMESPACE_LABEL]: origin.metadata.namespace!,
        ...(certUid !== undefined ? { [CERTIFICATE_UID_LABEL]: certUid } : {}),
      },
    },
    type: origin.type ?? 'kubernetes.io/tls',
    data: { ...(origin.data ?? {}) },
  };
}
