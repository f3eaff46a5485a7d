/**
 * The shape of `skiff check`'s results, as `linkerd check` reports them: categories of
 * checks, each a description plus, when it did not pass, what is wrong (`error`) and what
 * to do about it (`hint`). `-o json` prints a CheckReport; its keys are linkerd's.
 */
import type { KubeObject } from '../api/object.ts';

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
export interface ClusterSnapshot {
  namespaces: KubeObject[];
  services: KubeObject[];
  pods: KubeObject[];
  secrets: KubeObject[];
  gateways: KubeObject[];
  destinationRules: KubeObject[];
  peerAuthentications: KubeObject[];
  controlPlanes: KubeObject[];
  memberRolls: KubeObject[];
}

export const passed = (description: string): CheckResult => ({ description, result: 'success' });

export const failed = (description: string, error: string, hint: string): CheckResult => ({ description, hint, error, result: 'error' });

export const warned = (description: string, error: string, hint: string): CheckResult => ({ description, hint, error, result: 'warning' });

export function reportOf(categories: CheckCategory[]): CheckReport {
  return { success: categories.every((c) => c.checks.every((check) => check.result !== 'error')), categories };
}
