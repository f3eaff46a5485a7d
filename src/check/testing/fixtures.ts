/** Object fixtures for the checks' unit tests: a snapshot built from a few literal objects. */
import type { KubeObject, ObjectMeta } from '../../api/object.ts';
import type { ClusterSnapshot } from '../types.ts';

export function snapshotOf(parts: Partial<ClusterSnapshot> = {}): ClusterSnapshot {
  return {
    namespaces: [], services: [], endpointSlices: [], pods: [], secrets: [], gateways: [], virtualServices: [], destinationRules: [], serviceEntries: [],
    authorizationPolicies: [], peerAuthentications: [], controlPlanes: [], memberRolls: [], ...parts,
  };
}

export function obj(apiVersion: string, kind: string, metadata: ObjectMeta, fields: Record<string, unknown> = {}): KubeObject {
  return { apiVersion, kind, metadata, ...fields };
}

export const namespace = (name: string, meshOf?: string): KubeObject => obj('v1', 'Namespace', { name, ...(meshOf ? { labels: { 'maistra.io/member-of': meshOf } } : {}) });

export const gateway = (ns: string, name: string, spec: Record<string, unknown>): KubeObject => obj('networking.istio.io/v1alpha3', 'Gateway', { namespace: ns, name }, { spec });

export const service = (ns: string, name: string, spec: Record<string, unknown>): KubeObject => obj('v1', 'Service', { namespace: ns, name }, { spec });

export function pod(ns: string, name: string, opts: { labels?: Record<string, string>; annotations?: Record<string, string>; ports?: Array<{ containerPort: number; name?: string }>; ready?: boolean; owner?: { kind: string; name: string } } = {}): KubeObject {
  return obj('v1', 'Pod', {
    namespace: ns,
    name,
    labels: opts.labels ?? {},
    annotations: opts.annotations ?? {},
    ...(opts.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: opts.owner.kind, name: opts.owner.name, uid: 'u' }] } : {}),
  }, {
    spec: { containers: [{ name: 'app', image: 'x', ports: opts.ports ?? [] }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }] },
  });
}

export const injected = { 'sidecar.istio.io/inject': 'true', 'sidecar.istio.io/status': '{}' };

export function tlsSecret(ns: string, name: string, certPem: string, keyPem: string, extra: Record<string, string> = {}): KubeObject {
  const data: Record<string, string> = { 'tls.crt': b64(certPem), 'tls.key': b64(keyPem) };
  for (const [k, v] of Object.entries(extra)) data[k] = b64(v);
  return obj('v1', 'Secret', { namespace: ns, name }, { type: 'kubernetes.io/tls', data });
}

export const b64 = (text: string): string => Buffer.from(text).toString('base64');
