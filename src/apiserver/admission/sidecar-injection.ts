/**
 * Sidecar injection at pod CREATE admission: the behaviour of Maistra's
 * `istio-sidecar-injector` mutating webhook, run in-process. The plugin gathers what the
 * webhook would see — the pod's namespace labels, the mesh's injector values and MeshConfig
 * from the control plane's ConfigMaps — and hands them to the pure functions beside it
 * (sidecar-injection-policy.ts decides, sidecar-injection-template.ts injects).
 *
 * A member pod that asks for a sidecar while its control plane has not written its
 * ConfigMaps yet is created without one, with a warning (Maistra's webhook would refuse the
 * pod until istiod serves; a later pod of the same workload is injected).
 */
import type { KindDefinition } from '../../api/kind.ts';
import type { KubeObject } from '../../api/object.ts';
import { injectorConfigMapName, meshConfigMapName, parseInjectorValues, parseMeshConfig } from '../../controllers/mesh/controlplane/resources/mesh-config.ts';
import type { AdmissionPlugin, AdmissionRequest } from '../storage/admission.ts';
import { injectionDecision } from './sidecar-injection-policy.ts';
import { injectSidecar, type InjectorConfig } from './sidecar-injection-template.ts';

const CONFIG_MAP = { apiVersion: 'v1', kind: 'ConfigMap' };

export const sidecarInjectionPlugin: AdmissionPlugin = {
  name: 'sidecar-injection',
  handles: (def: KindDefinition) => def.group === '' && def.kind === 'Pod',
  mutate: async (req: AdmissionRequest) => {
    if (req.operation !== 'create') return;
    const pod = req.object;
    const namespace = pod.metadata.namespace ?? '';
    const ns = await req.client.get({ apiVersion: 'v1', kind: 'Namespace' }, undefined, namespace);
    const decision = injectionDecision(pod, ns?.metadata.labels);
    if (!decision.inject) return;
    const config = await injectorConfig(req, decision.meshNamespace);
    if (!config) {
      req.ctx.warnings.push(`sidecar not injected: the service mesh control plane in namespace "${decision.meshNamespace}" has no sidecar injector configuration yet`);
      return;
    }
    // The ServiceAccount plugin, registered before this one as in kube-apiserver, has named
    // the account the sidecar's istio-token volume needs.
    injectSidecar(pod, config);
    // Webhook output is defaulted again when the API server decodes it: the new container
    // and probes get the same defaults as the user's.
    req.target.def.defaults?.(pod, { operation: 'create', user: req.ctx.user });
  },
};

async function injectorConfig(req: AdmissionRequest, meshNamespace: string): Promise<InjectorConfig | undefined> {
  const planes = (await req.client.list({ apiVersion: 'maistra.io/v2', kind: 'ServiceMeshControlPlane' }, { namespace: meshNamespace })).items;
  const plane = oldest(planes);
  if (!plane?.metadata.name) return undefined;
  const revision = plane.metadata.name;
  const [injector, mesh] = await Promise.all([
    req.client.get(CONFIG_MAP, meshNamespace, injectorConfigMapName(revision)),
    req.client.get(CONFIG_MAP, meshNamespace, meshConfigMapName(revision)),
  ]);
  if (!injector) return undefined;
  try {
    return { revision, values: parseInjectorValues(dataOf(injector)), meshConfig: parseMeshConfig(dataOf(mesh)) };
  } catch {
    // A ConfigMap edited by hand into something unparsable: as if it were missing.
    return undefined;
  }
}

function oldest(objects: KubeObject[]): KubeObject | undefined {
  return [...objects].sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''))[0];
}

function dataOf(cm: KubeObject | undefined): Record<string, string> | undefined {
  return (cm as { data?: Record<string, string> } | undefined)?.data;
}
