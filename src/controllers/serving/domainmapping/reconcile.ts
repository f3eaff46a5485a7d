/**
 * The DomainMapping reconciler (knative/serving pkg/reconciler/domainmapping/reconciler.go):
 *
 * 1. status.url and status.address: `<default-external-scheme>://<domain>` (https once the
 *    DomainMapping brings its own certificate in `spec.tls`);
 * 2. the domain claim (claim.ts: derived, as skiff serves no ClusterDomainClaim);
 * 3. TLS: `spec.tls.secretName` becomes the KIngress's TLS; skiff provisions no Knative
 *    Certificates, so otherwise CertificateProvisioned is True with TLSNotEnabled;
 * 4. the reference, resolved to the target's cluster host and Service;
 * 5. the KIngress (through the Route's own paths where there is one: local-hop.ts), then IngressReady from its status once it observed its generation.
 *
 * A failed step stops the pass with an error (retried with backoff) after its condition is
 * written, as upstream's ReconcileKind returns; observedGeneration moves only on success.
 */
import type { Condition, KubeObject } from '../../../api/object.ts';
import type { Client } from '../../../client/types.ts';
import type { ReconcileResult } from '../../../client/workqueue.ts';
import { isSkiffError } from '../../../errors/skiff-error.ts';
import { type EventRecorder, involvedObjectOf } from '../../../runtime/events/recorder.ts';
import type { Logger } from '../../../util/log.ts';
import { sameJson, writeStatus } from '../../shared/objects.ts';
import { KnativeConditions } from '../shared/conditions.ts';
import { decideClaim } from './claim.ts';
import type { DomainMappingConfig } from './config.ts';
import { annotatedIngressClass, type IngressTLS, makeDomainMappingIngress } from './ingress.ts';
import { pathsViaRouteIngress } from './local-hop.ts';
import { type KReference, resolveRef } from './resolve.ts';
import {
  DOMAIN_MAPPING_CONDITIONS, markCertificateNotRequired, markDomainClaimed, markDomainClaimNotOwned, markIngressNotConfigured,
  markReferenceNotResolved, markReferenceResolved, markTLSNotEnabled, propagateIngressStatus,
} from './status.ts';

export interface DomainMappingDeps {
  client: Client;
  events: EventRecorder;
  log: Logger;
  now: () => Date;
  config(): DomainMappingConfig;
  domainMapping(key: string): KubeObject | undefined;
  /** Every DomainMapping named `domain`, across namespaces. */
  domainMappingsNamed(domain: string): KubeObject[];
  ingress(namespace: string, name: string): KubeObject | undefined;
  /** The KIngress of the Route `route` in `namespace` (labelled serving.knative.dev/route), if any. */
  routeIngress(namespace: string, route: string): KubeObject | undefined;
  /** The object `ref` names (from a cache where one is kept), undefined when absent. */
  target(ref: KReference): Promise<KubeObject | undefined>;
}

type Status = Record<string, unknown> & { conditions?: Condition[]; observedGeneration?: number };
interface Spec { ref?: KReference; tls?: { secretName?: string } }

/** An error whose condition is already on the status: retried, not reported twice. */
class StepFailed extends Error {}

export async function reconcileDomainMapping(deps: DomainMappingDeps, key: string): Promise<ReconcileResult> {
  const dm = deps.domainMapping(key);
  if (!dm || dm.metadata.deletionTimestamp) return;
  const status: Status = structuredClone((dm.status ?? {}) as Status);
  const c = new KnativeConditions(DOMAIN_MAPPING_CONDITIONS, status.conditions, deps.now).initialize();
  let failure: unknown;
  try {
    await reconcileResources(deps, dm, status, c);
  } catch (err) {
    failure = err;
  }
  status.conditions = c.list;
  if (failure === undefined) status.observedGeneration = dm.metadata.generation;
  await writeStatus(deps.client, dm, status);
  if (failure !== undefined) throw failure;
  return;
}

async function reconcileResources(deps: DomainMappingDeps, dm: KubeObject, status: Status, c: KnativeConditions): Promise<void> {
  const cfg = deps.config();
  const spec = (dm.spec ?? {}) as Spec;
  const domain = dm.metadata.name!;
  const ns = dm.metadata.namespace!;
  if (dm.metadata.generation !== status.observedGeneration) markIngressNotConfigured(c);

  let scheme = cfg.network.defaultExternalScheme;
  const ingressClass = annotatedIngressClass(dm.metadata.annotations) || cfg.network.defaultIngressClass;

  const claim = decideClaim(dm, deps.domainMappingsNamed(domain), cfg.autocreateClusterDomainClaims);
  if (!claim.claimed) {
    setURL(status, scheme, domain);
    markDomainClaimNotOwned(c);
    throw new StepFailed(claim.reason === 'NotAutocreated'
      ? `no ClusterDomainClaim found for domain "${domain}" (and autocreate-cluster-domain-claims property is not true)`
      : `namespace "${ns}" does not own ClusterDomainClaim for "${domain}"`);
  }
  markDomainClaimed(c);

  let tls: IngressTLS[] | undefined;
  if (spec.tls) {
    markCertificateNotRequired(c);
    scheme = 'https';
    tls = [{ hosts: [domain], secretName: spec.tls.secretName ?? '', secretNamespace: ns }];
  } else {
    // external-domain-tls would make a Certificate here; skiff has no certificate controller.
    markTLSNotEnabled(c);
  }
  setURL(status, scheme, domain);

  const ref = spec.ref ?? {};
  const resolved = resolveRef(ns, ref, await deps.target(ref));
  if (!resolved.ok) {
    markReferenceNotResolved(c, resolved.message);
    throw new StepFailed(`resolving reference: ${resolved.message}`);
  }
  markReferenceResolved(c);

  const desired = makeDomainMappingIngress(dm, {
    backendService: resolved.backendService, targetHost: resolved.host, ingressClass,
    httpOption: httpOptionFor(dm, cfg), tls,
    viaRoute: (host, headers) => pathsViaRouteIngress(deps.routeIngress(ns, resolved.backendService), host, headers),
  });
  const ingress = await reconcileIngress(deps, dm, desired);
  const ingStatus = (ingress.status ?? {}) as { observedGeneration?: number };
  if (ingress.metadata.generation !== ingStatus.observedGeneration) markIngressNotConfigured(c);
  else propagateIngressStatus(c, ingress);
}

function setURL(status: Status, scheme: string, domain: string): void {
  const url = `${scheme}://${domain}`;
  status.url = url;
  status.address = { url };
}

/** servingnetworking.GetHTTPOption: the http-protocol annotation, else config-network's (disabled → unset). */
function httpOptionFor(dm: KubeObject, cfg: DomainMappingConfig): 'Enabled' | 'Redirected' | undefined {
  const a = dm.metadata.annotations ?? {};
  const annotated = (a['networking.knative.dev/httpOption'] || a['networking.knative.dev/http-protocol'] || '').toLowerCase();
  if (annotated === 'enabled') return 'Enabled';
  if (annotated === 'redirected') return 'Redirected';
  if (annotated !== '') throw new Error(`incorrect http-protocol annotation: ${annotated}`);
  return cfg.network.httpProtocol === 'enabled' ? 'Enabled' : cfg.network.httpProtocol === 'redirected' ? 'Redirected' : undefined;
}

/** Create the KIngress, or overwrite its spec, annotations and labels when they drifted. */
async function reconcileIngress(deps: DomainMappingDeps, dm: KubeObject, desired: KubeObject): Promise<KubeObject> {
  const live = deps.ingress(desired.metadata.namespace!, desired.metadata.name!) ?? await createIngress(deps, dm, desired);
  if (sameJson(live.spec ?? {}, desired.spec) && sameJson(live.metadata.annotations ?? {}, desired.metadata.annotations) && sameJson(live.metadata.labels ?? {}, desired.metadata.labels)) return live;
  try {
    return await deps.client.update({ ...live, metadata: { ...live.metadata, labels: desired.metadata.labels, annotations: desired.metadata.annotations }, spec: desired.spec });
  } catch (err) {
    throw new Error(`failed to update Ingress: ${(err as Error).message}`, { cause: err });
  }
}

async function createIngress(deps: DomainMappingDeps, dm: KubeObject, desired: KubeObject): Promise<KubeObject> {
  try {
    const created = await deps.client.create(desired);
    deps.events.event(involvedObjectOf(dm), 'Normal', 'Created', `Created Ingress "${created.metadata.name}"`);
    return created;
  } catch (err) {
    if (isSkiffError(err, 'SKF_API_ALREADY_EXISTS')) {
      // Created a moment ago and not in the cache yet: read it and compare instead.
      const live = await deps.client.get(desired, desired.metadata.namespace, desired.metadata.name!);
      if (live) return live;
    }
    deps.events.event(involvedObjectOf(dm), 'Warning', 'CreationFailed', `Failed to create Ingress: ${(err as Error).message}`);
    throw new Error(`failed to create Ingress: ${(err as Error).message}`, { cause: err });
  }
}
