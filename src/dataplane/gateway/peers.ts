/**
 * The workload labels a gateway's telemetry carries. A gateway reports as Istio's `source`
 * (standard metrics: "source if it is from a client Istio proxy or a gateway"), so its own
 * workload is the source peer; the destination peer is the endpoint the request went to,
 * described from its pod's labels as istiod's endpoint metadata does.
 */
import type { Pod } from '../../api/builtin/core/pod-readiness.ts';
import type { Endpoint } from '../config/model.ts';
import type { WorkloadPeer } from '../request-record.ts';

const CANONICAL_NAME = 'service.istio.io/canonical-name';
const CANONICAL_REVISION = 'service.istio.io/canonical-revision';

/** `hello-7d9f8b6c5-x2x4q` → `hello` (a ReplicaSet's pod), else the pod's own name. */
export function workloadNameOf(podName: string): string {
  const m = /^(.+)-[a-z0-9]{5,10}-[a-z0-9]{5}$/.exec(podName);
  return m ? m[1]! : podName;
}

function labelPeer(labels: Readonly<Record<string, string>>, workload: string, namespace: string): WorkloadPeer {
  const app = labels.app ?? labels['app.kubernetes.io/name'];
  const version = labels.version ?? labels['app.kubernetes.io/version'];
  return {
    workload, namespace,
    ...(app ? { app } : {}),
    ...(version ? { version } : {}),
    canonicalService: labels[CANONICAL_NAME] ?? app ?? workload,
    ...(labels[CANONICAL_REVISION] ?? version ? { canonicalRevision: labels[CANONICAL_REVISION] ?? version } : {}),
  };
}

/** The gateway pod itself: ISTIO_META_WORKLOAD_NAME names its Deployment (Maistra's charts set it). */
export function gatewayPeerOf(pod: Pod, trustDomain: string | undefined): WorkloadPeer {
  const env = ((pod.spec?.containers ?? []) as { env?: { name: string; value?: string }[] }[]).flatMap((c) => c.env ?? []);
  const workload = env.find((e) => e.name === 'ISTIO_META_WORKLOAD_NAME')?.value ?? workloadNameOf(pod.metadata.name ?? '');
  const namespace = pod.metadata.namespace ?? '';
  const serviceAccount = typeof pod.spec?.serviceAccountName === 'string' ? pod.spec.serviceAccountName : 'default';
  return { ...labelPeer(pod.metadata.labels ?? {}, workload, namespace), ...(trustDomain ? { principal: `spiffe://${trustDomain}/ns/${namespace}/sa/${serviceAccount}` } : {}) };
}

export function endpointPeerOf(e: Endpoint): WorkloadPeer {
  return labelPeer(e.labels, workloadNameOf(e.podName ?? e.address), e.namespace ?? '');
}
