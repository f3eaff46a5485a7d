/**
 * Which checks `skiff check` runs, grouped into linkerd-style categories. `--pre` runs the
 * preflight (seed 002 §1.4.1) only; otherwise the health checks of every control plane
 * (or the one in `meshNamespace`), the gateways, and with `mtls` the path between two
 * workloads.
 */
import { SkiffError } from '../errors/skiff-error.ts';
import { controlPlaneExistsCheck, controlPlaneReadyCheck, controlPlanesIn, memberRollCheck } from './control-plane.ts';
import { gatewayConflictCheck, gatewayCredentialChecks } from './gateways.ts';
import { meshCaCheck } from './mesh-ca.ts';
import { mtlsChecks } from './mtls.ts';
import { networkPolicyCheck } from './network-policy.ts';
import { namespaceOf } from './objects.ts';
import { preflightCategory } from './preflight.ts';
import { proxyChecks } from './proxies.ts';
import { proxySyncCheck } from './proxy-sync.ts';
import { snapshotClient } from './snapshot-client.ts';
import { type CheckCategory, type CheckReport, type ClusterSnapshot, failed, passed, reportOf } from './types.ts';
import type { WorkloadName } from './workloads.ts';

export const DEFAULT_MESH_NAMESPACE = 'istio-system';

export interface CheckOptions {
  pre: boolean;
  /** The mesh (control plane namespace) to check; all meshes when undefined (preflight: istio-system). */
  meshNamespace?: string;
  mtls?: readonly [WorkloadName, WorkloadName];
  now?: Date;
}

export async function runChecks(read: () => Promise<ClusterSnapshot>, opts: CheckOptions): Promise<CheckReport> {
  const api: CheckCategory = { categoryName: 'kubernetes-api', checks: [passed('can initialize the client')] };
  let snapshot: ClusterSnapshot;
  try {
    snapshot = await read();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const hint = error instanceof SkiffError ? error.hint : 'Check that skiff is running (skiff status).';
    api.checks.push(failed('can query the Kubernetes API', message, hint));
    return reportOf([api]);
  }
  api.checks.push(passed('can query the Kubernetes API'));
  if (opts.pre) return reportOf([api, preflightCategory(snapshot, opts.meshNamespace ?? DEFAULT_MESH_NAMESPACE)]);
  return reportOf([api, ...(await healthCategories(snapshot, opts))]);
}

async function healthCategories(snapshot: ClusterSnapshot, opts: CheckOptions): Promise<CheckCategory[]> {
  const now = opts.now ?? new Date();
  const planes = controlPlanesIn(snapshot, opts.meshNamespace);
  const meshes = [...new Set(planes.map(namespaceOf))].sort();
  const controlPlane: CheckCategory = { categoryName: 'mesh-control-plane', checks: [controlPlaneExistsCheck(planes, opts.meshNamespace)] };
  for (const plane of planes) controlPlane.checks.push(controlPlaneReadyCheck(plane));
  for (const mesh of meshes) controlPlane.checks.push(memberRollCheck(snapshot, mesh));

  const client = snapshotClient(snapshot);
  const certificates: CheckCategory = { categoryName: 'mesh-certificates', checks: [] };
  for (const mesh of meshes) certificates.checks.push(await meshCaCheck(client, mesh, now));

  const gateways: CheckCategory = { categoryName: 'mesh-gateways', checks: [...gatewayCredentialChecks(snapshot, now), gatewayConflictCheck(snapshot)] };
  const dataPlane: CheckCategory = { categoryName: 'mesh-data-plane', checks: meshes.flatMap((mesh) => [...proxyChecks(snapshot, mesh), proxySyncCheck(snapshot, mesh)]) };
  const policy = networkPolicyCheck(snapshot);
  const network: CheckCategory = { categoryName: 'network-policy', checks: policy ? [policy] : [] };
  const categories = [controlPlane, certificates, gateways, dataPlane, network].filter((c) => c.checks.length > 0);
  if (opts.mtls) categories.push({ categoryName: 'mesh-mtls', checks: mtlsChecks(snapshot, opts.mtls[0], opts.mtls[1]) });
  return categories;
}
