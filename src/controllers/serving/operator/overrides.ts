/**
 * `spec.workloads[]` / `spec.deployments[]` onto the rendered Deployments, as the knative
 * operator's workload override transformer does (pkg/reconciler/common/workload_override.go):
 * labels and annotations go onto the Deployment and its pod template, replicas onto the
 * spec, env/resources/probes onto the named container; plus `spec.high-availability.replicas`
 * and the Serverless operator's secret-informer-filtering env on net-istio-controller and
 * net-kourier-controller.
 */
import type { KubeObject } from '../../../api/object.ts';
import { SECRET_FILTERING_ENV } from './meta.ts';
import type { ServingSpec, WorkloadOverride } from './spec.ts';

interface Container { name: string; env?: Array<Record<string, unknown>>; resources?: Record<string, unknown>; readinessProbe?: Record<string, unknown>; livenessProbe?: Record<string, unknown> }
interface PodTemplate { metadata: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: { containers: Container[]; nodeSelector?: Record<string, string>; tolerations?: unknown[]; affinity?: Record<string, unknown> } }
interface DeploymentSpec { replicas?: number; template: PodTemplate }

const FILTERING_CONTROLLERS = ['net-istio-controller', 'net-kourier-controller'];

/** Sets (or replaces) env vars by name, keeping the others in order. */
function mergeEnv(env: Array<Record<string, unknown>> | undefined, vars: ReadonlyArray<Record<string, unknown>>): Array<Record<string, unknown>> {
  const out = [...(env ?? [])];
  for (const v of vars) {
    const i = out.findIndex((e) => e.name === v.name);
    if (i >= 0) out[i] = v;
    else out.push(v);
  }
  return out;
}

function applyOverride(spec: DeploymentSpec, meta: KubeObject['metadata'], o: WorkloadOverride): void {
  const pod = spec.template;
  if (o.labels) {
    meta.labels = { ...(meta.labels ?? {}), ...o.labels };
    pod.metadata.labels = { ...(pod.metadata.labels ?? {}), ...o.labels };
  }
  if (o.annotations) {
    meta.annotations = { ...(meta.annotations ?? {}), ...o.annotations };
    pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), ...o.annotations };
  }
  if (o.replicas !== undefined) spec.replicas = o.replicas;
  if (o.nodeSelector) pod.spec.nodeSelector = o.nodeSelector;
  if (o.tolerations) pod.spec.tolerations = o.tolerations;
  if (o.affinity) pod.spec.affinity = o.affinity;
  const container = (name: string) => pod.spec.containers.find((c) => c.name === name);
  for (const e of o.env ?? []) {
    const c = container(e.container);
    if (c) c.env = mergeEnv(c.env, e.envVars ?? []);
  }
  for (const r of o.resources ?? []) {
    const c = container(r.container);
    if (!c) continue;
    c.resources = {
      ...(c.resources ?? {}),
      ...(r.requests ? { requests: { ...((c.resources?.requests as object | undefined) ?? {}), ...r.requests } } : {}),
      ...(r.limits ? { limits: { ...((c.resources?.limits as object | undefined) ?? {}), ...r.limits } } : {}),
    };
  }
  for (const [field, probes] of [['readinessProbe', o.readinessProbes], ['livenessProbe', o.livenessProbes]] as const) {
    for (const { container: name, ...probe } of probes ?? []) {
      const c = container(name);
      // The override changes the probe's settings; the handler (httpGet, grpc…) stays unless given.
      if (c) c[field] = { ...(c[field] ?? {}), ...probe };
    }
  }
}

/** The Deployment with the CR's customisations applied (a new object; the input is not changed). */
export function customize(deployment: KubeObject, serving: ServingSpec): KubeObject {
  const out = structuredClone(deployment);
  const spec = out.spec as unknown as DeploymentSpec;
  const name = out.metadata.name!;
  if (serving.haReplicas !== undefined && name !== '3scale-kourier-gateway') spec.replicas = serving.haReplicas;
  // Both networking controllers inform on Secrets (knative.md §4.3: net-istio and net-kourier).
  if (serving.secretInformerFiltering && FILTERING_CONTROLLERS.includes(name)) {
    const c = spec.template.spec.containers.find((x) => x.name === 'controller');
    if (c) c.env = mergeEnv(c.env, [{ name: SECRET_FILTERING_ENV, value: 'true' }]);
  }
  // Overrides come last: a workload override's env wins over the operator's own defaults.
  for (const o of serving.overrides) if (o.name === name) applyOverride(spec, out.metadata, o);
  return out;
}
