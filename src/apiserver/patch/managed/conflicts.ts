/**
 * Server-side-apply conflicts and the 409 kube-apiserver answers with
 * (apimachinery managedfields/internal/conflict.go): one cause per field, reason
 * FieldManagerConflict, and the message kubectl prints before its --force-conflicts advice.
 */
import { compareGoStrings } from '../../../api/schema/go-format.ts';
import { SkiffError } from '../../../errors/skiff-error.ts';
import { describeManager } from './managers.ts';

export interface Conflict {
  /** The other manager's name, as its writes gave `fieldManager`. */
  manager: string;
  operation: 'Apply' | 'Update';
  /** The API version the other manager wrote with (shown for Update managers). */
  apiVersion: string;
  subresource?: string;
  /** The field in structured-merge-diff notation, e.g. `.spec.replicas`, `.spec.ports[port=80,protocol="TCP"].targetPort`. */
  field: string;
}

/** `"kubectl"`, `"mgr" using apps/v1`, `"mgr" with subresource "status" using v1`. */
export function describeConflictManager(c: Conflict): string {
  return describeManager(c);
}

function managerSortKey(c: Conflict): string {
  return [c.manager, c.operation, c.apiVersion, c.subresource ?? ''].join('\u0000');
}

/** `Apply failed with 1 conflict: conflict with "mgr": .spec.x`, or the grouped N-conflict form. */
export function formatApplyConflictMessage(conflicts: readonly Conflict[]): string {
  if (conflicts.length === 1) {
    const c = conflicts[0]!;
    return `Apply failed with 1 conflict: conflict with ${describeConflictManager(c)}: ${c.field}`;
  }
  const byManager = new Map<string, Conflict[]>();
  for (const c of conflicts) {
    const key = managerSortKey(c);
    byManager.set(key, [...(byManager.get(key) ?? []), c]);
  }
  const lines: string[] = [];
  for (const key of [...byManager.keys()].sort(compareGoStrings)) {
    const group = byManager.get(key)!;
    lines.push(`conflicts with ${describeConflictManager(group[0]!)}:`);
    for (const c of group) lines.push(`- ${c.field}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

/** The 409 Conflict for an apply that touched other managers' fields without force. */
export function applyConflictError(conflicts: readonly Conflict[]): SkiffError {
  return new SkiffError('SKF_API_CONFLICT', formatApplyConflictMessage(conflicts), {
    details: {
      status: {
        causes: conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${describeConflictManager(c)}`, field: c.field })),
      },
    },
  });
}
