/**
 * The Kubernetes objects a ServerlessService owns (knative/serving 1.15
 * pkg/reconciler/serverlessservice/resources/services.go):
 *
 * - the public Service `<sks>`: selectorless, `http` 80 (`http2` 81 for h2c) → 8012 (8013)
 *   and `https` 443 → 8112; what the ingress routes to;
 * - the private Service `<sks>-private`: selects the revision's pods and also exposes
 *   queue-proxy's metrics and admin ports, for the autoscaler and for Serve mode;
 * - the public Endpoints `<sks>`, written by the SKS controller itself: the pods (Serve) or
 *   some activators (Proxy), keeping only the serving and TLS ports.
 */
import type { KubeObject } from '../../../../api/object.ts';
import { childName } from '../../../../api/knative/util/kmeta.ts';
import type { EndpointSubset } from '../../../core/endpoints/resources/endpoints.ts';
import { PORTS } from '../../shared/contracts.ts';

export const SKS_LABEL = 'networking.internal.knative.dev/serverlessservice';
export const SERVICE_TYPE_LABEL = 'networking.internal.knative.dev/serviceType';

export interface ServerlessService extends KubeObject {
  spec?: {
    mode?: 'Serve' | 'Proxy';
    numActivators?: number;
    objectRef?: { apiVersion?: string; kind?: string; name?: string };
    protocolType?: string;
  };
}

export const privateServiceName = (sksName: string): string => childName(sksName, '-private');

const isH2c = (sks: ServerlessService): boolean => sks.spec?.protocolType === 'h2c';

/** The port the revision's pods (and the activators) serve on: 8012, or 8013 for h2c. */
export const targetPort = (sks: ServerlessService): number => (isH2c(sks) ? PORTS.queueH2c : PORTS.queueHttp);
const servicePortName = (sks: ServerlessService): string => (isH2c(sks) ? 'http2' : 'http');
const appProtocol = (sks: ServerlessService) => (isH2c(sks) ? { appProtocol: 'kubernetes.io/h2c' } : {});

function ownedMeta(sks: ServerlessService, name: string, type: 'Public' | 'Private'): KubeObject['metadata'] {
  return {
    name,
    namespace: sks.metadata.namespace,
    labels: { ...(sks.metadata.labels ?? {}), [SKS_LABEL]: sks.metadata.name!, [SERVICE_TYPE_LABEL]: type },
    annotations: { ...(sks.metadata.annotations ?? {}) },
    ownerReferences: [{ apiVersion: sks.apiVersion, kind: sks.kind, name: sks.metadata.name!, uid: sks.metadata.uid!, controller: true, blockOwnerDeletion: true }],
  };
}

export function makePublicService(sks: ServerlessService): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: ownedMeta(sks, sks.metadata.name!, 'Public'),
    spec: {
      ports: [
        { name: servicePortName(sks), protocol: 'TCP', ...appProtocol(sks), port: isH2c(sks) ? 81 : PORTS.servicePort, targetPort: targetPort(sks) },
        { name: 'https', protocol: 'TCP', port: 443, targetPort: PORTS.queueHttps },
      ],
    },
  };
}

export function makePrivateService(sks: ServerlessService, selector: Record<string, string>): KubeObject {
  const name = servicePortName(sks);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: ownedMeta(sks, privateServiceName(sks.metadata.name!), 'Private'),
    spec: {
      ports: [
        { name, protocol: 'TCP', ...appProtocol(sks), port: PORTS.servicePort, targetPort: targetPort(sks) },
        { name: 'https', protocol: 'TCP', port: 443, targetPort: PORTS.queueHttps },
        { name: 'http-autometric', protocol: 'TCP', port: PORTS.autoscalingMetrics, targetPort: 'http-autometric' },
        { name: 'http-usermetric', protocol: 'TCP', port: PORTS.userMetrics, targetPort: 'http-usermetric' },
        { name: 'http-queueadm', protocol: 'TCP', port: PORTS.queueAdmin, targetPort: PORTS.queueAdmin },
        { name: `${name}-istio`, protocol: 'TCP', port: targetPort(sks), targetPort: targetPort(sks) },
      ],
      selector,
    },
  };
}

/** FilterSubsetPorts: only the serving port and the TLS port travel to the public Endpoints. */
export function filterSubsetPorts(sks: ServerlessService, subsets: readonly EndpointSubset[] | undefined): EndpointSubset[] {
  const keep = new Set([targetPort(sks), PORTS.queueHttps]);
  return (subsets ?? []).map((s) => {
    const ports = (s.ports ?? []).filter((p) => keep.has(p.port));
    const { ports: _p, ...rest } = s;
    return ports.length > 0 ? { ...rest, ports } : rest;
  });
}

export function makePublicEndpoints(sks: ServerlessService, subsets: readonly EndpointSubset[]): KubeObject {
  const filtered = filterSubsetPorts(sks, subsets);
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: ownedMeta(sks, sks.metadata.name!, 'Public'),
    ...(filtered.length > 0 ? { subsets: filtered } : {}),
  };
}
