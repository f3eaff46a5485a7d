/**
 * A revision's pods as the KPA counts them (knative/serving pkg/resources/pods.go
 * PodCountsByState) and the ones it scrapes: Ready, not terminating, with an IP; and the
 * autoscaler pod whose mesh identity the scrapes carry.
 */
import { isPodReady, podIPv4, type Pod } from '../../../api/builtin/core/pod-readiness.ts';
import { meshSourceOf } from '../../../dataplane/activator/pod-connection.ts';

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

/**
 * The autoscaler pod the scraper speaks as in the mesh (skiff's KPA runs in its main process,
 * for the `autoscaler` Deployment's pods): a Running, not terminating one with an IP, the
 * first by name so the choice is stable. Its namespace and service account (Kubernetes'
 * default `default`) are the scrape's identity; its IP is the scrape's source address.
 */
export function autoscalerIdentity(pods: readonly Pod[]): { namespace: string; serviceAccount: string; ip: string } | undefined {
  const running = pods
    .filter((p) => !p.metadata.deletionTimestamp && p.status?.phase === 'Running' && podIPv4(p) !== '')
    .sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  const pod = running[0];
  if (!pod) return undefined;
  return { ...meshSourceOf(pod), ip: podIPv4(pod) };
}
