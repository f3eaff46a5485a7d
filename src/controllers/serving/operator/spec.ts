/**
 * The parts of a KnativeServing spec the operator acts on, read once into plain values
 * (the CRD preserves unknown fields, so everything is checked as it is read).
 */
import type { KubeObject } from '../../../api/object.ts';
import { SECRET_FILTERING_ANNOTATION } from './meta.ts';

export type IngressChoice = 'istio' | 'kourier';

/** One entry of `spec.workloads[]` (or its deprecated alias `spec.deployments[]`). */
export interface WorkloadOverride {
  name: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  replicas?: number;
  env?: Array<{ container: string; envVars: Array<Record<string, unknown>> }>;
  resources?: Array<{ container: string; requests?: Record<string, string>; limits?: Record<string, string> }>;
  nodeSelector?: Record<string, string>;
  tolerations?: unknown[];
  affinity?: Record<string, unknown>;
  readinessProbes?: Array<Record<string, unknown> & { container: string }>;
  livenessProbes?: Array<Record<string, unknown> & { container: string }>;
}

export interface ServingSpec {
  ingress: IngressChoice;
  /** `spec.config`, keyed by ConfigMap name with the `config-` prefix. */
  config: Record<string, Record<string, string>>;
  overrides: WorkloadOverride[];
  /** `spec.high-availability.replicas`, when set. */
  haReplicas?: number;
  secretInformerFiltering: boolean;
}

const record = (v: unknown): Record<string, unknown> | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : undefined);

function stringMap(v: unknown): Record<string, string> | undefined {
  const r = record(v);
  if (!r) return undefined;
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(r)) if (value !== undefined && value !== null) out[k] = typeof value === 'string' ? value : JSON.stringify(value);
  return out;
}

/**
 * Istio only when `spec.ingress.istio.enabled` and Kourier is not also on; Kourier otherwise
 * (the Serverless default; the kind's defaulting turns Kourier on when nothing is enabled).
 */
export function ingressOf(spec: Record<string, unknown>): IngressChoice {
  const ingress = record(spec.ingress);
  const enabled = (name: string) => record(ingress?.[name])?.enabled === true;
  return enabled('istio') && !enabled('kourier') ? 'istio' : 'kourier';
}

/** `spec.config` accepts `network` and `config-network` alike (the knative operator looks both up). */
export function configOf(spec: Record<string, unknown>): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [name, values] of Object.entries(record(spec.config) ?? {})) {
    const data = stringMap(values);
    if (!data) continue;
    const full = name.startsWith('config-') ? name : `config-${name}`;
    out[full] = { ...(out[full] ?? {}), ...data };
  }
  return out;
}

function overrideOf(v: unknown): WorkloadOverride | undefined {
  const r = record(v);
  if (!r || typeof r.name !== 'string') return undefined;
  const list = <T>(x: unknown): T[] | undefined => (Array.isArray(x) ? x as T[] : undefined);
  return {
    name: r.name,
    labels: stringMap(r.labels),
    annotations: stringMap(r.annotations),
    replicas: typeof r.replicas === 'number' ? r.replicas : undefined,
    env: list(r.env),
    resources: list(r.resources),
    nodeSelector: stringMap(r.nodeSelector),
    tolerations: list(r.tolerations),
    affinity: record(r.affinity),
    readinessProbes: list(r.readinessProbes),
    livenessProbes: list(r.livenessProbes),
  };
}

export function servingSpecOf(cr: KubeObject): ServingSpec {
  const spec = record(cr.spec) ?? {};
  // `deployments` is the deprecated spelling; `workloads` comes later and wins for the same name.
  const overrides = [...(Array.isArray(spec.deployments) ? spec.deployments : []), ...(Array.isArray(spec.workloads) ? spec.workloads : [])]
    .map(overrideOf).filter((o): o is WorkloadOverride => o !== undefined);
  const ha = record(spec['high-availability'])?.replicas;
  return {
    ingress: ingressOf(spec),
    config: configOf(spec),
    overrides,
    haReplicas: typeof ha === 'number' ? ha : undefined,
    secretInformerFiltering: cr.metadata.annotations?.[SECRET_FILTERING_ANNOTATION] === 'true',
  };
}
