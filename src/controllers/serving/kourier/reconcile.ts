/**
 * net-kourier's KIngress reconciler (pkg/reconciler/ingress) for the status side: the routes
 * themselves are compiled by the gateway data plane from the KIngresses directly (as Kourier's
 * Envoys get them over xDS from the controller's cache), so this pass marks the ingress
 * NetworkConfigured and probes every Kourier gateway pod — each host on the listener that
 * serves it, with the ingress hash — until all answer with it. Only then is it
 * LoadBalancerReady, with `kourier` and `kourier-internal` in knative-serving-ingress as its
 * public and private load balancers. Until then it requeues with a growing delay.
 */
import type { Pod } from '../../../api/builtin/core/pod-readiness.ts';
import { podIPv4 } from '../../../api/builtin/core/pod-readiness.ts';
import type { KubeObject } from '../../../api/object.ts';
import type { Client } from '../../../client/types.ts';
import type { ReconcileResult } from '../../../client/workqueue.ts';
import type { Logger } from '../../../util/log.ts';
import { writeStatus } from '../../shared/objects.ts';
import { ingressHosts } from '../ingress/hosts.ts';
import { defaultIngressClass } from '../ingress/istio-config.ts';
import { ingressClassOf, type KIngress } from '../ingress/kingress.ts';
import { ingressHash } from '../ingress/probe-hash.ts';
import type { ProbeTarget } from '../ingress/probe-plan.ts';
import { probeAll, type ProbeFn } from '../ingress/prober.ts';
import { ingressStatus } from '../ingress/status.ts';
import { KOURIER_EXTERNAL_SERVICE, KOURIER_INGRESS_CLASS, KOURIER_INTERNAL_SERVICE, KOURIER_PORTS, isKourierGatewayPod } from './gateway.ts';

const FIRST_RETRY_MS = 200;
const MAX_RETRY_MS = 10_000;

export interface KourierIngressState {
  client: Client;
  log: Logger;
  now: () => Date;
  probe: ProbeFn;
  ingress(key: string): KIngress | undefined;
  configNetwork(): KubeObject | undefined;
  pods(): Pod[];
  /** key → `uid/hash` of the ingress version every gateway pod last answered. */
  probed: Map<string, string>;
  backoff: Map<string, number>;
}

export function isKourierIngress(ing: KIngress, configNetwork: KubeObject | undefined): boolean {
  return ingressClassOf(ing, defaultIngressClass(configNetwork)) === KOURIER_INGRESS_CLASS;
}

/** Every running gateway pod, each host on the port Kourier serves it on: external hosts on 8080, cluster-local on 8081. */
export function kourierProbeTargets(ing: KIngress, pods: readonly Pod[]): ProbeTarget[] {
  const targets: ProbeTarget[] = [];
  for (const pod of pods) {
    const address = podIPv4(pod);
    if (!isKourierGatewayPod(pod) || pod.status?.phase !== 'Running' || address === '' || pod.metadata.deletionTimestamp) continue;
    const at = (port: number, host: string): ProbeTarget => ({ gateway: `${pod.metadata.namespace}/kourier`, pod: `${pod.metadata.namespace}/${pod.metadata.name}`, address, port, tls: false, host });
    for (const host of ingressHosts(ing, 'ExternalIP')) targets.push(at(KOURIER_PORTS.external, host));
    for (const host of ingressHosts(ing, 'ClusterLocal')) targets.push(at(KOURIER_PORTS.internal, host));
  }
  return targets;
}

export async function reconcileKourierIngress(s: KourierIngressState, key: string): Promise<ReconcileResult> {
  const ing = s.ingress(key);
  if (!ing || ing.metadata.deletionTimestamp || !isKourierIngress(ing, s.configNetwork())) {
    s.probed.delete(key);
    s.backoff.delete(key);
    return undefined;
  }
  const probedAs = `${ing.metadata.uid}/${ingressHash(ing)}`;
  let ready = s.probed.get(key) === probedAs;
  if (!ready) {
    const targets = kourierProbeTargets(ing, s.pods());
    if (targets.length === 0) {
      s.log.debug({ ingress: key }, 'no running Kourier gateway pod to probe yet');
    } else {
      const round = await probeAll(targets, ingressHash(ing), s.probe);
      ready = round.ready;
      if (ready) s.probed.set(key, probedAs);
      else s.log.debug({ ingress: key, notReady: round.notReady.slice(0, 3).map((o) => o.detail) }, 'kourier ingress not ready yet');
    }
  }
  const status = ready
    ? ingressStatus(ing, { kind: 'configured', loadBalancerReady: true, publicService: KOURIER_EXTERNAL_SERVICE, privateService: KOURIER_INTERNAL_SERVICE }, s.now)
    : ingressStatus(ing, { kind: 'configured', loadBalancerReady: false }, s.now);
  await writeStatus(s.client, ing, status);
  if (ready) {
    s.backoff.delete(key);
    return undefined;
  }
  const delay = s.backoff.get(key) ?? FIRST_RETRY_MS;
  s.backoff.set(key, Math.min(delay * 2, MAX_RETRY_MS));
  return { requeueAfterMs: delay };
}
