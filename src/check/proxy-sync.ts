/**
 * Whether every proxy of a mesh runs the latest configuration, as `istioctl proxy-status`
 * says SYNCED or STALE. skiff's data plane reports, per proxy, the version it last applied:
 * the highest resourceVersion among the objects its mesh snapshot was compiled from
 * (src/server/mesh/proxy-sync.ts). The latest version is the same computation over what
 * `skiff check` listed for that mesh (its control plane namespace and members, as the data
 * plane scopes it). The lists are read before the proxies' report, so a proxy that applied
 * in between is synced, never falsely stale.
 */
import type { Pod } from '../api/builtin/core/pod-readiness.ts';
import type { KubeObject } from '../api/object.ts';
import { isGatewayPod, meshNamespaceOf } from '../dataplane/gateway/workload.ts';
import { meshNamespaces } from '../dataplane/gateway/mesh-scope.ts';
import { CONFIG_SOURCES, configVersionOf, type ConfigSources, type ProxySyncStatus, syncState } from '../server/mesh/proxy-sync.ts';
import { annotationsOf, fullName, meshOfNamespace, namespaceOf, SIDECAR_STATUS_ANNOTATION, statusOf } from './objects.ts';
import { type CheckResult, type ClusterSnapshot, failed, passed, warned } from './types.ts';

interface ExpectedProxy { pod: string; kind: ProxySyncStatus['kind'] }

const HINT = 'The data plane could not apply the latest configuration: look at the skiff log (stderr of skiff up) and at kubectl describe pod -n NAMESPACE NAME for GatewayConfigRejected or SidecarConfigRejected events.';

/** The latest configuration version of a mesh: over the objects of the namespaces it sees. */
export function latestMeshVersion(snapshot: ClusterSnapshot, meshNamespace: string): string {
  const visible = meshNamespaces(meshNamespace, snapshot.namespaces);
  const scoped: ConfigSources = Object.fromEntries(CONFIG_SOURCES.map((source) => [source, snapshot[source].filter((o) => visible.has(namespaceOf(o)))]));
  return configVersionOf(scoped);
}

/**
 * The proxies the data plane must be running for a mesh: a gateway per running gateway pod,
 * a sidecar per running meshed pod of its members (on the loopback pod network only, the
 * one where skiff intercepts a pod's ports).
 */
export function expectedProxies(snapshot: ClusterSnapshot, meshNamespace: string): ExpectedProxy[] {
  const out: ExpectedProxy[] = [];
  for (const pod of snapshot.pods.filter(running)) {
    if (isGatewayPod(pod as Pod) && meshNamespaceOf(pod as Pod) === meshNamespace) out.push({ pod: fullName(pod), kind: 'gateway' });
    const meshed = annotationsOf(pod)[SIDECAR_STATUS_ANNOTATION] !== undefined && podIP(pod).startsWith('127.');
    if (meshed && meshOfNamespace(snapshot.namespaces, namespaceOf(pod)) === meshNamespace) out.push({ pod: fullName(pod), kind: 'sidecar' });
  }
  return out.sort((a, b) => a.pod.localeCompare(b.pod) || a.kind.localeCompare(b.kind));
}

export function proxySyncCheck(snapshot: ClusterSnapshot, meshNamespace: string): CheckResult {
  const expected = expectedProxies(snapshot, meshNamespace);
  const latest = latestMeshVersion(snapshot, meshNamespace);
  const reported = snapshot.proxies;
  if (reported === undefined) {
    return warned(`proxies of ${meshNamespace} run the latest configuration (?/${expected.length})`, 'skiff did not report what its proxies applied (GET /skiff/v1/status has no mesh.proxies)', 'Run skiff check against a skiff of the same version (skiff version; skiff status).');
  }
  const stale: string[] = [];
  const missing: string[] = [];
  const withProblems: string[] = [];
  for (const want of expected) {
    const record = reported.find((p) => p.pod === want.pod && p.kind === want.kind);
    if (!record) missing.push(`${want.pod} (${want.kind})`);
    else if (record.mesh !== meshNamespace) stale.push(`${want.pod} (${want.kind} compiled for mesh ${record.mesh || 'none'})`);
    else if (syncState(record.appliedVersion, latest) === 'STALE') stale.push(`${want.pod} (${want.kind} applied version ${record.appliedVersion} at ${record.appliedAt}, latest ${latest})`);
    else if (record.problems > 0) withProblems.push(`${want.pod} (${want.kind}: ${record.problems} problem${record.problems === 1 ? '' : 's'})`);
  }
  const synced = expected.length - stale.length - missing.length;
  const description = `proxies of ${meshNamespace} run the latest configuration (${synced}/${expected.length})`;
  if (stale.length > 0 || missing.length > 0) {
    const parts = [...(stale.length > 0 ? [`STALE: ${stale.join(', ')}`] : []), ...(missing.length > 0 ? [`never configured by the data plane: ${missing.join(', ')}`] : [])];
    return failed(description, parts.join('; '), HINT);
  }
  if (withProblems.length > 0) return warned(description, `SYNCED with problems: ${withProblems.join(', ')}`, HINT);
  return passed(description);
}

/** Whether every mesh's proxies are synced (problems aside): what `skiff check` waits a moment for. */
export function proxiesCaughtUp(snapshot: ClusterSnapshot): boolean {
  const meshes = new Set(snapshot.controlPlanes.map(namespaceOf));
  return [...meshes].every((mesh) => proxySyncCheck(snapshot, mesh).result !== 'error');
}

function running(pod: KubeObject): boolean {
  return pod.metadata.deletionTimestamp === undefined && statusOf<{ phase: string }>(pod).phase === 'Running' && podIP(pod) !== '';
}

function podIP(pod: KubeObject): string {
  return statusOf<{ podIP: string }>(pod).podIP ?? '';
}
