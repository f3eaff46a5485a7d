/**
 * What every activator is told about a revision, from the cluster's objects (pure): its
 * containerConcurrency and timeoutSeconds from the Revision spec, its metric labels, and its
 * ready pods from the EndpointSlices of its private Service `<rev>-private` (selector on the
 * revision UID), port `http` (queue-proxy's 8012). Upstream's activator reads the same
 * endpoints (pkg/activator/net/revision_backends.go) and additionally probes each pod; here
 * the pod's readiness, which queue-proxy's readiness probe drives, stands in for the probe.
 */
import { SERVICE_NAME_LABEL, type EndpointSlice } from '../../api/builtin/core/service-view.ts';
import { ServingLabels } from '../../api/knative/serving/keys.ts';
import type { KubeObject } from '../../api/object.ts';
import { PORTS } from '../../controllers/serving/shared/contracts.ts';
import { DEFAULT_TIMEOUT_SECONDS, type RevisionSettings } from './activator.ts';
import type { Backend } from './revision-throttler.ts';

export interface RevisionObject extends KubeObject {
  spec?: { containerConcurrency?: number | null; timeoutSeconds?: number | null; [field: string]: unknown };
}

/** names.PrivateService. */
export function privateServiceName(revision: string): string {
  return `${revision}-private`;
}

/** Ready endpoints of the slices (an absent `ready` means ready, as in Kubernetes), deduplicated, in a stable order. */
export function readyBackends(slices: readonly EndpointSlice[]): Backend[] {
  const seen = new Map<string, Backend>();
  for (const slice of slices) {
    if (slice.addressType !== 'IPv4') continue;
    const port = slice.ports?.find((p) => p.name === 'http')?.port ?? PORTS.queueHttp;
    for (const ep of slice.endpoints ?? []) {
      if (ep.conditions?.ready === false) continue;
      for (const ip of ep.addresses) seen.set(`${ip}:${port}`, { ip, port });
    }
  }
  return [...seen.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, b]) => b);
}

/** Slices grouped by `namespace/service` (the kubernetes.io/service-name label). */
export function slicesByService(slices: readonly EndpointSlice[]): Map<string, EndpointSlice[]> {
  const out = new Map<string, EndpointSlice[]>();
  for (const s of slices) {
    const service = s.metadata.labels?.[SERVICE_NAME_LABEL];
    if (!service) continue;
    const key = `${s.metadata.namespace}/${service}`;
    out.set(key, [...(out.get(key) ?? []), s]);
  }
  return out;
}

export function revisionSettings(revision: RevisionObject, slices: readonly EndpointSlice[]): RevisionSettings {
  const labels = revision.metadata.labels ?? {};
  const cc = revision.spec?.containerConcurrency;
  const timeout = revision.spec?.timeoutSeconds;
  return {
    containerConcurrency: typeof cc === 'number' && cc > 0 ? cc : 0,
    timeoutSeconds: typeof timeout === 'number' && timeout > 0 ? timeout : DEFAULT_TIMEOUT_SECONDS,
    backends: readyBackends(slices),
    service: labels[ServingLabels.service] ?? '',
    configuration: labels[ServingLabels.configuration] ?? '',
  };
}
