/**
 * The shape of `skiff check`'s results, as `linkerd check` reports them: categories of
 * checks, each a description plus, when it did not pass, what is wrong (`error`) and what
 * to do about it (`hint`). `-o json` prints a CheckReport; its keys are linkerd's.
 */
import type { KubeObject } from '../api/object.ts';
import type { ProxySyncStatus } from '../server/mesh/proxy-sync.ts';

export type CheckOutcome = 'success' | 'warning' | 'error';

export interface CheckResult {
  description: string;
  hint?: string;
  error?: string;
  result: CheckOutcome;
}

export interface CheckCategory {
  categoryName: string;
  checks: CheckResult[];
}

export interface CheckReport {
  /** False when any check is an error; warnings do not fail the run (as in linkerd). */
  success: boolean;
  categories: CheckCategory[];
}

/** Every object the checks read, listed once from the API so each check is a pure function. */
export interface ClusterLists {
  namespaces: KubeObject[];
  services: KubeObject[];
  endpointSlices: KubeObject[];
  pods: KubeObject[];
  secrets: KubeObject[];
  gateways: KubeObject[];
  virtualServices: KubeObject[];
  destinationRules: KubeObject[];
  serviceEntries: KubeObject[];
  authorizationPolicies: KubeObject[];
  peerAuthentications: KubeObject[];
  controlPlanes: KubeObject[];
  memberRolls: KubeObject[];
  networkPolicies?: KubeObject[];
}

/** What the runtime said of NetworkPolicy enforcement (`GET /skiff/v1/status` → networkPolicy). */
export interface NetworkPolicyEnforcement {
  enforced: boolean;
  message?: string;
  isolatedPods: number;
  policies: number;
}

/**
 * The lists, and what skiff's data plane said each proxy applied (`GET /skiff/v1/status`),
 * read after the lists so a proxy that applied in between counts as synced. `proxies` is
 * undefined when the status could not be read (a skiff without the data plane's report).
 */
export interface ClusterSnapshot extends ClusterLists {
  proxies?: ProxySyncStatus[];
  networkPolicy?: NetworkPolicyEnforcement;
}

export const passed = (description: string): CheckResult => ({ description, result: 'success' });

export const failed = (description: string, error: string, hint: string): CheckResult => ({ description, hint, error, result: 'error' });

export const warned = (description: string, error: string, hint: string): CheckResult => ({ description, hint, error, result: 'warning' });

export function reportOf(categories: CheckCategory[]): CheckReport {
  return { success: categories.every((c) => c.checks.every((check) => check.result !== 'error')), categories };
}
