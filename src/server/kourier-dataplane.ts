/**
 * The Kourier data plane in `skiff up`: skiff's node proxy plays the Envoy of every
 * `3scale-kourier-gateway` pod, as it does for Istio's gateways (mesh-dataplane.ts). It
 * watches what net-kourier's controller would translate (KIngresses of class kourier, the
 * Services and EndpointSlices they route to, TLS Secrets, config-network for the default
 * class and the net-kourier-controller Deployment for Secret informer filtering), compiles
 * each gateway pod's ProxyConfig (src/controllers/serving/kourier/proxy-config.ts) and pushes
 * it to a GatewayProxy on the pod's IP: 8080 external, 8081 internal, 8443 HTTPS. The pod's
 * own program binds none of these. A deleted pod stops accepting and drains briefly.
 */
import type { Pod } from '../api/builtin/core/pod-readiness.ts';
import { podIPv4 } from '../api/builtin/core/pod-readiness.ts';
import { ENDPOINT_SLICE, SERVICE, type EndpointSlice, type Service } from '../api/builtin/core/service-view.ts';
import type { KubeObject } from '../api/object.ts';
import { Informer } from '../client/informer.ts';
import type { Client } from '../client/types.ts';
import { isKourierGatewayPod, NET_KOURIER_DEPLOYMENT } from '../controllers/serving/kourier/gateway.ts';
import { compileKourierProxy } from '../controllers/serving/kourier/proxy-config.ts';
import { isKourierIngress } from '../controllers/serving/kourier/reconcile.ts';
import { secretFilteringEnabled } from '../controllers/serving/ingress/istio-config.ts';
import type { KIngress } from '../controllers/serving/ingress/kingress.ts';
import { secretVisible } from '../controllers/serving/ingress/tls-gateways.ts';
import { KINDS, SERVING_NAMESPACE } from '../controllers/serving/shared/contracts.ts';
import type { Secret } from '../dataplane/config/istio-specs.ts';
import { formatProblem } from '../dataplane/config/problems.ts';
import { GatewayProxy } from '../dataplane/gateway/index.ts';
import type { Logger } from '../util/log.ts';
import type { ComponentHealth } from './types.ts';
import { DebouncedRunner } from '../util/debounced-runner.ts';

const DEBOUNCE_MS = 75;
/** Kourier's Envoy drains for its own default (the gateway's preStop), kept short here. */
const DRAIN_MS = 5_000;

export interface RunningKourierDataplane {
  health(): ComponentHealth;
  /** Resolves once the latest change has been compiled and applied. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

interface Instance { pod: Pod; proxy: GatewayProxy; ports: number[]; problems: string[]; draining?: Promise<void> }

export async function startKourierDataplane(client: Client, log: Logger): Promise<RunningKourierDataplane> {
  const pods = new Informer<Pod>(client, KINDS.pod, {}, log);
  const services = new Informer<Service>(client, SERVICE, {}, log);
  const slices = new Informer<EndpointSlice>(client, ENDPOINT_SLICE, {}, log);
  const secrets = new Informer<Secret>(client, KINDS.secret, {}, log);
  const ingresses = new Informer<KIngress>(client, KINDS.ingress, {}, log);
  const configMaps = new Informer(client, KINDS.configMap, { namespace: SERVING_NAMESPACE }, log);
  const deployments = new Informer(client, KINDS.deployment, { namespace: SERVING_NAMESPACE, fieldSelector: `metadata.name=${NET_KOURIER_DEPLOYMENT}` }, log);
  const all: Informer[] = [pods as Informer, services as Informer, slices as Informer, secrets as Informer, ingresses as Informer, configMaps, deployments];

  const instances = new Map<string, Instance>();

  const drain = (key: string, inst: Instance, deadlineMs: number) => {
    if (inst.draining) return;
    inst.draining = inst.proxy.stop(deadlineMs).finally(() => {
      if (instances.get(key) === inst) instances.delete(key);
    });
  };

  const reconcile = async () => {
    const configNetwork = configMaps.get(`${SERVING_NAMESPACE}/config-network`);
    const kourier = ingresses.list().filter((i) => !i.metadata.deletionTimestamp && isKourierIngress(i, configNetwork));
    const filtering = secretFilteringEnabled(deployments.get(`${SERVING_NAMESPACE}/${NET_KOURIER_DEPLOYMENT}`));
    const inputs = {
      ingresses: kourier, services: services.list(), endpointSlices: slices.list(), pods: pods.list(),
      secret: (ns: string, name: string) => {
        const s = secrets.get(`${ns}/${name}`);
        return s && secretVisible(s as KubeObject, filtering) ? s : undefined;
      },
    };
    const seen = new Set<string>();
    for (const pod of inputs.pods) {
      if (!isKourierGatewayPod(pod)) continue;
      const key = `${pod.metadata.namespace}/${pod.metadata.name}/${pod.metadata.uid}`;
      const address = podIPv4(pod);
      let inst = instances.get(key);
      seen.add(key);
      if (pod.metadata.deletionTimestamp || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') {
        if (inst) drain(key, inst, pod.metadata.deletionTimestamp ? DRAIN_MS : 0);
        continue;
      }
      if (pod.status?.phase !== 'Running' || address === '' || inst?.draining) continue;
      if (inst && inst.proxy.address !== address) {
        drain(key, inst, 0);
        inst = undefined;
      }
      if (!inst) {
        inst = { pod, proxy: new GatewayProxy({ address, chainDrainMs: DRAIN_MS, self: { namespace: pod.metadata.namespace ?? '', workload: '3scale-kourier-gateway' } }), ports: [], problems: [] };
        instances.set(key, inst);
      }
      inst.pod = pod;
      try {
        const { config } = compileKourierProxy(inputs, pod);
        const result = await inst.proxy.apply(config, undefined);
        const problems = [...config.problems.filter((p) => p.severity === 'error').map(formatProblem), ...result.problems];
        for (const p of problems) if (!inst.problems.includes(p)) log.warn({ pod: key }, `kourier gateway: ${p}`);
        inst.ports = result.ports;
        inst.problems = problems;
      } catch (err) {
        log.error({ err, pod: key }, 'kourier gateway: cannot apply the configuration');
      }
    }
    for (const [key, inst] of instances) if (!seen.has(key)) drain(key, inst, 0);
  };

  const loop = new DebouncedRunner(reconcile, DEBOUNCE_MS, (err) => log.error({ err }, 'kourier data plane reconcile failed'));
  const changed = () => loop.changed();
  try {
    for (const i of all) {
      i.addHandlers({ add: changed, update: changed, delete: changed });
      await i.start();
    }
  } catch (err) {
    for (const i of all) i.stop();
    throw err;
  }
  loop.runNow();

  return {
    health: () => {
      const list = [...instances.values()];
      const text = list.map((i) => `${i.pod.metadata.namespace}/${i.pod.metadata.name} ${i.proxy.address}:[${i.ports.join(',')}]${i.problems.length > 0 ? ` (${i.problems.length} problems)` : ''}`).join('; ');
      return { name: 'kourier-gateways', healthy: true, message: list.length === 0 ? 'no Kourier gateway pods' : text };
    },
    settled: () => loop.settled(),
    stop: async () => {
      const stopping = loop.stop();
      for (const i of all) i.stop();
      await stopping;
      await Promise.all([...instances.values()].map((i) => i.draining ?? i.proxy.stop(0)));
      instances.clear();
    },
  };
}
