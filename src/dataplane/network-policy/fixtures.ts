/**
 * Test builders for the engine's inputs (used by the colocated tests only): pods,
 * namespaces and a `decide` helper that compiles a world and admits one connection.
 */
import { admitIngress } from './admit.ts';
import { compileNetworkPolicies } from './compile.ts';
import type { ConnectionSource, Decision, NetworkPolicy, PolicyNamespace, PolicyPod, Protocol } from './types.ts';

export function namespace(name: string, labels: Record<string, string> = {}): PolicyNamespace {
  // The API server defaults this label on every namespace.
  return { metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } } };
}

export interface PodOptions {
  labels?: Record<string, string>;
  phase?: string;
  ports?: Array<{ name?: string; containerPort: number; protocol?: string }>;
  hostNetwork?: boolean;
}

export function pod(ns: string, name: string, ip: string | undefined, o: PodOptions = {}): PolicyPod {
  return {
    metadata: { namespace: ns, name, labels: o.labels ?? {} },
    spec: { hostNetwork: o.hostNetwork, containers: [{ ports: o.ports ?? [] }] },
    status: { phase: o.phase ?? 'Running', ...(ip ? { podIP: ip, podIPs: [{ ip }] } : {}) },
  };
}

export function policy(ns: string, name: string, spec: NetworkPolicy['spec']): NetworkPolicy {
  return { metadata: { namespace: ns, name }, spec };
}

export interface World {
  policies: NetworkPolicy[];
  pods: PolicyPod[];
  namespaces: PolicyNamespace[];
}

export const fromPod = (ip: string): ConnectionSource => ({ kind: 'pod', ip });
export const fromExternal = (ip: string): ConnectionSource => ({ kind: 'external', ip });
export const fromNode: ConnectionSource = { kind: 'node' };

/** Admits one connection to `ns/name` on `port` in a freshly compiled world. */
export function decide(world: World, to: string, port: number, source: ConnectionSource, protocol: Protocol = 'TCP'): Decision {
  const [namespace, name] = to.split('/') as [string, string];
  return admitIngress(compileNetworkPolicies(world), { destinationPod: { namespace, name }, port, protocol, source });
}
