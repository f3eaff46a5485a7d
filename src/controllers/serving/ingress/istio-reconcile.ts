/**
 * net-istio's KIngress reconciler (pkg/reconciler/ingress/ingress.go) for ingresses of class
 * istio: per-ingress TLS Gateways and secret copies, the VirtualServices, pruning what is
 * no longer wanted, then the status — LoadBalancerReady only once every gateway pod answers
 * the probe with this spec's hash. Until then it requeues with a growing delay.
 */
import type { KubeObject } from '../../../api/object.ts';
import type { Pod } from '../../../api/builtin/core/pod-readiness.ts';
import type { Service } from '../../../api/builtin/core/service-view.ts';
import type { Client } from '../../../client/types.ts';
import type { ReconcileResult } from '../../../client/workqueue.ts';
import type { EventRecorder } from '../../../runtime/events/recorder.ts';
import { involvedObjectOf } from '../../../runtime/events/recorder.ts';
import type { Logger } from '../../../util/log.ts';
import { deleteIfPresent, ensureObject, writeStatus } from '../../shared/objects.ts';
import { KINDS } from '../shared/contracts.ts';
import { parseIstioConfig, privateGatewayService, publicGatewayService, type GatewayConfig } from './config-istio.ts';
import { ingressHosts } from './hosts.ts';
import { defaultIngressClass, externalGatewayServices, gatewaysByVisibility, secretFilteringEnabled } from './istio-config.ts';
import { ISTIO_INGRESS_CLASS, ingressClassOf, type KIngress } from './kingress.ts';
import { setFinalizer } from './finalizer.ts';
import { planProbes } from './probe-plan.ts';
import { probeAll, type ProbeFn } from './prober.ts';
import { ingressStatus } from './status.ts';
import { INGRESS_NAMESPACE_LABEL, makeTlsGateways, secretVisible, type SecretLike } from './tls-gateways.ts';
import { makeVirtualServices, type GatewaysByVisibility } from './virtual-services.ts';

/** knative/pkg's generated reconciler names its finalizer after the resource. */
export const ISTIO_FINALIZER = 'ingresses.networking.internal.knative.dev';
const FIRST_RETRY_MS = 200;
const MAX_RETRY_MS = 10_000;

export interface IstioIngressState {
  client: Client;
  events: EventRecorder;
  log: Logger;
  now: () => Date;
  probe: ProbeFn;
  ingress(key: string): KIngress | undefined;
  servingConfigMap(name: string): KubeObject | undefined;
  netIstioDeployment(): KubeObject | undefined;
  gateways(): KubeObject[];
  pods(): Pod[];
  services(): Service[];
  /** The unfiltered Secret cache; filtering is applied here, per the Deployment's env. */
  secret(namespace: string, name: string): SecretLike | undefined;
  /** Objects labelled for an ingress (by its name), of one informer. */
  labelled(kind: 'virtualService' | 'gateway' | 'secret', ingressNamespace: string, ingressName: string): KubeObject[];
  /** key → `uid/hash` of the ingress version every gateway pod last answered. */
  probed: Map<string, string>;
  /** key → next requeue delay while not ready. */
  backoff: Map<string, number>;
}

function retryLater(s: IstioIngressState, key: string): ReconcileResult {
  const delay = s.backoff.get(key) ?? FIRST_RETRY_MS;
  s.backoff.set(key, Math.min(delay * 2, MAX_RETRY_MS));
  return { requeueAfterMs: delay };
}

/** Secret copies live in the gateway namespaces, out of the owner references' reach. */
async function pruneSecrets(s: IstioIngressState, ing: KIngress, keep: ReadonlySet<string>): Promise<void> {
  for (const secret of s.labelled('secret', ing.metadata.namespace!, ing.metadata.name!)) {
    if (secret.metadata.labels?.[INGRESS_NAMESPACE_LABEL] !== ing.metadata.namespace) continue;
    if (!keep.has(`${secret.metadata.namespace}/${secret.metadata.name}`)) await deleteIfPresent(s.client, KINDS.secret, secret.metadata.namespace, secret.metadata.name!);
  }
}

async function prune(s: IstioIngressState, ing: KIngress, kind: 'virtualService' | 'gateway', wanted: readonly KubeObject[]): Promise<void> {
  const keep = new Set(wanted.map((o) => o.metadata.name));
  for (const live of s.labelled(kind, ing.metadata.namespace!, ing.metadata.name!)) {
    const owned = live.metadata.ownerReferences?.some((r) => r.uid === ing.metadata.uid);
    if (owned && !keep.has(live.metadata.name)) await deleteIfPresent(s.client, KINDS[kind], live.metadata.namespace, live.metadata.name!);
  }
}

async function fail(s: IstioIngressState, ing: KIngress, message: string): Promise<ReconcileResult> {
  s.events.event(involvedObjectOf(ing), 'Warning', 'InternalError', message);
  await writeStatus(s.client, ing, ingressStatus(ing, { kind: 'failed' }, s.now));
  return undefined;
}

/** Writes the Istio objects; returns the gateways per visibility the VirtualServices bind, or an error message. */
async function writeIstioObjects(s: IstioIngressState, ing: KIngress, cfg: GatewayConfig): Promise<{ gateways: GatewaysByVisibility; hash: string } | string> {
  let tlsGatewayNames: string[] = [];
  const secretKeep = new Set<string>();
  const tlsGateways: KubeObject[] = [];
  if ((ing.spec?.tls ?? []).length > 0) {
    const services = externalGatewayServices(cfg, s.services());
    if (typeof services === 'string') return services;
    const filtering = secretFilteringEnabled(s.netIstioDeployment());
    const build = makeTlsGateways(ing, services, (ns, name) => {
      const secret = s.secret(ns, name);
      return secret && secretVisible(secret, filtering) ? secret : undefined;
    });
    if (!build.ok) return build.message;
    for (const secret of build.secrets) {
      await ensureObject(s.client, secret);
      secretKeep.add(`${secret.metadata.namespace}/${secret.metadata.name}`);
    }
    for (const gw of build.gateways) await ensureObject(s.client, gw);
    tlsGateways.push(...build.gateways);
    tlsGatewayNames = build.gatewayNames;
  }
  const gateways = gatewaysByVisibility(cfg, tlsGatewayNames);
  const { virtualServices, hash } = makeVirtualServices(ing, gateways);
  for (const vs of virtualServices) await ensureObject(s.client, vs);
  await prune(s, ing, 'virtualService', virtualServices);
  await prune(s, ing, 'gateway', tlsGateways);
  await pruneSecrets(s, ing, secretKeep);
  return { gateways, hash };
}

export async function reconcileIstioIngress(s: IstioIngressState, key: string): Promise<ReconcileResult> {
  const ing = s.ingress(key);
  if (!ing || ingressClassOf(ing, defaultIngressClass(s.servingConfigMap('config-network'))) !== ISTIO_INGRESS_CLASS) {
    s.probed.delete(key);
    s.backoff.delete(key);
    return undefined;
  }
  if (ing.metadata.deletionTimestamp) {
    // VirtualServices and Gateways go with the owner reference; the secret copies here.
    if (ing.metadata.finalizers?.includes(ISTIO_FINALIZER)) {
      await pruneSecrets(s, ing, new Set());
      await setFinalizer(s.client, ing, ISTIO_FINALIZER, false);
    }
    return undefined;
  }
  // Status is written against the object read; after a metadata write wait for the fresh one.
  if (await setFinalizer(s.client, ing, ISTIO_FINALIZER, true)) return undefined;
  const parsed = parseIstioConfig((s.servingConfigMap('config-istio')?.data ?? {}) as Record<string, string>);
  if (!parsed.ok) return fail(s, ing, `config-istio: ${parsed.message}`);
  const written = await writeIstioObjects(s, ing, parsed.config);
  if (typeof written === 'string') return fail(s, ing, written);

  const hostsByGateway = new Map<string, string[]>();
  const external = [...ingressHosts(ing, 'ExternalIP')];
  const local = [...ingressHosts(ing, 'ClusterLocal')];
  for (const g of written.gateways.ExternalIP) hostsByGateway.set(g, [...(hostsByGateway.get(g) ?? []), ...external]);
  for (const g of written.gateways.ClusterLocal) hostsByGateway.set(g, [...(hostsByGateway.get(g) ?? []), ...local]);
  // Once a version of the routes (its hash) was seen in every gateway pod it stays ready, as
  // upstream: gateway pods coming and going later do not take a working ingress down.
  // The uid too: a deleted and recreated ingress with the same spec has new VirtualServices.
  const probedAs = `${ing.metadata.uid}/${written.hash}`;
  let ready = s.probed.get(key) === probedAs;
  if (!ready) {
    const plan = planProbes({ hostsByGateway, gateways: s.gateways(), pods: s.pods(), services: s.services() });
    if (plan.waiting.length > 0) {
      s.log.debug({ ingress: key, waiting: plan.waiting }, 'ingress cannot be probed yet');
    } else {
      const round = await probeAll(plan.targets, written.hash, s.probe);
      ready = round.ready;
      if (ready) s.probed.set(key, probedAs);
      else s.log.debug({ ingress: key, notReady: round.notReady.slice(0, 3).map((o) => o.detail) }, 'ingress not ready yet');
    }
  }
  const status = ready
    ? ingressStatus(ing, { kind: 'configured', loadBalancerReady: true, publicService: publicGatewayService(parsed.config), privateService: privateGatewayService(parsed.config) }, s.now)
    : ingressStatus(ing, { kind: 'configured', loadBalancerReady: false }, s.now);
  await writeStatus(s.client, ing, status);
  if (ready) {
    s.backoff.delete(key);
    return undefined;
  }
  return retryLater(s, key);
}
