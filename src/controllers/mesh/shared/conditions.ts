/**
 * Conditions as Maistra's status types set them: a condition keeps its
 * lastTransitionTime while its status stays the same (even when reason or message
 * change), and takes `now` (to the second) when the status flips or it is new.
 */
import type { Condition } from '../../../api/object.ts';

export type ConditionStatus = Condition['status'];

export interface MeshCondition {
  type: string;
  status: ConditionStatus;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export function getCondition(conditions: readonly MeshCondition[] | undefined, type: string): MeshCondition {
  return conditions?.find((c) => c.type === type) ?? { type, status: 'Unknown' };
}

/** Returns the list with `next` set (order kept; appended when new). Empty reason/message are dropped, as Go's omitempty does. */
export function setCondition(conditions: readonly MeshCondition[] | undefined, next: MeshCondition, now: Date): MeshCondition[] {
  const stamp = now.toISOString().replace(/\.\d+Z$/, 'Z');
  const out = [...(conditions ?? [])];
  const i = out.findIndex((c) => c.type === next.type);
  const prev = i >= 0 ? out[i] : undefined;
  const condition: MeshCondition = {
    type: next.type,
    status: next.status,
    ...(next.reason ? { reason: next.reason } : {}),
    ...(next.message ? { message: next.message } : {}),
    lastTransitionTime: prev && prev.status === next.status && prev.lastTransitionTime ? prev.lastTransitionTime : stamp,
  };
  if (i >= 0) out[i] = condition;
  else out.push(condition);
  return out;
}

/** Whether the condition already says this (status, reason and message). */
export function conditionMatches(c: MeshCondition, status: ConditionStatus, reason?: string, message?: string): boolean {
  return c.status === status && (c.reason ?? '') === (reason ?? '') && (c.message ?? '') === (message ?? '');
}

/** Go's `%v` of a string slice: `[a b c]`. */
export function goList(items: readonly string[]): string {
  return `[${items.join(' ')}]`;
}
