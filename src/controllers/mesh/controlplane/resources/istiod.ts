/**
 * The istio-discovery component (Maistra's istio-control/istio-discovery chart, v2.5):
 * istiod's ServiceAccount, Deployment and Service (`istiod-<revision>`, ports 15010
 * grpc-xds, 15012 https-dns, 443→15017 https-webhook, 15014 http-monitoring, 8188
 * http-discovery for federation), the mesh and injector ConfigMaps, and the internal
 * NetworkPolicy that lets the API server reach the webhook port.
 */
import type { KubeObject } from '../../../../api/object.ts';
import { INTERNAL_ANNOTATION } from '../../shared/meta.ts';
import { injectorConfigMapData, injectorConfigMapName, meshConfigMapData, meshConfigMapName } from './mesh-config.ts';
import { ownedMeta } from './owned.ts';
import type { MeshSettings } from './settings.ts';

export const DISCOVERY = 'istio-discovery';

export function istiodName(revision: string): string {
  return `istiod-${revision}`;
}

export function istiodObjects(s: MeshSettings): KubeObject[] {
  const name = istiodName(s.revision);
  const appLabels = { app: 'istiod', 'istio.io/rev': s.revision, istio: 'pilot' };
  const selector = { app: 'istiod', 'istio.io/rev': s.revision };
  const meta = (objName: string, labels: Record<string, string> = appLabels, annotations: Record<string, string> = {}) => ownedMeta(s, DISCOVERY, objName, labels, annotations);
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(name, { app: 'istiod' }) },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(meshConfigMapName(s.revision), { 'istio.io/rev': s.revision }), data: meshConfigMapData(s) },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(injectorConfigMapName(s.revision), { 'istio.io/rev': s.revision, app: 'sidecar-injector' }), data: injectorConfigMapData(s) },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(name),
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [
          { name: 'grpc-xds', port: 15010, protocol: 'TCP', targetPort: 15010 },
          { name: 'https-dns', port: 15012, protocol: 'TCP', targetPort: 15012 },
          { name: 'https-webhook', port: 443, protocol: 'TCP', targetPort: 15017 },
          { name: 'http-monitoring', port: 15014, protocol: 'TCP', targetPort: 15014 },
          { name: 'http-discovery', port: 8188, protocol: 'TCP', targetPort: 8188 },
        ],
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(name),
      spec: {
        replicas: 1,
        selector: { matchLabels: selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '100%', maxUnavailable: '25%' } },
        template: {
          metadata: {
            labels: { 'maistra-control-plane': s.meshNamespace, ...selector, 'sidecar.istio.io/inject': 'false', istio: 'pilot' },
            annotations: { 'sidecar.istio.io/inject': 'false', 'prometheus.io/port': '15014', 'prometheus.io/scrape': 'true' },
          },
          spec: {
            serviceAccountName: name,
            containers: [{
              name: 'discovery',
              image: s.pilotImage,
              ...(s.imagePullPolicy ? { imagePullPolicy: s.imagePullPolicy } : {}),
              args: ['discovery', '--monitoringAddr=:15014', `--log_output_level=default:${s.logLevel}`, '--domain', 'cluster.local', '--keepaliveMaxServerConnectionAge', '30m', '--memberRollName=default', '--cacheCluster=true'],
              ports: [
                { containerPort: 8080, protocol: 'TCP' },
                { containerPort: 15010, protocol: 'TCP' },
                { containerPort: 15017, protocol: 'TCP' },
                { containerPort: 8188, protocol: 'TCP' },
              ],
              readinessProbe: { httpGet: { path: '/ready', port: 8080, scheme: 'HTTP' }, initialDelaySeconds: 1, periodSeconds: 3, timeoutSeconds: 5 },
              env: [
                { name: 'REVISION', value: s.revision },
                { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
                { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } },
                { name: 'SERVICE_ACCOUNT', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.serviceAccountName' } } },
                { name: 'PILOT_CERT_PROVIDER', value: 'istiod' },
                { name: 'CLUSTER_ID', value: s.clusterName },
                { name: 'TRUST_DOMAIN', value: s.trustDomain },
                { name: 'PILOT_ENABLE_PROTOCOL_SNIFFING_FOR_OUTBOUND', value: String(s.protocolDetection.outbound) },
                { name: 'PILOT_ENABLE_PROTOCOL_SNIFFING_FOR_INBOUND', value: String(s.protocolDetection.inbound) },
              ],
              resources: { requests: { cpu: '10m', memory: '128Mi' } },
            }],
          },
        },
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(`istio-istiod-${s.revision}`, appLabels, { [INTERNAL_ANNOTATION]: 'true' }),
      spec: { podSelector: { matchLabels: selector }, ingress: [{ ports: [{ port: 15017, protocol: 'TCP' }] }], policyTypes: ['Ingress'] },
    },
  ];
}
