/**
 * The skiff side of issue 5 (b) and (c), set up as a user would with kubectl: seed 002's
 * control plane (STRICT mTLS mesh-wide, the `default` ISTIO_MUTUAL DestinationRule), a member
 * namespace with two Deployments of the same hello-world image — `meshed` (sidecar injected)
 * and `plain` (injection off) — a Service each, and a plain-HTTP Gateway with a
 * VirtualService per host. `plain` gets a DestinationRule with TLS off, as a user must in
 * Istio to reach a pod without a sidecar under a mesh-wide ISTIO_MUTUAL rule; the gateway
 * reaches `meshed` over mTLS (the control plane's rule) and its sidecar forwards to the app.
 */
import type { Kubectl } from '../test/support/kubectl.ts';
import { SEED_SMCP } from '../test/e2e/mesh-controlplane-fixtures.ts';
import { applyMeshWithMember, ingressGatewayIP } from './mesh-member.ts';

export const SIDECAR_NAMESPACE = 'bench-sidecar';
export const MESHED_HOST = 'meshed.bench.example.com';
export const PLAIN_HOST = 'plain.bench.example.com';
/** The ingress gateway pod's port for the Gateway's port 80 (Istio's unprivileged gateways). */
export const GATEWAY_HTTP_PORT = 8080;
export const APP_PORT = 8080;

function app(name: 'meshed' | 'plain'): string {
  const inject = name === 'meshed' ? '"true"' : '"false"';
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${SIDECAR_NAMESPACE}}
spec:
  replicas: 1
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata:
      labels: {app: ${name}}
      annotations:
        sidecar.istio.io/inject: ${inject}
        sidecar.istio.io/rewriteAppHTTPProbers: "true"
    spec:
      containers:
      - name: app
        image: gcr.io/knative-samples/helloworld-go
        ports: [{containerPort: ${APP_PORT}, name: http}]
        readinessProbe: {httpGet: {path: /, port: ${APP_PORT}}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${SIDECAR_NAMESPACE}}
spec:
  selector: {app: ${name}}
  ports: [{name: http, port: 80, targetPort: ${APP_PORT}}]
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: ${name}, namespace: ${SIDECAR_NAMESPACE}}
spec:
  hosts: [${name}.bench.example.com]
  gateways: [bench-http]
  http:
  - route:
    - destination: {host: ${name}.${SIDECAR_NAMESPACE}.svc.cluster.local, port: {number: 80}}
`;
}

const ROUTING = `apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata: {name: bench-http, namespace: ${SIDECAR_NAMESPACE}}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: [${MESHED_HOST}, ${PLAIN_HOST}]
---
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: {name: plain, namespace: ${SIDECAR_NAMESPACE}}
spec:
  host: plain.${SIDECAR_NAMESPACE}.svc.cluster.local
  trafficPolicy: {tls: {mode: DISABLE}}
`;

export interface SidecarTargets {
  gatewayIP: string;
  /** The meshed pod's IP (its sidecar) and its app's inner address. */
  meshedPodIP: string;
  meshedAppAddress: string;
  plainPodIP: string;
}

/** Applies the mesh, the apps and the routes; resolves once both apps are Available. */
export async function setUpSidecarBench(kubectl: Kubectl): Promise<SidecarTargets> {
  await applyMeshWithMember(kubectl, SEED_SMCP, SIDECAR_NAMESPACE);
  await kubectl.ok(['apply', '-f', '-'], { stdin: `${ROUTING}---\n${app('meshed')}---\n${app('plain')}` });
  for (const name of ['meshed', 'plain']) {
    await kubectl.ok(['wait', '-n', SIDECAR_NAMESPACE, `deployment/${name}`, '--for=condition=Available', '--timeout=90s'], { timeoutMs: 100_000 });
  }
  const podIP = (ns: string, selector: string) => kubectl.ok(['get', 'pods', '-n', ns, '-l', selector, '-o', 'jsonpath={.items[0].status.podIP}']);
  return {
    gatewayIP: await ingressGatewayIP(kubectl),
    meshedPodIP: await podIP(SIDECAR_NAMESPACE, 'app=meshed'),
    meshedAppAddress: (await kubectl.ok(['exec', '-n', SIDECAR_NAMESPACE, 'deployment/meshed', '-c', 'app', '--', 'printenv', 'SKIFF_APP_ADDRESS'])).trim(),
    plainPodIP: await podIP(SIDECAR_NAMESPACE, 'app=plain'),
  };
}

/** Scales a Deployment and resolves once `replicas` of its pods are Ready. */
export async function scaleAndWait(kubectl: Kubectl, name: 'meshed' | 'plain', replicas: number, timeoutSeconds: number): Promise<void> {
  await kubectl.ok(['scale', '-n', SIDECAR_NAMESPACE, `deployment/${name}`, `--replicas=${replicas}`]);
  await kubectl.ok(['wait', '-n', SIDECAR_NAMESPACE, `deployment/${name}`, `--for=jsonpath={.status.readyReplicas}=${replicas}`, `--timeout=${timeoutSeconds}s`],
    { timeoutMs: (timeoutSeconds + 10) * 1000 });
}
