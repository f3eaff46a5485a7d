/**
 * The gateway components (Maistra's gateways/istio-ingress and istio-egress charts): per
 * gateway a ServiceAccount, a Deployment of `istio-proxy` in router mode whose pods carry
 * the gateway's labels (what Gateway selectors match), a Service of the gateway's type
 * and ports with the same labels as selector, an internal NetworkPolicy admitting all
 * traffic to the gateway pods, and for an ingress gateway a Route to its port 8080.
 */
import type { KubeObject } from '../../../../api/object.ts';
import { INTERNAL_ANNOTATION } from '../../shared/meta.ts';
import type { GatewaySettings } from './gateway-settings.ts';
import { discoveryAddress } from './mesh-config.ts';
import { ownedMeta } from './owned.ts';
import type { MeshSettings } from './settings.ts';

export function gatewayObjects(s: MeshSettings, gw: GatewaySettings): KubeObject[] {
  const meta = (name: string, labels: Record<string, string>, annotations: Record<string, string> = {}) => ownedMeta(s, gw.component, name, labels, annotations);
  const objectLabels = { ...gw.labels, 'istio.io/rev': s.revision };
  const gatewayRef = `${gw.name}.${s.meshNamespace}`;
  const env = [
    { name: 'JWT_POLICY', value: 'first-party-jwt' },
    { name: 'PILOT_CERT_PROVIDER', value: 'istiod' },
    { name: 'CA_ADDR', value: discoveryAddress(s) },
    { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
    { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } },
    { name: 'INSTANCE_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } },
    { name: 'SERVICE_ACCOUNT', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.serviceAccountName' } } },
    { name: 'ISTIO_META_WORKLOAD_NAME', value: gw.name },
    { name: 'ISTIO_META_OWNER', value: `kubernetes://apis/apps/v1/namespaces/${s.meshNamespace}/deployments/${gw.name}` },
    { name: 'ISTIO_META_MESH_ID', value: s.trustDomain },
    { name: 'TRUST_DOMAIN', value: s.trustDomain },
    { name: 'ISTIO_META_UNPRIVILEGED_POD', value: 'true' },
    { name: 'ISTIO_META_CLUSTER_ID', value: s.clusterName },
    ...Object.keys(gw.env).sort().map((name) => ({ name, value: gw.env[name]! })),
  ];
  const objects: KubeObject[] = [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(`${gw.name}-service-account`, objectLabels) },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(gw.name, { 'maistra.io/gateway': gatewayRef, ...objectLabels }),
      spec: {
        ...(gw.replicas !== undefined ? { replicas: gw.replicas } : {}),
        selector: { matchLabels: gw.labels },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '100%', maxUnavailable: '25%' } },
        template: {
          metadata: {
            labels: {
              'maistra.io/gateway': gatewayRef,
              'maistra-control-plane': s.meshNamespace,
              ...gw.labels,
              'service.istio.io/canonical-name': gw.name,
              'service.istio.io/canonical-revision': s.revision,
              'istio.io/rev': s.revision,
              'sidecar.istio.io/inject': 'false',
            },
            annotations: { 'istio.io/rev': s.revision, 'prometheus.io/port': '15020', 'prometheus.io/scrape': 'true', 'prometheus.io/path': '/stats/prometheus', 'sidecar.istio.io/inject': 'false' },
          },
          spec: {
            serviceAccountName: `${gw.name}-service-account`,
            containers: [{
              name: 'istio-proxy',
              image: gw.image,
              ...(s.imagePullPolicy ? { imagePullPolicy: s.imagePullPolicy } : {}),
              args: ['proxy', 'router', '--domain', '$(POD_NAMESPACE).svc.cluster.local', `--log_output_level=default:${s.logLevel}`],
              ports: [
                ...gw.ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), containerPort: typeof p.targetPort === 'number' ? p.targetPort : p.port, protocol: p.protocol })),
                { name: 'http-envoy-prom', containerPort: 15090, protocol: 'TCP' },
              ],
              readinessProbe: { httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' }, initialDelaySeconds: 1, periodSeconds: 2, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 30 },
              env,
              resources: gw.resources ?? { requests: { cpu: '10m', memory: '128Mi' } },
            }],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(gw.name, objectLabels, gw.serviceAnnotations),
      spec: {
        type: gw.serviceType,
        selector: gw.labels,
        ports: gw.ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), port: p.port, targetPort: p.targetPort, protocol: p.protocol, ...(p.nodePort !== undefined ? { nodePort: p.nodePort } : {}), ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}) })),
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(gw.name, gw.labels, { [INTERNAL_ANNOTATION]: 'true' }),
      spec: { podSelector: { matchLabels: gw.labels }, ingress: [{}], policyTypes: ['Ingress'] },
    },
  ];
  if (gw.route) {
    objects.push({ apiVersion: 'route.openshift.io/v1', kind: 'Route', metadata: meta(gw.name, gw.labels), spec: { to: { kind: 'Service', name: gw.name, weight: 100 }, port: { targetPort: 8080 } } });
  }
  return objects;
}
