/**
 * Wires net-istio's KIngress controller: informers on KIngresses, on what they produce
 * (VirtualServices and Gateways labelled with the ingress, secret copies), and on what
 * decides readiness (Gateways, gateway pods, Services, the knative-serving ConfigMaps, the
 * net-istio-controller Deployment's env, Secrets). A change to an ingress wakes it; a change
 * elsewhere wakes every ingress, since any of them may bind that gateway or secret.
 */
import type { KubeObject } from '../../../api/object.ts';
import type { Pod } from '../../../api/builtin/core/pod-readiness.ts';
import type { Service } from '../../../api/builtin/core/service-view.ts';
import { Controller } from '../../../client/controller.ts';
import { Informer, objectKeyOf } from '../../../client/informer.ts';
import type { Client } from '../../../client/types.ts';
import { isGatewayPod } from '../../../dataplane/gateway/workload.ts';
import type { EventRecorder } from '../../../runtime/events/recorder.ts';
import type { Logger } from '../../../util/log.ts';
import { KINDS, SERVING_NAMESPACE } from '../shared/contracts.ts';
import { NET_ISTIO_DEPLOYMENT } from './istio-config.ts';
import { reconcileIstioIngress, type IstioIngressState } from './istio-reconcile.ts';
import { INGRESS_LABEL, type KIngress } from './kingress.ts';
import { probeTarget, type ProbeFn } from './prober.ts';
import { INGRESS_NAMESPACE_LABEL, type SecretLike } from './tls-gateways.ts';

export interface IstioIngressOptions {
  now?: () => Date;
  /** Replaces the HTTP(S) probe (tests). */
  probe?: ProbeFn;
}

export async function startIstioIngressController(client: Client, events: EventRecorder, log: Logger, opts: IstioIngressOptions = {}): Promise<{ stop(): Promise<void> }> {
  const ingresses = new Informer<KIngress>(client, KINDS.ingress, {}, log);
  const virtualServices = new Informer(client, KINDS.virtualService, { labelSelector: INGRESS_LABEL }, log);
  const gateways = new Informer(client, KINDS.gateway, {}, log);
  const pods = new Informer<Pod>(client, KINDS.pod, {}, log);
  const services = new Informer<Service>(client, KINDS.k8sService, {}, log);
  const configMaps = new Informer(client, KINDS.configMap, { namespace: SERVING_NAMESPACE }, log);
  const deployments = new Informer(client, KINDS.deployment, { namespace: SERVING_NAMESPACE, fieldSelector: `metadata.name=${NET_ISTIO_DEPLOYMENT}` }, log);
  const secrets = new Informer<SecretLike>(client, KINDS.secret, {}, log);

  const byLabel = (informer: Informer, ns: string | undefined, name: string): KubeObject[] =>
    informer.list(ns).filter((o) => o.metadata.labels?.[INGRESS_LABEL] === name);
  const state: IstioIngressState = {
    client, events, log, now: opts.now ?? (() => new Date()), probe: opts.probe ?? probeTarget,
    ingress: (key) => ingresses.get(key),
    servingConfigMap: (name) => configMaps.get(`${SERVING_NAMESPACE}/${name}`),
    netIstioDeployment: () => deployments.get(`${SERVING_NAMESPACE}/${NET_ISTIO_DEPLOYMENT}`),
    gateways: () => gateways.list(),
    pods: () => pods.list(),
    services: () => services.list(),
    secret: (ns, name) => secrets.get(`${ns}/${name}`),
    // VirtualServices and Gateways sit in the ingress namespace; secret copies anywhere.
    labelled: (kind, ns, name) => kind === 'secret' ? byLabel(secrets as Informer, undefined, name) : byLabel(kind === 'gateway' ? gateways : virtualServices, ns, name),
    probed: new Map(),
    backoff: new Map(),
  };
  const controller = new Controller({ name: 'kingress-istio', reconcile: (key) => reconcileIstioIngress(state, key) }, log);
  const wakeAll = () => {
    for (const ing of ingresses.list()) controller.enqueue(objectKeyOf(ing));
  };
  const wakeOwner = (obj: KubeObject) => {
    const name = obj.metadata.labels?.[INGRESS_LABEL];
    if (name && obj.metadata.namespace) controller.enqueue(`${obj.metadata.namespace}/${name}`);
  };
  ingresses.addHandlers({ add: (i) => controller.enqueue(objectKeyOf(i)), update: (_o, i) => controller.enqueue(objectKeyOf(i)), delete: (i) => controller.enqueue(objectKeyOf(i)) });
  // Drift or deletion of a VirtualService puts it back.
  virtualServices.addHandlers({ update: (_o, v) => wakeOwner(v), delete: wakeOwner });
  const gatewayPod = (p: Pod) => isGatewayPod(p);
  pods.addHandlers({
    add: (p) => gatewayPod(p) && wakeAll(),
    update: (o, p) => gatewayPod(p) && (o.status?.podIP !== p.status?.podIP || o.status?.phase !== p.status?.phase || !!p.metadata.deletionTimestamp) && wakeAll(),
    delete: (p) => gatewayPod(p) && wakeAll(),
  });
  for (const informer of [gateways, configMaps, deployments]) informer.addHandlers({ add: wakeAll, update: wakeAll, delete: wakeAll });
  // Only Services in front of gateway pods matter (port translation, TLS gateway selectors).
  const gatewayNamespace = (s: KubeObject) => pods.list(s.metadata.namespace).some(gatewayPod);
  services.addHandlers({ add: (s) => gatewayNamespace(s) && wakeAll(), update: (_o, s) => gatewayNamespace(s) && wakeAll(), delete: (s) => gatewayNamespace(s) && wakeAll() });
  // A secret matters to the ingresses that name it in spec.tls, and to the owner of a copy.
  const wakeSecretUsers = (secret: KubeObject) => {
    wakeOwner({ ...secret, metadata: { ...secret.metadata, namespace: secret.metadata.labels?.[INGRESS_NAMESPACE_LABEL] } });
    for (const ing of ingresses.list()) {
      if ((ing.spec?.tls ?? []).some((t) => t.secretNamespace === secret.metadata.namespace && t.secretName === secret.metadata.name)) controller.enqueue(objectKeyOf(ing));
    }
  };
  secrets.addHandlers({ add: wakeSecretUsers, update: (_o, s) => wakeSecretUsers(s), delete: wakeSecretUsers });
  const all: Informer[] = [configMaps, deployments, secrets as Informer, services as Informer, gateways, pods as Informer, virtualServices, ingresses as Informer];
  for (const informer of all) await informer.start();
  controller.run(2);
  return {
    stop: async () => {
      for (const informer of all) informer.stop();
      await controller.stop();
    },
  };
}
