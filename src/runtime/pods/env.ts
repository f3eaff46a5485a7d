/**
 * A container's environment, built as the kubelet's makeEnvironmentVariables does: envFrom
 * sources first (with their prefix), then `env` entries in order (values `$(VAR)`-expanded
 * against what came before and the service variables; valueFrom resolved from ConfigMaps,
 * Secrets, the pod's fields and its resources), then the service-link variables not already
 * set. A missing non-optional reference is a ContainerConfigError, which the pod worker
 * reports as CreateContainerConfigError with the kubelet's message.
 */
import type { KubeObject } from '../../api/object.ts';
import { parseQuantity } from '../../api/builtin/util/quantity.ts';
import { expand, lookupIn } from './expansion.ts';
import { serviceEnvironment } from './service-env.ts';

export class ContainerConfigError extends Error {}

export interface EnvSources {
  configMap(namespace: string, name: string): KubeObject | undefined;
  secret(namespace: string, name: string): KubeObject | undefined;
  /** Services whose variables a pod in `namespace` gets (its namespace's, plus `kubernetes`). */
  services(namespace: string): KubeObject[];
}

/** Facts about the running pod that fieldRef and resourceFieldRef read. */
export interface PodFacts {
  podIPs: string[];
  hostIPs: string[];
  nodeName: string;
  /** Node allocatable, in base units, for limits the container does not set. */
  allocatable: { cpu: number; memory: number; 'ephemeral-storage': number };
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    fieldRef?: { fieldPath: string };
    resourceFieldRef?: { containerName?: string; resource: string; divisor?: string | number };
    configMapKeyRef?: { name?: string; key: string; optional?: boolean };
    secretKeyRef?: { name?: string; key: string; optional?: boolean };
  };
}

interface EnvFromSource {
  prefix?: string;
  configMapRef?: { name?: string; optional?: boolean };
  secretRef?: { name?: string; optional?: boolean };
}

export interface ContainerSpec {
  name: string;
  env?: EnvVar[];
  envFrom?: EnvFromSource[];
  resources?: { limits?: Record<string, string | number>; requests?: Record<string, string | number> };
}

/** The environment as an ordered list of [name, value] (the order the kubelet passes it). */
export function containerEnvironment(pod: KubeObject, container: ContainerSpec, sources: EnvSources, facts: PodFacts): Array<[string, string]> {
  const namespace = pod.metadata.namespace ?? 'default';
  const spec = (pod.spec ?? {}) as { enableServiceLinks?: boolean; containers?: ContainerSpec[]; initContainers?: ContainerSpec[] };
  const serviceEnv = serviceEnvironment(sources.services(namespace), namespace, spec.enableServiceLinks !== false);
  const env = new Map<string, string>();

  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    if (from.configMapRef) {
      const cm = sources.configMap(namespace, from.configMapRef.name ?? '');
      if (!cm) {
        if (from.configMapRef.optional) continue;
        throw new ContainerConfigError(`configmap "${from.configMapRef.name ?? ''}" not found`);
      }
      for (const [k, v] of Object.entries((cm.data ?? {}) as Record<string, string>)) env.set(prefix + k, v);
    } else if (from.secretRef) {
      const secret = sources.secret(namespace, from.secretRef.name ?? '');
      if (!secret) {
        if (from.secretRef.optional) continue;
        throw new ContainerConfigError(`secret "${from.secretRef.name ?? ''}" not found`);
      }
      for (const [k, v] of Object.entries((secret.data ?? {}) as Record<string, string>)) env.set(prefix + k, decodeSecret(v));
    }
  }

  const lookup = lookupIn(env, serviceEnv);
  for (const v of container.env ?? []) {
    let value = v.value ?? '';
    if (value !== '') value = expand(value, lookup);
    else if (v.valueFrom) {
      const resolved = valueFrom(v.valueFrom, pod, container, [...(spec.containers ?? []), ...(spec.initContainers ?? [])], sources, facts, namespace);
      if (resolved === undefined) continue; // optional reference that is absent
      value = resolved;
    }
    env.set(v.name, value);
  }

  const result: Array<[string, string]> = [...env];
  for (const [k, v] of serviceEnv) if (!env.has(k)) result.push([k, v]);
  return result;
}

function valueFrom(ref: NonNullable<EnvVar['valueFrom']>, pod: KubeObject, container: ContainerSpec, all: ContainerSpec[], sources: EnvSources, facts: PodFacts, namespace: string): string | undefined {
  if (ref.fieldRef) return podFieldValue(pod, ref.fieldRef.fieldPath, facts);
  if (ref.resourceFieldRef) {
    const target = ref.resourceFieldRef.containerName ? all.find((c) => c.name === ref.resourceFieldRef!.containerName) : container;
    if (!target) throw new ContainerConfigError(`container ${ref.resourceFieldRef.containerName} not found`);
    return resourceValue(target, ref.resourceFieldRef.resource, ref.resourceFieldRef.divisor, facts);
  }
  if (ref.configMapKeyRef) {
    const { name = '', key, optional } = ref.configMapKeyRef;
    const cm = sources.configMap(namespace, name);
    if (!cm) {
      if (optional) return undefined;
      throw new ContainerConfigError(`configmap "${name}" not found`);
    }
    const value = ((cm.data ?? {}) as Record<string, string>)[key];
    if (value === undefined) {
      if (optional) return undefined;
      throw new ContainerConfigError(`couldn't find key ${key} in ConfigMap ${namespace}/${name}`);
    }
    return value;
  }
  if (ref.secretKeyRef) {
    const { name = '', key, optional } = ref.secretKeyRef;
    const secret = sources.secret(namespace, name);
    if (!secret) {
      if (optional) return undefined;
      throw new ContainerConfigError(`secret "${name}" not found`);
    }
    const value = ((secret.data ?? {}) as Record<string, string>)[key];
    if (value === undefined) {
      if (optional) return undefined;
      throw new ContainerConfigError(`couldn't find key ${key} in Secret ${namespace}/${name}`);
    }
    return decodeSecret(value);
  }
  return '';
}

/** podFieldSelectorRuntimeValue: the fields the downward API exposes to env vars. */
export function podFieldValue(pod: KubeObject, fieldPath: string, facts: PodFacts): string {
  const spec = (pod.spec ?? {}) as { nodeName?: string; serviceAccountName?: string };
  const subscript = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(fieldPath);
  if (subscript) {
    const map = subscript[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations;
    return map?.[subscript[2]!] ?? '';
  }
  switch (fieldPath) {
    case 'metadata.name': return pod.metadata.name ?? '';
    case 'metadata.namespace': return pod.metadata.namespace ?? '';
    case 'metadata.uid': return pod.metadata.uid ?? '';
    case 'metadata.labels': return formatMap(pod.metadata.labels);
    case 'metadata.annotations': return formatMap(pod.metadata.annotations);
    case 'spec.nodeName': return spec.nodeName || facts.nodeName;
    case 'spec.serviceAccountName': return spec.serviceAccountName ?? '';
    case 'status.hostIP': return facts.hostIPs[0] ?? '';
    case 'status.hostIPs': return facts.hostIPs.join(',');
    case 'status.podIP': return facts.podIPs[0] ?? '';
    case 'status.podIPs': return facts.podIPs.join(',');
    default: throw new ContainerConfigError(`unsupported fieldPath: ${fieldPath}`);
  }
}

/** The downward API's `key="value"` lines, sorted by key (labels and annotations files). */
export function formatMap(map: Record<string, string> | undefined): string {
  return Object.keys(map ?? {}).sort().map((k) => `${k}=${JSON.stringify(map![k])}`).join('\n');
}

/**
 * ExtractContainerResourceValue: limits default to the node's allocatable; CPU rounds up to
 * whole divisors (millicores with divisor 1m), memory and storage divide and round up.
 */
export function resourceValue(container: ContainerSpec, resource: string, divisorRaw: string | number | undefined, facts: PodFacts): string {
  const [kind, name] = resource.split('.') as ['limits' | 'requests', string];
  const declared = container.resources?.[kind]?.[name];
  let value = declared !== undefined ? parseQuantity(declared) ?? 0 : undefined;
  if (value === undefined) {
    if (kind === 'limits' && name in facts.allocatable) value = facts.allocatable[name as keyof PodFacts['allocatable']];
    else if (kind === 'requests' && container.resources?.limits?.[name] !== undefined) value = parseQuantity(container.resources.limits[name]) ?? 0;
    else value = 0;
  }
  const divisor = parseQuantity(divisorRaw ?? 1) || 1;
  return String(Math.ceil(value / divisor - 1e-9));
}

function decodeSecret(base64: string): string {
  return Buffer.from(base64, 'base64').toString('utf8');
}
