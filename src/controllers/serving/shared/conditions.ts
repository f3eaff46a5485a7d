/**
 * Knative's condition manager (knative.dev/pkg apis.ConditionManager over a living
 * ConditionSet): `Ready` follows its dependents — True when all are True, False as soon as
 * one is False (with that one's reason and message), Unknown otherwise. Informational
 * conditions (a Revision's `Active`) carry severity `Info` and never touch Ready.
 *
 * As upstream: conditions are kept sorted by type; a condition's lastTransitionTime changes
 * whenever its status, reason, message or severity changes, and not otherwise, so a
 * converged reconcile rewrites nothing.
 */
import type { Condition } from '../../../api/object.ts';
import type { ConditionSet } from '../../../api/knative/conditions.ts';

export type ConditionStatus = Condition['status'];

export class KnativeConditions {
  readonly #set: ConditionSet;
  readonly #now: () => Date;
  #conditions: Condition[];

  constructor(set: ConditionSet, conditions: readonly Condition[] | undefined, now: () => Date = () => new Date()) {
    this.#set = set;
    this.#now = now;
    this.#conditions = (conditions ?? []).map((c) => ({ ...c }));
  }

  /** The conditions, sorted by type as Knative writes them. */
  get list(): Condition[] {
    return [...this.#conditions].sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  }

  get(type: string): Condition | undefined {
    return this.#conditions.find((c) => c.type === type);
  }

  isTrue(type: string): boolean {
    return this.get(type)?.status === 'True';
  }

  isHappy(): boolean {
    return this.isTrue(this.#set.happy);
  }

  /** Ready and every dependent start Unknown when absent (InitializeConditions). */
  initialize(): this {
    if (!this.get(this.#set.happy)) this.#put({ type: this.#set.happy, status: 'Unknown' });
    for (const d of this.#set.dependents) if (!this.get(d)) this.#put({ type: d, status: 'Unknown' });
    return this;
  }

  markTrue(type: string, reason?: string, message?: string): this {
    this.#put({ type, status: 'True', reason, message });
    if (this.#isDependent(type) && this.#set.dependents.every((d) => this.isTrue(d))) this.#put({ type: this.#set.happy, status: 'True' });
    return this;
  }

  markFalse(type: string, reason: string, message: string): this {
    this.#put({ type, status: 'False', reason, message });
    if (this.#isDependent(type)) this.#put({ type: this.#set.happy, status: 'False', reason, message });
    return this;
  }

  markUnknown(type: string, reason: string, message: string): this {
    this.#put({ type, status: 'Unknown', reason, message });
    if (!this.#isDependent(type)) return this;
    // A False dependent elsewhere keeps Ready False (upstream: "unknown ... unless another is false").
    const otherFalse = this.#set.dependents.find((d) => d !== type && this.get(d)?.status === 'False');
    if (otherFalse) {
      const c = this.get(otherFalse)!;
      this.#put({ type: this.#set.happy, status: 'False', reason: c.reason, message: c.message });
    } else {
      this.#put({ type: this.#set.happy, status: 'Unknown', reason, message });
    }
    return this;
  }

  /** Copies another object's condition (status, reason, message) onto `type` (e.g. ConfigurationsReady ← Configuration Ready). */
  propagate(type: string, from: Condition | undefined, fallback: { reason: string; message: string }): this {
    if (!from || from.status === 'Unknown') return this.markUnknown(type, from?.reason ?? fallback.reason, from?.message ?? fallback.message);
    if (from.status === 'True') return this.markTrue(type);
    return this.markFalse(type, from.reason ?? fallback.reason, from.message ?? fallback.message);
  }

  #isDependent(type: string): boolean {
    return this.#set.dependents.includes(type);
  }

  #put(next: { type: string; status: ConditionStatus; reason?: string; message?: string }): void {
    const severity = this.#set.informational.includes(next.type) ? 'Info' : undefined;
    const condition: Condition = {
      type: next.type,
      status: next.status,
      ...(severity ? { severity } : {}),
      ...(next.reason ? { reason: next.reason } : {}),
      ...(next.message ? { message: next.message } : {}),
    };
    const i = this.#conditions.findIndex((c) => c.type === next.type);
    const prev = i >= 0 ? this.#conditions[i] : undefined;
    const same = prev && prev.status === condition.status && (prev.reason ?? '') === (condition.reason ?? '') &&
      (prev.message ?? '') === (condition.message ?? '') && (prev.severity ?? '') === (condition.severity ?? '');
    condition.lastTransitionTime = same && prev.lastTransitionTime ? prev.lastTransitionTime : this.#now().toISOString().replace(/\.\d+Z$/, 'Z');
    if (i >= 0) this.#conditions[i] = condition;
    else this.#conditions.push(condition);
  }
}
