/**
 * The rollout state a KIngress carries in `networking.internal.knative.dev/rollout`
 * (knative/serving pkg/reconciler/route/traffic/rollout.go). skiff does not step gradual
 * rollouts (rollout-duration): the state is always the settled one — each configuration
 * target with its one current revision — serialised as upstream's JSON, so the annotation
 * reads the same as on a Knative cluster whose rollout-duration is 0.
 */
import type { RevisionTarget, TrafficConfig } from './traffic.ts';

export interface ConfigurationRollout {
  configurationName: string;
  tag?: string;
  percent: number;
  revisions?: Array<{ revisionName: string; percent: number }>;
  stepParams: Record<string, never>;
}

export interface Rollout {
  configurations?: ConfigurationRollout[];
}

/** BuildRollout: latest-revision targets with traffic, sorted by tag then configuration. */
export function buildRollout(tc: TrafficConfig): Rollout {
  const configurations: ConfigurationRollout[] = [];
  for (const [tag, targets] of tc.targets) {
    for (const t of targets as RevisionTarget[]) {
      if (t.latestRevision !== true || t.percent === 0) continue;
      configurations.push({
        configurationName: t.configurationName ?? '',
        ...(tag !== '' ? { tag } : {}),
        percent: t.percent,
        revisions: [{ revisionName: t.revisionName, percent: t.percent }],
        stepParams: {},
      });
    }
  }
  configurations.sort((a, b) => cmp(a.tag ?? '', b.tag ?? '') || cmp(a.configurationName, b.configurationName));
  return configurations.length > 0 ? { configurations } : {};
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Go's json.Marshal of the Rollout (field order as the struct declares it). */
export function serializeRollout(ro: Rollout): string {
  return JSON.stringify(ro);
}
