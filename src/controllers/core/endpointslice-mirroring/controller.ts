/**
 * Wires the EndpointSlice mirroring controller (kube-controller-manager's
 * endpointslice-mirroring-controller): informers on Endpoints, Services and the slices it
 * manages (label `endpointslice.kubernetes.io/managed-by=endpointslicemirroring-controller.k8s.io`),
 * one work item per Endpoints key. A Service wakes its Endpoints when it appears or goes
 * without a selector, or when its selector comes or goes; a mirrored slice changed or
 * deleted by someone else wakes its Endpoints, which puts it back. Creates are not in the
 * cache at once, so an Endpoints is not synced again until the slices it created have been
 * seen (expectations, as the EndpointSlice controller keeps them).
 */
import { ENDPOINT_SLICE, MANAGED_BY_LABEL, SERVICE, SERVICE_NAME_LABEL, serviceSelector, type EndpointSlice, type Service } from '../../../api/builtin/core/service-view.ts';
import { Controller } from '../../../client/controller.ts';
import { Informer, objectKeyOf } from '../../../client/informer.ts';
import type { Client } from '../../../client/types.ts';
import type { EventRecorder } from '../../../runtime/events/recorder.ts';
import type { Logger } from '../../../util/log.ts';
import { ENDPOINTS, type Endpoints } from '../endpoints/resources/endpoints.ts';
import { syncMirroredSlices } from './reconcile.ts';
import { MIRRORING_CONTROLLER_NAME, shouldMirror } from './resources/desired.ts';

const EXPECTATION_TTL_MS = 30_000;

export interface MirroringOptions {
  /** --mirroring-max-endpoints-per-subset (default 1000). */
  maxEndpointsPerSubset?: number;
  /** Parallel workers (--mirroring-concurrent-service-endpoint-syncs, default 5). */
  workers?: number;
}

export async function startEndpointSliceMirroringController(client: Client, events: EventRecorder, log: Logger, opts: MirroringOptions = {}): Promise<{ stop(): Promise<void> }> {
  const endpoints = new Informer<Endpoints>(client, ENDPOINTS, {}, log);
  const services = new Informer<Service>(client, SERVICE, {}, log);
  const slices = new Informer<EndpointSlice>(client, ENDPOINT_SLICE, { labelSelector: `${MANAGED_BY_LABEL}=${MIRRORING_CONTROLLER_NAME}` }, log);
  /**
   * Slices created per Endpoints key and not yet seen by the informer, with when they were
   * created: an expectation older than EXPECTATION_TTL_MS no longer holds the key back
   * (client-go's expectations expire too), so a lost watch event cannot wedge it.
   */
  const pendingCreates = new Map<string, Map<string, number>>();
  const stillPending = (key: string) => {
    const pending = pendingCreates.get(key);
    if (!pending) return false;
    for (const [slice, at] of pending) if (Date.now() - at > EXPECTATION_TTL_MS) pending.delete(slice);
    return pending.size > 0;
  };
  const controller = new Controller({
    name: 'endpointslice-mirroring',
    reconcile: async (key) => {
      if (stillPending(key)) return { requeueAfterMs: 1000 };
      return syncMirroredSlices({
        client,
        endpoints: (k) => endpoints.get(k),
        service: (k) => services.get(k),
        slices: (ns, name) => slices.list(ns).filter((s) => s.metadata.labels?.[SERVICE_NAME_LABEL] === name),
        created: (slice) => {
          if (slices.get(objectKeyOf(slice))) return;
          const pending = pendingCreates.get(key) ?? new Map<string, number>();
          pending.set(objectKeyOf(slice), Date.now());
          pendingCreates.set(key, pending);
        },
        warn: (ep, reason, message) => events.event({ ...ENDPOINTS, name: ep.metadata.name!, namespace: ep.metadata.namespace!, ...(ep.metadata.uid ? { uid: ep.metadata.uid } : {}) }, 'Warning', reason, message),
        ...(opts.maxEndpointsPerSubset !== undefined ? { maxEndpointsPerSubset: opts.maxEndpointsPerSubset } : {}),
      }, key);
    },
  }, log);
  const enqueue = (key: string) => controller.enqueue(key);
  const selectorless = (svc: Service) => serviceSelector(svc) === undefined;
  const endpointsKeyOf = (s: EndpointSlice) => `${s.metadata.namespace}/${s.metadata.labels?.[SERVICE_NAME_LABEL] ?? ''}`;

  endpoints.addHandlers({
    add: (ep) => {
      if (shouldMirror(ep)) enqueue(objectKeyOf(ep));
    },
    // Either side mirrored: a skip-mirror label added must clean up what was mirrored.
    update: (old, ep) => {
      if (shouldMirror(old) || shouldMirror(ep)) enqueue(objectKeyOf(ep));
    },
    delete: (ep) => {
      pendingCreates.delete(objectKeyOf(ep));
      if (shouldMirror(ep)) enqueue(objectKeyOf(ep));
    },
  });
  services.addHandlers({
    add: (svc) => {
      if (selectorless(svc)) enqueue(objectKeyOf(svc));
    },
    update: (old, svc) => {
      if (selectorless(old) !== selectorless(svc)) enqueue(objectKeyOf(svc));
    },
    delete: (svc) => {
      if (selectorless(svc)) enqueue(objectKeyOf(svc));
    },
  });
  slices.addHandlers({
    add: (s) => {
      const key = endpointsKeyOf(s);
      const pending = pendingCreates.get(key);
      if (pending?.delete(objectKeyOf(s)) && pending.size === 0) pendingCreates.delete(key);
      // A mirrored slice nobody here created (left from before a restart, or copied) is checked too.
      enqueue(key);
    },
    update: (old, s) => {
      // Someone relabelled the slice to another service: both Endpoints need a look.
      if (old.metadata.labels?.[SERVICE_NAME_LABEL] !== s.metadata.labels?.[SERVICE_NAME_LABEL]) enqueue(endpointsKeyOf(old));
      enqueue(endpointsKeyOf(s));
    },
    delete: (s) => {
      pendingCreates.get(endpointsKeyOf(s))?.delete(objectKeyOf(s));
      enqueue(endpointsKeyOf(s));
    },
  });
  await slices.start();
  await services.start();
  await endpoints.start();
  controller.run(opts.workers ?? 5);
  return {
    stop: async () => {
      endpoints.stop();
      services.stop();
      slices.stop();
      await controller.stop();
    },
  };
}
