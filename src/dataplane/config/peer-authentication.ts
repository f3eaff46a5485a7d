/**
 * PeerAuthentication evaluation, as istiod's ComposePeerAuthentication does it
 * (pilot/pkg/security/authn/policy_applier.go): from every PeerAuthentication, the mTLS
 * mode a workload's inbound side enforces, per port.
 *
 * - A policy without selector (or with empty matchLabels) in the root namespace (the
 *   control plane's namespace) is mesh-wide; one in the workload's namespace is
 *   namespace-wide; one with a selector in the workload's namespace that matches its labels
 *   is workload-level. A selector policy in the root namespace applies to nobody.
 * - Narrower scope wins; among several at one scope the oldest wins (creation time, then
 *   namespace/name, the order istiod sorts configs in).
 * - `UNSET` (or no `mtls`) inherits from the next wider scope; with nothing set the mode is
 *   PERMISSIVE.
 * - `portLevelMtls` counts only on the workload-level policy; an UNSET port inherits the
 *   workload's mode.
 */
import type { KubeObject } from '../../api/object.ts';
import { selectorMatches } from './config-order.ts';

export type MtlsMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE';
type DeclaredMode = MtlsMode | 'UNSET';

export interface PeerAuthenticationSpec {
  selector?: { matchLabels?: Record<string, string> };
  mtls?: { mode?: string };
  portLevelMtls?: Record<string, { mode?: string } | undefined>;
}

export interface PeerAuthentication extends KubeObject {
  spec?: PeerAuthenticationSpec;
}

/** The inbound side of a workload: where it runs and the labels policies select on. */
export interface WorkloadRef {
  namespace: string;
  labels: Readonly<Record<string, string>>;
}

/** Which policy decided, for messages ("namespace policy bookinfo/default"). */
export interface PolicyRef {
  scope: 'mesh' | 'namespace' | 'workload';
  namespace: string;
  name: string;
}

export interface MergedPeerAuthentication {
  mode: MtlsMode;
  /** Port-level overrides of the workload policy, target port → mode. */
  perPort: ReadonlyMap<number, MtlsMode>;
  /** The policies that set something, widest first. */
  appliedPolicies: PolicyRef[];
}

export const DEFAULT_MTLS_MODE: MtlsMode = 'PERMISSIVE';

/** The merged policy for a workload; see the file comment for the rules. */
export function mergePeerAuthentication(policies: readonly PeerAuthentication[], rootNamespace: string, workload: WorkloadRef): MergedPeerAuthentication {
  const ordered = [...policies].sort(byAge);
  let meshPolicy: PeerAuthentication | undefined;
  let namespacePolicy: PeerAuthentication | undefined;
  let workloadPolicy: PeerAuthentication | undefined;
  for (const policy of ordered) {
    const namespace = policy.metadata.namespace;
    const matchLabels = policy.spec?.selector?.matchLabels ?? {};
    if (Object.keys(matchLabels).length === 0) {
      if (namespace === rootNamespace) meshPolicy ??= policy;
      else if (namespace === workload.namespace) namespacePolicy ??= policy;
    } else if (namespace !== rootNamespace && namespace === workload.namespace && labelsMatch(matchLabels, workload.labels)) {
      workloadPolicy ??= policy;
    }
  }

  let mode = DEFAULT_MTLS_MODE;
  const appliedPolicies: PolicyRef[] = [];
  for (const [scope, policy] of [['mesh', meshPolicy], ['namespace', namespacePolicy], ['workload', workloadPolicy]] as const) {
    if (policy === undefined) continue;
    const declared = declaredMode(policy.spec?.mtls?.mode);
    if (declared !== 'UNSET') mode = declared;
    if (declared !== 'UNSET' || (scope === 'workload' && policy.spec?.portLevelMtls !== undefined)) {
      appliedPolicies.push({ scope, namespace: policy.metadata.namespace ?? '', name: policy.metadata.name ?? '' });
    }
  }

  const perPort = new Map<number, MtlsMode>();
  for (const [port, setting] of Object.entries(workloadPolicy?.spec?.portLevelMtls ?? {})) {
    const number = Number(port);
    if (!Number.isInteger(number) || number < 1 || number > 65535) continue;
    const declared = declaredMode(setting?.mode);
    perPort.set(number, declared === 'UNSET' ? mode : declared);
  }
  return { mode, perPort, appliedPolicies };
}

/** The mode the workload's inbound side enforces on one (target) port. */
export function effectiveMtlsMode(policies: readonly PeerAuthentication[], rootNamespace: string, workload: WorkloadRef, port: number): MtlsMode {
  const merged = mergePeerAuthentication(policies, rootNamespace, workload);
  return merged.perPort.get(port) ?? merged.mode;
}

/** Istio's WorkloadSelector: every listed label present with the same value (one rule for all config, config-order.ts). */
export const labelsMatch: (matchLabels: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>) => boolean = selectorMatches;

function declaredMode(mode: string | undefined): DeclaredMode {
  return mode === 'STRICT' || mode === 'PERMISSIVE' || mode === 'DISABLE' ? mode : 'UNSET';
}

function byAge(a: KubeObject, b: KubeObject): number {
  const at = Date.parse(a.metadata.creationTimestamp ?? '') || 0;
  const bt = Date.parse(b.metadata.creationTimestamp ?? '') || 0;
  if (at !== bt) return at - bt;
  const an = `${a.metadata.namespace ?? ''}/${a.metadata.name ?? ''}`;
  const bn = `${b.metadata.namespace ?? ''}/${b.metadata.name ?? ''}`;
  return an < bn ? -1 : an > bn ? 1 : 0;
}
