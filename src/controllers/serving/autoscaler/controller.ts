/**
 * The KPA (upstream's autoscaler Deployment: multiscaler, metric collector and the kpa
 * reconciler, in one place): informers on PodAutoscalers, ServerlessServices, revision
 * pods and the knative-serving ConfigMaps; a scrape loop (every `scrapeMs`, 1 s) reading
 * each ready revision pod's queue-proxy :9090; a decision loop (every `tickMs`, 2 s) that
 * wakes a PodAutoscaler when its decider changed its mind; and the `StatSink` the activator
 * reports to (its `poke` decides at once, so scale-from-zero does not wait for a tick).
 * With the mesh's `meshTls`, scrapes go as the autoscaler pod's sidecar would send them:
 * Istio mTLS with that pod's identity where the revision pod's sidecar wants it, from its IP.
 */
import type { Pod } from '../../../api/builtin/core/pod-readiness.ts';
import type { KubeObject } from '../../../api/object.ts';
import { ServingLabels } from '../../../api/knative/serving/keys.ts';
import { Controller } from '../../../client/controller.ts';
import { Informer, objectKeyOf } from '../../../client/informer.ts';
import type { Client } from '../../../client/types.ts';
import type { MeshCaller } from '../../../dataplane/activator/pod-connection.ts';
import type { MeshClientTls, MeshSource } from '../../../dataplane/mesh-tls/types.ts';
import { involvedObjectOf, type EventRecorder } from '../../../runtime/events/recorder.ts';
import type { Logger } from '../../../util/log.ts';
import { HEADERS, KINDS, SERVING_NAMESPACE, type Stat, type StatSink } from '../shared/contracts.ts';
import { ACTIVATOR_PROBE_BODY, activatorInPath, endpointTargets } from './activator-probe.ts';
import { type AutoscalerConfig, autoscalerConfigFromData, defaultAutoscalerConfig } from './config.ts';
import { TICK_MS } from './decider.ts';
import { AutoscalerMetrics, revisionMetricsInput } from './metrics-autoscaler.ts';
import { autoscalerIdentity, podCounts, scrapeTargets } from './pods.ts';
import { isKpa, type PodAutoscaler, reconcilePodAutoscaler } from './reconcile.ts';
import type { RevisionScaler } from './revision-scaler.ts';
import { getFromPod, scrapePod } from './scrape.ts';
import type { ServerlessService } from './sks.ts';

export interface AutoscalerOptions {
  now?: () => Date;
  /** Decision period (2 s upstream). */
  tickMs?: number;
  /** Scrape period (1 s upstream). */
  scrapeMs?: number;
  /** Per-pod scrape timeout (default: 80% of scrapeMs, at most 1 s). */
  scrapeTimeoutMs?: number;
  /** The queue-proxy metrics port (9090); tests point it elsewhere. */
  metricsPort?: number;
  /** Whether the activator answers for a revision's public Service (default: HTTP probe of its Endpoints). */
  activatorInPath?: (namespace: string, serviceName: string) => Promise<boolean>;
  /** The mesh's auto mTLS (createMeshClientTls); absent, pods are scraped in plaintext. */
  meshTls?: MeshClientTls;
  /**
   * The scrape identity while no autoscaler pod (knative-serving, app=autoscaler) runs to
   * lend its own; default the serving operator's: knative-serving's `controller` account.
   */
  meshSource?: MeshSource;
}

export const AUTOSCALER_POD_SELECTOR = 'app=autoscaler';

/**
 * activator-probe.ts's `activatorInPath` as the autoscaler's sidecar would send it: a meshed
 * activator pod's sidecar refuses a plaintext probe under STRICT mTLS.
 */
export async function activatorInPathOverMesh(client: Client, namespace: string, serviceName: string, caller: MeshCaller | undefined, timeoutMs = 1000): Promise<boolean> {
  if (!serviceName) return false;
  const targets = endpointTargets(await client.get<Parameters<typeof endpointTargets>[0] & KubeObject>(KINDS.endpoints, namespace, serviceName));
  if (targets.length === 0) return false;
  const headers = { [HEADERS.probe]: ACTIVATOR_PROBE_BODY, 'user-agent': 'Knative-Autoscaler' };
  const answers = await Promise.all(targets.map((t) => getFromPod(t.ip, t.port, '/healthz', headers, timeoutMs, caller)
    .then((r) => r.status === 200 && r.body.trim() === ACTIVATOR_PROBE_BODY, () => false)));
  return answers.every(Boolean);
}

export interface Autoscaler {
  stop(): Promise<void>;
  sink: StatSink;
  /** The autoscaler's Prometheus metrics (autoscaler_desired_pods, …), read at scrape time. */
  metrics: AutoscalerMetrics;
}

const CONFIG_AUTOSCALER = 'config-autoscaler';
const CONFIG_DEPLOYMENT = 'config-deployment';

export async function startAutoscaler(client: Client, events: EventRecorder, log: Logger, opts: AutoscalerOptions = {}): Promise<Autoscaler> {
  const now = opts.now ?? (() => new Date());
  const tickMs = opts.tickMs ?? TICK_MS;
  const scrapeMs = opts.scrapeMs ?? 1000;
  const scrapeTimeoutMs = opts.scrapeTimeoutMs ?? Math.min(1000, Math.max(50, Math.floor(scrapeMs * 0.8)));
  const klog = log.child({ controller: 'kpa' });
  const pas = new Informer<PodAutoscaler>(client, KINDS.podAutoscaler, {}, log);
  const skss = new Informer<ServerlessService>(client, KINDS.serverlessService, {}, log);
  const pods = new Informer<Pod>(client, KINDS.pod, { labelSelector: ServingLabels.revision }, log);
  const configMaps = new Informer<KubeObject & { data?: Record<string, string> }>(client, KINDS.configMap, { namespace: SERVING_NAMESPACE }, log);
  // Only under the mesh: whose identity and address the scrapes carry.
  const selfPods = opts.meshTls ? new Informer<Pod>(client, KINDS.pod, { namespace: SERVING_NAMESPACE, labelSelector: AUTOSCALER_POD_SELECTOR }, log) : undefined;
  const scalers = new Map<string, RevisionScaler>();
  /** Who the KPA's requests to pods (scrapes, activator probes) come from in the mesh: the autoscaler pod. */
  const meshCaller = (): MeshCaller | undefined => {
    if (!opts.meshTls) return undefined;
    const self = autoscalerIdentity(selfPods?.list() ?? []);
    if (!self) return { tls: opts.meshTls, source: opts.meshSource ?? { namespace: SERVING_NAMESPACE, serviceAccount: 'controller' } };
    return { tls: opts.meshTls, source: { namespace: self.namespace, serviceAccount: self.serviceAccount }, localAddress: self.ip };
  };
  let config: AutoscalerConfig = defaultAutoscalerConfig();
  let lastConfigError = '';

  const revisionPods = (namespace: string, revision: string): Pod[] =>
    pods.list(namespace).filter((p) => p.metadata.labels?.[ServingLabels.revision] === revision);

  const controller = new Controller({
    name: 'kpa',
    reconcile: (key) => reconcilePodAutoscaler({
      client, log: klog, now, config: () => config, scalers,
      podAutoscaler: (k) => pas.get(k),
      serverlessService: (k) => skss.get(k),
      podCounts: (ns, rev) => podCounts(revisionPods(ns, rev)),
      activatorInPath: opts.activatorInPath ?? (opts.meshTls ? (ns, svc) => activatorInPathOverMesh(client, ns, svc, meshCaller()) : (ns, svc) => activatorInPath(client, ns, svc)),
    }, key),
  }, log);
  const enqueueAll = () => { for (const pa of pas.list()) controller.enqueue(objectKeyOf(pa)); };

  const reloadConfig = () => {
    const cm = configMaps.get(`${SERVING_NAMESPACE}/${CONFIG_AUTOSCALER}`);
    const parsed = autoscalerConfigFromData(cm?.data ?? {}, configMaps.get(`${SERVING_NAMESPACE}/${CONFIG_DEPLOYMENT}`)?.data ?? {});
    if (parsed.error && parsed.error !== lastConfigError && cm) {
      klog.warn({ error: parsed.error }, 'config-autoscaler rejected; using the defaults');
      events.event(involvedObjectOf(cm), 'Warning', 'InvalidConfig', parsed.error);
    }
    lastConfigError = parsed.error ?? '';
    config = parsed.config;
    enqueueAll();
  };

  pas.addHandlers({
    add: (pa) => controller.enqueue(objectKeyOf(pa)),
    update: (_o, pa) => controller.enqueue(objectKeyOf(pa)),
    delete: (pa) => controller.enqueue(objectKeyOf(pa)),
  });
  const wakeSameName = (obj: KubeObject) => controller.enqueue(objectKeyOf(obj));
  skss.addHandlers({ add: wakeSameName, update: (_o, s) => wakeSameName(s), delete: wakeSameName });
  const wakeRevision = (pod: Pod) => {
    const rev = pod.metadata.labels?.[ServingLabels.revision];
    if (rev && pas.get(`${pod.metadata.namespace}/${rev}`)) controller.enqueue(`${pod.metadata.namespace}/${rev}`);
  };
  pods.addHandlers({ add: wakeRevision, update: (_o, p) => wakeRevision(p), delete: wakeRevision });
  const onConfig = (cm: KubeObject) => { if (cm.metadata.name === CONFIG_AUTOSCALER || cm.metadata.name === CONFIG_DEPLOYMENT) reloadConfig(); };
  configMaps.addHandlers({ add: onConfig, update: (_o, cm) => onConfig(cm), delete: onConfig });

  await configMaps.start();
  reloadConfig();
  await pods.start();
  await skss.start();
  await pas.start();
  await selfPods?.start();
  controller.run(2);

  // Scrape: every ready pod of every revision with a decider, summed into this second's bucket.
  const scraping = new Set<string>();
  const scrapeOnce = async (key: string, scaler: RevisionScaler): Promise<void> => {
    const pa = pas.get(key);
    // TBC -1: the activator is always in the path and reports everything; nothing to scrape.
    if (!pa || !pa.status?.metricsServiceName || scaler.spec.targetBurstCapacity === -1) return;
    const [namespace, revision] = [pa.metadata.namespace!, pa.metadata.name!];
    const targets = scrapeTargets(revisionPods(namespace, revision));
    if (targets.length === 0) return;
    const at = now().getTime();
    const caller = meshCaller();
    const results = await Promise.allSettled(targets.map((t) => scrapePod({ ...t, namespace, revision }, scrapeTimeoutMs, at, opts.metricsPort, caller)));
    const stats = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    if (stats.length === 0) {
      klog.debug({ pa: key, err: (results[0] as PromiseRejectedResult).reason }, 'scrape failed');
      return;
    }
    // Pods that did not answer are taken to look like the ones that did (upstream's sample average).
    const factor = targets.length / stats.length;
    const sum = { averageConcurrentRequests: 0, averageProxiedConcurrentRequests: 0, requestCount: 0, proxiedRequestCount: 0 };
    for (const s of stats) {
      sum.averageConcurrentRequests += s.averageConcurrentRequests * factor;
      sum.averageProxiedConcurrentRequests += s.averageProxiedConcurrentRequests * factor;
      sum.requestCount += s.requestCount * factor;
      sum.proxiedRequestCount += s.proxiedRequestCount * factor;
    }
    if (scalers.get(key) === scaler) scaler.record(at, sum);
  };
  const scrapeTimer = setInterval(() => {
    for (const [key, scaler] of scalers) {
      if (scraping.has(key)) continue;
      scraping.add(key);
      scrapeOnce(key, scaler).catch((err: unknown) => klog.debug({ err, pa: key }, 'scrape failed')).finally(() => scraping.delete(key));
    }
  }, scrapeMs);
  scrapeTimer.unref();

  const decide = (key: string, scaler: RevisionScaler): void => {
    const [namespace, revision] = key.split('/') as [string, string];
    const ready = podCounts(revisionPods(namespace, revision)).ready;
    if (scaler.tick(ready, now().getTime(), scaler.spec.targetBurstCapacity !== -1)) controller.enqueue(key);
  };
  const tickTimer = setInterval(() => { for (const [key, scaler] of scalers) decide(key, scaler); }, tickMs);
  tickTimer.unref();

  const sink: StatSink = {
    record(stat: Stat): void {
      scalers.get(`${stat.namespace}/${stat.revision}`)?.record(now().getTime(), stat);
    },
    poke(namespace: string, revision: string): void {
      const key = `${namespace}/${revision}`;
      const scaler = scalers.get(key);
      if (scaler) {
        // The activator's first-sight report: one request in flight, decided on at once.
        scaler.record(now().getTime(), { averageConcurrentRequests: 1, averageProxiedConcurrentRequests: 0, requestCount: 1, proxiedRequestCount: 0 });
        if (scaler.decision.desiredScale <= 0) decide(key, scaler);
      }
      if (pas.get(key)) controller.enqueue(key);
    },
  };

  const metrics = new AutoscalerMetrics(() => pas.list().filter((pa) => pa.metadata.name && isKpa(pa)).map((pa) =>
    revisionMetricsInput(pa, scalers.get(objectKeyOf(pa)), podCounts(revisionPods(pa.metadata.namespace ?? '', pa.metadata.name!)))));

  return {
    sink,
    metrics,
    stop: async () => {
      clearInterval(scrapeTimer);
      clearInterval(tickTimer);
      for (const informer of [pas, skss, pods, configMaps]) informer.stop();
      selfPods?.stop();
      await controller.stop();
    },
  };
}
