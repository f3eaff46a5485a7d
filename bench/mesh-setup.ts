/**
 * The skiff side of the mesh benchmark, set up as a user would with kubectl: seed 002's
 * control plane (SMCP `basic` in istio-system), a member roll with the benchmark's namespace,
 * the ECDSA certificate as a `kubernetes.io/tls` Secret, a Gateway on the ingress gateway
 * workload serving HTTPS (tls SIMPLE, that credential) for hosts `*` (wrk sends the URL's IP
 * as SNI; nginx does not check it either; routing is by the Host header), and a
 * VirtualService routing to a selector-less Service whose EndpointSlice points at the
 * benchmark's upstream nginx — the same upstream the nginx peer proxies to. Traffic goes to
 * the istio-ingressgateway pod's IP on 8443 (the gateway's port 443, translated as Istio's
 * unprivileged gateways do), with no router in between.
 */
import type { Kubectl } from '../test/support/kubectl.ts';
import { applyMeshWithMember, ingressGatewayIP } from './mesh-member.ts';

export const BENCH_NAMESPACE = 'bench-mesh';
export const BENCH_DOMAIN = 'bench.example.com';
export const GATEWAY_POD_PORT = 8443;

const SMCP = `apiVersion: maistra.io/v2
kind: ServiceMeshControlPlane
metadata: {name: basic, namespace: istio-system}
spec:
  profiles: [default]
  security: {dataPlane: {mtls: true}}
  gateways:
    ingress:
      service:
        metadata:
          labels: {knative: ingressgateway}
`;

function routing(upstreamPort: number): string {
  return `apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata: {name: bench-gateway, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: ["*"]
    tls: {mode: SIMPLE, credentialName: bench-cert}
---
apiVersion: v1
kind: Service
metadata: {name: upstream, namespace: ${BENCH_NAMESPACE}}
spec:
  ports: [{name: http, port: 80, targetPort: ${upstreamPort}}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: upstream-nginx
  namespace: ${BENCH_NAMESPACE}
  labels: {kubernetes.io/service-name: upstream, endpointslice.kubernetes.io/managed-by: skiff-bench}
addressType: IPv4
ports: [{name: http, port: ${upstreamPort}, protocol: TCP}]
endpoints: [{addresses: [127.0.0.1], conditions: {ready: true}}]
---
# The upstream (nginx on the host) has no sidecar: the control plane's mesh-wide ISTIO_MUTUAL
# rule would make the gateway originate mTLS to it, as Istio would. Plain, as users write it.
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: {name: upstream, namespace: ${BENCH_NAMESPACE}}
spec:
  host: upstream.${BENCH_NAMESPACE}.svc.cluster.local
  trafficPolicy: {tls: {mode: DISABLE}}
---
${virtualService('app', `app.${BENCH_DOMAIN}`)}`;
}

/** A VirtualService for `host` through the benchmark's Gateway to the upstream Service. */
export function virtualService(name: string, host: string): string {
  return `apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: ${name}, namespace: ${BENCH_NAMESPACE}}
spec:
  hosts: [${host}]
  gateways: [istio-system/bench-gateway]
  http:
  - route:
    - destination: {host: upstream.${BENCH_NAMESPACE}.svc.cluster.local, port: {number: 80}}
`;
}

/** Applies the mesh and the routes; resolves with the ingress gateway pod's IP once the control plane is Ready. */
export async function setUpMesh(kubectl: Kubectl, cert: { certFile: string; keyFile: string }, upstreamPort: number): Promise<string> {
  await applyMeshWithMember(kubectl, SMCP, BENCH_NAMESPACE);
  await kubectl.ok(['create', 'secret', 'tls', 'bench-cert', '-n', 'istio-system', `--cert=${cert.certFile}`, `--key=${cert.keyFile}`]);
  await kubectl.ok(['apply', '-f', '-'], { stdin: routing(upstreamPort) });
  return ingressGatewayIP(kubectl);
}
