/**
 * Starts Knative Serving inside skiff, as the Serverless operator, Serving's controller,
 * autoscaler and net-istio run it upstream: the KnativeServing operator, the serving.knative.dev
 * reconcilers (Service, Configuration, Revision, Route), the networking ones (ServerlessService,
 * KIngress for Istio and for Kourier, OpenShift Routes for KIngresses, DomainMapping) and the KPA
 * autoscaler; the Kourier gateway's proxies run beside the activator's. The activator's
 * data plane is started beside them (src/server/activator-dataplane.ts) and reports to the
 * autoscaler in-process. See docs/serving.md.
 */
import type { Client } from '../client/types.ts';
import { startAutoscaler } from '../controllers/serving/autoscaler/controller.ts';
import { startConfigurationController } from '../controllers/serving/configuration/controller.ts';
import { startDomainMappingController } from '../controllers/serving/domainmapping/controller.ts';
import { startIstioIngressController } from '../controllers/serving/ingress/istio-controller.ts';
import { startOpenShiftIngressController } from '../controllers/serving/ingress/openshift-controller.ts';
import { startKourierIngressController } from '../controllers/serving/kourier/controller.ts';
import { startKnativeServingController } from '../controllers/serving/operator/controller.ts';
import { startRevisionController } from '../controllers/serving/revision/controller.ts';
import { startRouteController } from '../controllers/serving/route/controller.ts';
import { startServerlessServiceController } from '../controllers/serving/serverlessservice/controller.ts';
import { startServiceController } from '../controllers/serving/service/controller.ts';
import { EventRecorder } from '../runtime/events/recorder.ts';
import type { Logger } from '../util/log.ts';
import type { MeshClientTls } from '../dataplane/mesh-tls/types.ts';
import { startActivatorDataPlane } from './activator-dataplane.ts';
import { PodAppAddresses } from './pod-app-address.ts';
import { startKourierDataplane } from './kourier-dataplane.ts';
import { startAutoscalerMetrics } from './autoscaler-metrics.ts';
import type { ComponentHealth } from './types.ts';

export interface RunningServing {
  health(): ComponentHealth[];
  stop(): Promise<void>;
}

export interface ServingOptions {
  /** The cluster's apps domain (`skiff up --domain`): config-domain's default. */
  appsDomain: string;
  /** The mesh data plane's auto mTLS (mesh-dataplane.ts); absent, the activator and autoscaler reach pods in plaintext. */
  meshTls?: MeshClientTls;
}

export async function startServing(client: Client, log: Logger, opts: ServingOptions): Promise<RunningServing> {
  const started: Array<{ name: string; stop(): Promise<void> }> = [];
  const withEvents = async (name: string, start: (events: EventRecorder) => Promise<{ stop(): Promise<void> }>) => {
    const events = new EventRecorder(client, { component: name }, log);
    const running = await start(events);
    started.push({ name, stop: async () => { await running.stop(); await events.flush(); } });
  };
  const extraHealth: Array<() => ComponentHealth[]> = [];
  try {
    await withEvents('knative-serving-operator', (events) => startKnativeServingController(client, events, log, { appsDomain: opts.appsDomain }));
    await withEvents('service-controller', (events) => startServiceController(client, events, log));
    await withEvents('configuration-controller', (events) => startConfigurationController(client, events, log));
    await withEvents('revision-controller', (events) => startRevisionController(client, events, log));
    await withEvents('route-controller', (events) => startRouteController(client, events, log));
    await withEvents('domainmapping-controller', (events) => startDomainMappingController(client, events, log));
    await withEvents('serverlessservice-controller', (events) => startServerlessServiceController(client, events, log));
    await withEvents('istio-ingress-controller', (events) => startIstioIngressController(client, events, log));
    await withEvents('openshift-ingress-controller', (events) => startOpenShiftIngressController(client, events, log));
    await withEvents('kourier-ingress-controller', (events) => startKourierIngressController(client, events, log));
    const kourier = await startKourierDataplane(client, log.child({ component: 'kourier' }));
    started.push({ name: 'kourier', stop: () => kourier.stop() });
    extraHealth.push(() => [kourier.health()]);
    // The activator and the autoscaler are meshed in the seed: they reach meshed revision pods
    // as their sidecars would, with mTLS (src/dataplane/mesh-tls), given by the mesh data plane.
    const meshTls = opts.meshTls;
    const appAddresses = new PodAppAddresses(client, log);
    await appAddresses.start();
    started.push({ name: 'pod-app-addresses', stop: async () => appAddresses.stop() });
    let autoscaler: Awaited<ReturnType<typeof startAutoscaler>> | undefined;
    await withEvents('autoscaler', async (events) => (autoscaler = await startAutoscaler(client, events, log, meshTls ? { meshTls } : {})));
    started.push({ name: 'autoscaler-metrics', stop: (await startAutoscalerMetrics(client, log.child({ component: 'autoscaler-metrics' }), autoscaler!.metrics)).stop });
    const activator = await startActivatorDataPlane(client, log.child({ component: 'activator' }), autoscaler!.sink, { ...(meshTls ? { meshTls } : {}), listenAddress: (pod, podIP) => appAddresses.of(pod, podIP) });
    started.push({ name: 'activator', stop: () => activator.stop() });
    extraHealth.push(() => activator.health());
  } catch (err) {
    for (const c of started.reverse()) await c.stop();
    throw err;
  }
  return {
    health: () => [...started.filter((c) => !['activator', 'kourier', 'pod-app-addresses'].includes(c.name)).map((c) => ({ name: c.name, healthy: true })), ...extraHealth.flatMap((h) => h())],
    stop: async () => {
      for (const c of [...started].reverse()) await c.stop();
    },
  };
}
