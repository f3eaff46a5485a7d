/**
 * The activator data plane in `skiff up`: skiff's main process plays the activator for every
 * `activator` pod in knative-serving (label app=activator; the pod itself runs a placeholder
 * program), listening on the pod's own IP at :8012 (requests) and :9090 (metrics), as the
 * gateway proxies do for gateway pods (mesh-dataplane.ts). It watches, through the Client
 * only, those pods, every Revision (containerConcurrency, timeoutSeconds, labels) and the
 * EndpointSlices of each revision's private Service (its pods, ready or not), and pushes each
 * revision's settings to every activator. The backends pushed are the ready pods plus the
 * not-ready ones that passed the activator's own probe (one backends manager for all the
 * activators, as they run in one process): a revision coming back from zero is served as
 * soon as its queue-proxy answers, not when the kubelet next probes it. A deleted activator pod stops accepting and drains
 * within its grace period (upstream's activator grace is 600s, the longest revision timeout).
 * With the mesh's `meshTls`, each activator reaches revision pods as its sidecar would (Istio
 * mTLS with its pod's identity, `spec.serviceAccountName`, from its pod IP), and so do the
 * readiness probes (as a running activator pod).
 */
import { isPodActive, podIPv4, type Pod } from '../api/builtin/core/pod-readiness.ts';
import { ENDPOINT_SLICE, type EndpointSlice } from '../api/builtin/core/service-view.ts';
import type { KubeObject } from '../api/object.ts';
import { Informer } from '../client/informer.ts';
import type { Client } from '../client/types.ts';
import { KINDS, SERVING_NAMESPACE, type StatSink } from '../controllers/serving/shared/contracts.ts';
import { Activator, type RevisionSettings } from '../dataplane/activator/activator.ts';
import { RevisionBackendsManager } from '../dataplane/activator/backends-manager.ts';
import { meshSourceOf, type PodCaller } from '../dataplane/activator/pod-connection.ts';
import type { MeshClientTls } from '../dataplane/mesh-tls/types.ts';
import { privateServiceName, revisionDests, revisionSettings, slicesByService, type RevisionObject } from '../dataplane/activator/revision-backends.ts';
import type { Logger } from '../util/log.ts';
import type { ComponentHealth } from './types.ts';
import { DebouncedRunner } from '../util/debounced-runner.ts';

/** Short: a revision's first pod becoming ready is what held requests wait for. */
const DEBOUNCE_MS = 10;
const DEFAULT_GRACE_SECONDS = 30;
export const ACTIVATOR_LABEL_SELECTOR = 'app=activator';

export interface RunningActivatorDataPlane {
  stop(): Promise<void>;
  health(): ComponentHealth[];
  /** Resolves once the latest change has been pushed (tests). */
  settled(): Promise<void>;
  /** The running activators' addresses (tests, status). */
  activators(): Array<{ pod: string; address: string; port: number; listening: boolean; inFlight: number; draining: boolean }>;
}

interface Instance {
  pod: Pod;
  activator: Activator;
  listening: Promise<boolean>;
  /** False once listening failed (the address or port is taken). */
  ok: boolean;
  draining?: Promise<void>;
}

interface DesiredRevision {
  namespace: string;
  name: string;
  settings: RevisionSettings;
}

export interface ActivatorDataPlaneOptions {
  /** Tests: ports other than 8012 / 9090 (0 = any free port). */
  port?: number;
  metricsPort?: number | null;
  /** Tests: how often not-ready pods are probed (default 200 ms, as upstream). */
  probeIntervalMs?: number;
  /** The mesh's auto mTLS (createMeshClientTls); absent, the activators reach pods in plaintext. */
  meshTls?: MeshClientTls;
  /**
   * Where an activator pod's activator listens (default its pod IP). A meshed activator pod
   * whose pod IP a sidecar holds (it terminates the gateways' mTLS) listens on its inner
   * address instead; pod connections still leave from the pod IP, as a sidecar's would.
   */
  listenAddress?: (pod: Pod, podIP: string) => string;
}


export async function startActivatorDataPlane(client: Client, log: Logger, sink: StatSink, opts: ActivatorDataPlaneOptions = {}): Promise<RunningActivatorDataPlane> {
  const pods = new Informer<Pod>(client, KINDS.pod, { namespace: SERVING_NAMESPACE, labelSelector: ACTIVATOR_LABEL_SELECTOR }, log);
  const revisions = new Informer<RevisionObject>(client, KINDS.revision, {}, log);
  const slices = new Informer<EndpointSlice>(client, ENDPOINT_SLICE, {}, log);
  const all: Informer<KubeObject>[] = [pods, revisions, slices] as Informer<KubeObject>[];
  const instances = new Map<string, Instance>();
  let stopped = false;

  const keyOf = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
  /** The probes are shared by all the activators (one process): they go as any one serving now. */
  const probeCaller = (): PodCaller | undefined => {
    for (const inst of instances.values()) if (inst.ok && !inst.draining && inst.activator.caller) return inst.activator.caller;
    return undefined;
  };
  const backends = new RevisionBackendsManager({
    caller: probeCaller,
    // A probe found a pod ready: push that revision alone, at once (requests are waiting for
    // it), to draining activators too (they still hold requests).
    onChange: (key) => {
      const rev = revisions.get(key);
      if (stopped || !rev) return;
      const settings = revisionSettings(rev, backends.backends(key));
      for (const inst of instances.values()) inst.activator.updateRevision(rev.metadata.namespace ?? '', rev.metadata.name ?? '', settings);
    },
    held: (key) => {
      const [ns = '', name = ''] = key.split('/');
      return [...instances.values()].reduce((n, i) => n + i.activator.held(ns, name), 0);
    },
    ...(opts.probeIntervalMs !== undefined ? { intervalMs: opts.probeIntervalMs } : {}),
  });

  const drain = (key: string, inst: Instance, deadlineMs: number) => {
    if (inst.draining) return;
    log.info({ pod: key, deadlineMs }, 'activator pod terminating: draining');
    inst.draining = inst.activator.close(deadlineMs).catch((err: unknown) => log.warn({ err, pod: key }, 'activator: drain failed')).finally(() => {
      if (instances.get(key) === inst) instances.delete(key);
    });
  };

  const startInstance = (key: string, pod: Pod, podIP: string, address: string): Instance => {
    const activator = new Activator({
      host: address, localAddress: podIP, podName: pod.metadata.name ?? '', sink, port: opts.port, metricsPort: opts.metricsPort,
      onHold: (namespace, revision) => backends.kick(`${namespace}/${revision}`),
      ...(opts.meshTls ? { meshTls: opts.meshTls, meshSource: meshSourceOf(pod) } : {}),
    });
    const inst: Instance = { pod, activator, listening: Promise.resolve(true), ok: true };
    inst.listening = activator.listen().then(() => true, (err: unknown) => {
      log.error({ err, pod: key, address }, 'activator: cannot listen on the pod address');
      inst.ok = false;
      return false;
    });
    log.info({ pod: key, address }, 'activator started');
    return inst;
  };

  /** Every revision's settings, after handing its endpoints to the backends manager (which forgets vanished revisions). */
  const desiredRevisions = () => {
    const byService = slicesByService(slices.list());
    const out = new Map<string, DesiredRevision>();
    for (const rev of revisions.list()) {
      const key = keyOf(rev);
      const namespace = rev.metadata.namespace ?? '';
      const name = rev.metadata.name ?? '';
      backends.update(key, revisionDests(byService.get(`${namespace}/${privateServiceName(name)}`) ?? []));
      out.set(key, { namespace, name, settings: revisionSettings(rev, backends.backends(key)) });
    }
    for (const key of backends.revisions()) if (!out.has(key)) backends.remove(key);
    return out;
  };

  /** Pushes every revision (and removes vanished ones) on one activator. */
  const push = (activator: Activator, desired: Map<string, DesiredRevision>) => {
    for (const { namespace, name, settings } of desired.values()) activator.updateRevision(namespace, name, settings);
    for (const key of activator.revisions()) {
      if (desired.has(key)) continue;
      const [ns = '', name = ''] = key.split('/');
      activator.removeRevision(ns, name);
    }
  };

  const reconcile = () => {
    const desired = desiredRevisions();
    const seen = new Set<string>();
    for (const pod of pods.list()) {
      const key = `${pod.metadata.namespace}/${pod.metadata.name}/${pod.metadata.uid}`;
      let inst = instances.get(key);
      seen.add(key);
      if (!isPodActive(pod)) {
        const grace = pod.metadata.deletionGracePeriodSeconds ?? (pod.spec?.terminationGracePeriodSeconds as number | undefined) ?? DEFAULT_GRACE_SECONDS;
        if (inst) drain(key, inst, pod.metadata.deletionTimestamp ? grace * 1_000 : 0);
        continue;
      }
      const podIP = podIPv4(pod);
      if (pod.status?.phase !== 'Running' || podIP === '' || inst?.draining) continue;
      const address = opts.listenAddress?.(pod, podIP) ?? podIP;
      if (inst && inst.activator.host !== address) {
        drain(key, inst, 0);
        inst = undefined;
      }
      if (!inst) {
        inst = startInstance(key, pod, podIP, address);
        instances.set(key, inst);
      }
      inst.pod = pod;
      push(inst.activator, desired);
    }
    for (const [key, inst] of instances) if (!seen.has(key)) drain(key, inst, 0);
  };

  const loop = new DebouncedRunner(reconcile, DEBOUNCE_MS, (err) => log.error({ err }, 'activator data plane reconcile failed'));
  const changed = () => loop.changed();
  const handlers = { add: changed, update: changed, delete: changed };
  try {
    for (const i of all) {
      i.addHandlers(handlers);
      await i.start();
    }
  } catch (err) {
    for (const i of all) i.stop();
    throw err;
  }
  loop.runNow();

  const activators = () => [...instances.values()].map((i) => ({
    pod: `${i.pod.metadata.namespace}/${i.pod.metadata.name}`, address: i.activator.host, port: i.activator.port, listening: i.ok, inFlight: i.activator.inFlight, draining: i.draining !== undefined,
  }));
  return {
    activators,
    health: () => {
      const list = activators();
      const text = list.map((a) => `${a.pod} ${a.address}${a.listening ? '' : ' (cannot listen)'}${a.inFlight > 0 ? ` ${a.inFlight} in flight` : ''}${a.draining ? ' draining' : ''}`).join('; ');
      return [{ name: 'activator', healthy: list.every((a) => a.listening), message: list.length === 0 ? 'no activator pods' : text }];
    },
    settled: async () => {
      await loop.settled();
      await Promise.all([...instances.values()].map((i) => i.listening));
    },
    stop: async () => {
      stopped = true;
      const stopping = loop.stop();
      backends.stop();
      for (const i of all) i.stop();
      await stopping;
      await Promise.all([...instances.values()].map((i) => i.draining ?? i.activator.close(0)));
      instances.clear();
    },
  };
}
