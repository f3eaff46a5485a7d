/**
 * The Kourier gateway's configuration, pure: what net-kourier's translator would push to
 * Envoy over xDS (pkg/generator), compiled into the same ProxyConfig skiff's Istio gateway
 * proxies run (src/dataplane/config), by describing Kourier's listeners and routes as the
 * Istio objects that mean the same thing and handing them to compileGatewayProxy:
 *
 *  - Gateway `kourier-external`: HTTP on 8080, plus one SIMPLE HTTPS server on 8443 per
 *    KIngress `spec.tls` entry (SNI picks the certificate); `kourier-internal`: HTTP on 8081.
 *    Kourier's ports are not Service ports, so no port translation applies.
 *  - Per KIngress of class kourier, net-istio's VirtualService shape (virtual-services.ts):
 *    hosts, authority/path/header matches, weighted splits with appendHeaders, rewriteHost,
 *    no retries, and the probe paths that echo the ingress hash (probe-hash.ts). External
 *    rules bind both gateways (Kourier's internal listener serves every host), cluster-local
 *    rules the internal one only.
 *  - `GET /ready` with `Host: internalkourier` on 8081 answers 200, as Envoy does for the
 *    gateway's readiness probe.
 *
 * TLS secrets can live in any namespace; each is copied (in memory) into the gateway's
 * namespace, where credentialName is looked up. A secret the controller cannot see (absent,
 * or unlabelled while Secret informer filtering is on) leaves that server out.
 */
import type { Pod } from '../../../api/builtin/core/pod-readiness.ts';
import type { EndpointSlice, Service } from '../../../api/builtin/core/service-view.ts';
import type { KubeObject } from '../../../api/object.ts';
import { compileGatewayProxy, type ProxyConfig } from '../../../dataplane/config/compile-proxy.ts';
import type { Gateway, GatewayServer, Secret, VirtualService } from '../../../dataplane/config/istio-specs.ts';
import { DEFAULT_MESH_OPTIONS } from '../../../dataplane/config/mesh-options.ts';
import { gatewayWorkloadOf } from '../../../dataplane/gateway/workload.ts';
import { type KIngress } from '../ingress/kingress.ts';
import { MESH_GATEWAY, makeVirtualServices } from '../ingress/virtual-services.ts';
import { KOURIER_GATEWAY_SELECTOR, KOURIER_PORTS, READY_HOST, READY_PATH } from './gateway.ts';

export const EXTERNAL_GATEWAY_NAME = 'kourier-external';
export const INTERNAL_GATEWAY_NAME = 'kourier-internal';

export interface KourierInputs {
  /** The KIngresses of class kourier (the caller filters by class). */
  ingresses: readonly KIngress[];
  services: readonly Service[];
  endpointSlices: readonly EndpointSlice[];
  pods: readonly Pod[];
  /** A secret as the controller sees it (undefined when absent or filtered out). */
  secret(namespace: string, name: string): Secret | undefined;
}

export interface KourierObjects {
  gateways: Gateway[];
  virtualServices: VirtualService[];
  secrets: Secret[];
  /** `namespace/name` → the probe hash each ingress's routes carry. */
  hashes: Map<string, string>;
}

const keyOf = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;
const copyName = (ing: KIngress, secretNamespace: string, secretName: string) => `kourier-${ing.metadata.namespace}-${ing.metadata.name}-${secretNamespace}-${secretName}`;

function tlsServers(ing: KIngress, gatewayNamespace: string, lookup: KourierInputs['secret'], copies: Secret[]): GatewayServer[] {
  const servers: GatewayServer[] = [];
  (ing.spec?.tls ?? []).forEach((t, i) => {
    const secret = lookup(t.secretNamespace, t.secretName);
    if (!secret) return;
    const name = copyName(ing, t.secretNamespace, t.secretName);
    copies.push({ ...secret, metadata: { name, namespace: gatewayNamespace, uid: `${secret.metadata.uid ?? ''}-kourier` } });
    servers.push({ port: { number: KOURIER_PORTS.externalTls, name: `https-${ing.metadata.namespace}-${ing.metadata.name}-${i}`, protocol: 'HTTPS' }, hosts: [...(t.hosts ?? [])], tls: { mode: 'SIMPLE', credentialName: name } });
  });
  return servers;
}

/** The Istio objects that describe Kourier's Envoy configuration for gateway pods in `gatewayNamespace`. */
export function kourierObjects(inputs: KourierInputs, gatewayNamespace: string): KourierObjects {
  const external = `${gatewayNamespace}/${EXTERNAL_GATEWAY_NAME}`;
  const internal = `${gatewayNamespace}/${INTERNAL_GATEWAY_NAME}`;
  const secrets: Secret[] = [];
  const httpsServers: GatewayServer[] = [];
  const virtualServices: VirtualService[] = [];
  const hashes = new Map<string, string>();
  // Oldest first, as a proxy keeps the first claim of a TLS host.
  const ingresses = [...inputs.ingresses].sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || keyOf(a).localeCompare(keyOf(b)));
  for (const ing of ingresses) {
    httpsServers.push(...tlsServers(ing, gatewayNamespace, inputs.secret, secrets));
    const { virtualServices: made, hash } = makeVirtualServices(ing, { ExternalIP: [external, internal], ClusterLocal: [internal] });
    hashes.set(keyOf(ing), hash);
    for (const vs of made) if (!(vs.spec as { gateways?: string[] }).gateways?.includes(MESH_GATEWAY)) virtualServices.push(vs as VirtualService);
  }
  const meta = (name: string) => ({ name, namespace: gatewayNamespace, creationTimestamp: '1970-01-01T00:00:00Z' });
  const gateways: Gateway[] = [
    { apiVersion: 'networking.istio.io/v1beta1', kind: 'Gateway', metadata: meta(EXTERNAL_GATEWAY_NAME), spec: { selector: { ...KOURIER_GATEWAY_SELECTOR }, servers: [{ port: { number: KOURIER_PORTS.external, name: 'http-external', protocol: 'HTTP' }, hosts: ['*'] }, ...httpsServers] } },
    { apiVersion: 'networking.istio.io/v1beta1', kind: 'Gateway', metadata: meta(INTERNAL_GATEWAY_NAME), spec: { selector: { ...KOURIER_GATEWAY_SELECTOR }, servers: [{ port: { number: KOURIER_PORTS.internal, name: 'http-internal', protocol: 'HTTP' }, hosts: ['*'] }] } },
  ];
  virtualServices.push({
    apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', metadata: meta('kourier-ready'),
    // `*`: Istio would qualify a short VirtualService host with the namespace; the authority match is exact.
    spec: { hosts: ['*'], gateways: [internal], http: [{ match: [{ uri: { exact: READY_PATH }, authority: { exact: READY_HOST } }], directResponse: { status: 200, body: { string: 'LIVE' } } }] },
  });
  return { gateways, virtualServices, secrets, hashes };
}

/** The ProxyConfig for one Kourier gateway pod. Kourier is not a mesh workload: plaintext to the revisions, no mTLS. */
export function compileKourierProxy(inputs: KourierInputs, pod: Pod): { config: ProxyConfig; hashes: Map<string, string> } {
  const objects = kourierObjects(inputs, pod.metadata.namespace ?? '');
  const config = compileGatewayProxy({
    rootNamespace: pod.metadata.namespace ?? '',
    services: inputs.services, endpointSlices: inputs.endpointSlices, pods: inputs.pods,
    secrets: objects.secrets, gateways: objects.gateways, virtualServices: objects.virtualServices,
    destinationRules: [], serviceEntries: [], authorizationPolicies: [],
    mesh: { ...DEFAULT_MESH_OPTIONS, enableAutoMtls: false },
  }, gatewayWorkloadOf(pod));
  return { config, hashes: objects.hashes };
}
