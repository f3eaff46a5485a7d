/**
 * A revision's pods as the KPA counts them (knative/serving pkg/resources/pods.go
 * PodCountsByState) and the ones it scrapes: Ready, not terminating, with an IP.
 */
import { isPodReady, podIPv4, type Pod } from '../../../api/builtin/core/pod-readiness.ts';

export interface PodCounts {
  ready: number;
  notReady: number;
  pending: number;
  terminating: number;
}

export interface ScrapeTarget {
  name: string;
  ip: string;
}

export function podCounts(pods: readonly Pod[]): PodCounts {
  const counts: PodCounts = { ready: 0, notReady: 0, pending: 0, terminating: 0 };
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) counts.terminating++;
    else if (pod.status?.phase === 'Pending') counts.pending++;
    else if (pod.status?.phase === 'Running') {
      if (isPodReady(pod)) counts.ready++;
      else counts.notReady++;
    }
  }
  return counts;
}

export function scrapeTargets(pods: readonly Pod[]): ScrapeTarget[] {
  return pods
    .filter((p) => !p.metadata.deletionTimestamp && p.status?.phase === 'Running' && isPodReady(p) && podIPv4(p) !== '')
    .map((p) => ({ name: p.metadata.name ?? '', ip: podIPv4(p) }));
}
