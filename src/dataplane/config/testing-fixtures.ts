/**
 * Objects for the compilers' tests: the seed's (002, sections 1.4.2/1.4.3) Gateways,
 * Services and Kafka ServiceEntry, and small builders. Test-only; nothing imports it at run time.
 */
import type { Service } from '../../api/builtin/core/service-view.ts';
import type { KubeObject } from '../../api/object.ts';
import { CA_FILES, createSelfSignedCaFiles } from '../../mesh/pki/mesh-ca.ts';
import type { Gateway, IstioObject, Secret, ServiceEntry } from './istio-specs.ts';

let clock = Date.parse('2026-01-01T00:00:00Z');

/** Metadata with a creation time one second after the previous object's (order matters). */
export function meta(namespace: string, name: string, extra: Partial<KubeObject['metadata']> = {}): KubeObject['metadata'] {
  clock += 1000;
  return { namespace, name, creationTimestamp: new Date(clock).toISOString(), ...extra };
}

export function istio<Spec>(kind: string, namespace: string, name: string, spec: Spec, extra: Partial<KubeObject['metadata']> = {}): IstioObject<Spec> {
  const group = kind === 'AuthorizationPolicy' ? 'security.istio.io/v1' : 'networking.istio.io/v1alpha3';
  return { apiVersion: group, kind, metadata: meta(namespace, name, extra), spec };
}

export function service(namespace: string, name: string, spec: Service['spec'], labels?: Record<string, string>): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: meta(namespace, name, labels ? { labels } : {}), spec };
}

export const GATEWAY_LABELS = { app: 'istio-ingressgateway', istio: 'ingressgateway', knative: 'ingressgateway' };

/** The SMCP's istio-ingressgateway Service (Maistra's default ports). */
export function ingressGatewayService(): Service {
  return service('istio-system', 'istio-ingressgateway', {
    selector: { app: 'istio-ingressgateway', istio: 'ingressgateway' },
    ports: [{ name: 'status-port', port: 15021, targetPort: 15021 }, { name: 'http2', port: 80, targetPort: 8080 }, { name: 'https', port: 443, targetPort: 8443 }],
  }, { knative: 'ingressgateway' });
}

/** The seed's knative-local-gateway Service: 80 → 8081, port translation disabled. */
export function knativeLocalGatewayService(): Service {
  return service('istio-system', 'knative-local-gateway', {
    type: 'ClusterIP', selector: { istio: 'ingressgateway' }, ports: [{ name: 'http2', port: 80, targetPort: 8081 }],
  }, { 'experimental.istio.io/disable-gateway-port-translation': 'true' });
}

export function knativeIngressGateway(credentialName: string): Gateway {
  return istio('Gateway', 'knative-serving', 'knative-ingress-gateway', {
    selector: { knative: 'ingressgateway' },
    servers: [{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['*'], tls: { mode: 'SIMPLE', credentialName } }],
  });
}

export function knativeLocalGateway(): Gateway {
  return istio('Gateway', 'knative-serving', 'knative-local-gateway', {
    selector: { knative: 'ingressgateway' },
    servers: [{ port: { number: 8081, name: 'https', protocol: 'HTTPS' }, tls: { mode: 'ISTIO_MUTUAL' }, hosts: ['*'] }],
  });
}

export function kafkaServiceEntry(host = 'my-cluster-kafka-bootstrap.kafka'): ServiceEntry {
  return istio('ServiceEntry', 'knative-eventing', 'kafka-cluster', {
    hosts: [host], exportTo: ['.'],
    ports: [
      { number: 9092, name: 'tcp-plain', protocol: 'TCP' }, { number: 9093, name: 'tcp-tls', protocol: 'TCP' },
      { number: 9094, name: 'tcp-sasl-tls', protocol: 'TCP' }, { number: 9095, name: 'tcp-sasl-tls', protocol: 'TCP' },
      { number: 9096, name: 'tcp-tls', protocol: 'TCP' },
    ],
    location: 'MESH_EXTERNAL', resolution: 'NONE',
  });
}

/** A certificate and its key (a fresh CA's, which is as good as any for key matching). */
export async function certificatePair(): Promise<{ cert: string; key: string }> {
  const files = await createSelfSignedCaFiles('test.local', new Date());
  return { cert: files[CA_FILES.caCert]!, key: files[CA_FILES.caKey]! };
}

export function tlsSecret(namespace: string, name: string, data: Record<string, string>): Secret {
  const encoded = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
  return { apiVersion: 'v1', kind: 'Secret', metadata: meta(namespace, name), type: 'kubernetes.io/tls', data: encoded };
}
