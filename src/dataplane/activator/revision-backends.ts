/**
 * What every activator is told about a revision, from the cluster's objects (pure): its
 * containerConcurrency and timeoutSeconds from the Revision spec, its metric labels, and its
 * ready pods from the EndpointSlices of its private Service `<rev>-private` (selector on the
 * revision UID), port `http` (queue-proxy's 8012), split into ready and not-yet-ready pods as
 * upstream's activator reads them (pkg/activator/net/revision_backends.go). The not-ready
 * ones are probed by the backends manager (backends-manager.ts), which turns the two lists
 * into the backends actually used.
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

/** A revision's pods as its private Service's endpoints list them. */
export interface RevisionDests {
  ready: Backend[];
  /** Pods not (yet) ready: worth probing, as upstream's Endpoints notReadyAddresses. */
  notReady: Backend[];
}

/**
 * The slices' endpoints, split by readiness (an absent `ready` means ready, as in
 * Kubernetes), deduplicated, each list in a stable order. Terminating pods are left out:
 * they are on their way out, as Endpoints (what upstream reads) leaves them out.
 */
export function revisionDests(slices: readonly EndpointSlice[]): RevisionDests {
  const ready = new Map<string, Backend>();
  const notReady = new Map<string, Backend>();
  for (const slice of slices) {
    if (slice.addressType !== 'IPv4') continue;
    const port = slice.ports?.find((p) => p.name === 'http')?.port ?? PORTS.queueHttp;
    for (const ep of slice.endpoints ?? []) {
      const isReady = ep.conditions?.ready !== false;
      if (!isReady && ep.conditions?.terminating === true) continue;
      for (const ip of ep.addresses) (isReady ? ready : notReady).set(`${ip}:${port}`, { ip, port });
    }
  }
  for (const dest of ready.keys()) notReady.delete(dest);
  return { ready: sortedBackends(ready), notReady: sortedBackends(notReady) };
}

/** Ready endpoints of the slices, deduplicated, in a stable order. */
export function readyBackends(slices: readonly EndpointSlice[]): Backend[] {
  return revisionDests(slices).ready;
}

function sortedBackends(byDest: ReadonlyMap<string, Backend>): Backend[] {
  return [...byDest.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, b]) => b);
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

/** The revision's settings with the backends to use (ready pods, and not-ready ones that passed a probe). */
export function revisionSettings(revision: RevisionObject, backends: readonly Backend[]): RevisionSettings {
  const labels = revision.metadata.labels ?? {};
  const cc = revision.spec?.containerConcurrency;
  const timeout = revision.spec?.timeoutSeconds;
  return {
    containerConcurrency: typeof cc === 'number' && cc > 0 ? cc : 0,
    timeoutSeconds: typeof timeout === 'number' && timeout > 0 ? timeout : DEFAULT_TIMEOUT_SECONDS,
    backends: [...backends],
    service: labels[ServingLabels.service] ?? '',
    configuration: labels[ServingLabels.configuration] ?? '',
  };
}
