/**
 * A Route's status (knative/serving pkg/apis/serving/v1/route_lifecycle.go and the route
 * reconciler): the condition marks with upstream's reasons and messages, status.url,
 * status.traffic with per-tag URLs.
 *
 * The URL scheme: `http` for cluster-local; otherwise `https` when the Route is passthrough
 * (`serving.knative.openshift.io/enablePassthrough: "true"`: the mesh gateway terminates TLS
 * with the wildcard certificate, so https is how the URL is reachable — skiff's rule for
 * OpenShift Serverless), else config-network's default-external-scheme.
 */
import type { KubeObject } from '../../../api/object.ts';
import { CONDITION_SETS } from '../../../api/knative/conditions.ts';
import type { KnativeConditions } from '../shared/conditions.ts';
import type { RouteConfig } from './config.ts';
import { type Visibility, targetHost } from './domains.ts';
import { routeMeta } from './ingress.ts';
import type { TargetError, TrafficConfig, TrafficTarget } from './traffic.ts';

export const ROUTE_CONDITIONS = CONDITION_SETS['Route.serving.knative.dev']!;
export const PASSTHROUGH_ANNOTATION = 'serving.knative.openshift.io/enablePassthrough';
export const EXTERNAL_DOMAIN_TLS_NOT_ENABLED = 'external-domain-tls is not enabled';

const C = { traffic: 'AllTrafficAssigned', ingress: 'IngressReady', certificate: 'CertificateProvisioned' } as const;

export function markIngressNotConfigured(c: KnativeConditions): void {
  c.markUnknown(C.ingress, 'IngressNotConfigured', 'Ingress has not yet been reconciled.');
}

export function markTrafficAssigned(c: KnativeConditions): void {
  c.markTrue(C.traffic);
}

export function markUnknownTrafficError(c: KnativeConditions, message: string): void {
  c.markUnknown(C.traffic, 'Unknown', message);
}

export function markRevisionTargetTrafficError(c: KnativeConditions, reason: string, message: string): void {
  c.markFalse(C.traffic, reason, message);
}

export function markServiceNotOwned(c: KnativeConditions, name: string): void {
  c.markFalse(C.ingress, 'NotOwned', `There is an existing placeholder Service "${name}" that we do not own.`);
}

export function markTLSNotEnabled(c: KnativeConditions, message: string): void {
  c.markTrue(C.certificate, 'TLSNotEnabled', message);
}

/** TargetError.MarkBadTrafficTarget. */
export function markBadTrafficTarget(c: KnativeConditions, err: TargetError): void {
  switch (err.kind) {
    case 'missing':
      c.markFalse(C.traffic, `${err.targetKind}Missing`, `${err.targetKind} "${err.name}" referenced in traffic not found.`);
      return;
    case 'unreadyConfiguration':
      if (err.isFailure) c.markFalse(C.traffic, 'RevisionMissing', `Configuration "${err.name}" does not have any ready Revision.`);
      else c.markUnknown(C.traffic, 'RevisionMissing', `Configuration "${err.name}" is waiting for a Revision to become ready.`);
      return;
    case 'unreadyRevision':
      if (err.isFailure) c.markFalse(C.traffic, 'RevisionMissing', `Revision "${err.name}" failed to become ready.`);
      else c.markUnknown(C.traffic, 'RevisionMissing', `Revision "${err.name}" is not yet ready.`);
      return;
    case 'revisionNotOwned':
      c.markFalse(C.traffic, 'RevisionNotOwned', err.actualService === ''
        ? `Revision "${err.name}" does not belong to Service "${err.expectedService}".`
        : `Revision "${err.name}" belongs to Service "${err.actualService}", not Service "${err.expectedService}".`);
  }
}

/** PropagateIngressStatus: IngressReady mirrors the KIngress's Ready. */
export function propagateIngressStatus(c: KnativeConditions, ingress: KubeObject): void {
  const ready = ((ingress.status ?? {}) as { conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> }).conditions?.find((x) => x.type === 'Ready');
  if (!ready) return markIngressNotConfigured(c);
  if (ready.status === 'True') c.markTrue(C.ingress);
  else if (ready.status === 'False') c.markFalse(C.ingress, ready.reason ?? '', ready.message ?? '');
  else c.markUnknown(C.ingress, ready.reason ?? '', ready.message ?? '');
}

export const isPassthrough = (route: KubeObject): boolean => route.metadata.annotations?.[PASSTHROUGH_ANNOTATION] === 'true';

function scheme(cfg: RouteConfig, route: KubeObject, visibility: Visibility | undefined): string {
  if (visibility === 'ClusterLocal') return 'http';
  return isPassthrough(route) ? 'https' : cfg.network.defaultExternalScheme;
}

/** updateRouteStatusURL: the default target's host under the route's visibility. */
export function routeURL(cfg: RouteConfig, route: KubeObject, visibility: ReadonlyMap<string, Visibility>): string {
  const vis = visibility.get('');
  const host = targetHost(cfg, routeMeta(route), '', vis);
  return `${scheme(cfg, route, vis)}://${host}`;
}

/** GetRevisionTrafficTargets: status.traffic, flattened to revisions, with a URL per tagged entry. */
export function statusTraffic(cfg: RouteConfig, route: KubeObject, tc: TrafficConfig, visibility: ReadonlyMap<string, Visibility>): TrafficTarget[] {
  const urls = new Map<string, string>();
  return tc.revisionTargets.map((t) => {
    const out: TrafficTarget = {
      ...(t.tag !== '' ? { tag: t.tag } : {}),
      revisionName: t.revisionName,
      ...(t.latestRevision !== undefined ? { latestRevision: t.latestRevision } : {}),
      percent: t.percent,
    };
    if (t.tag !== '') {
      if (!urls.has(t.tag)) {
        const vis = visibility.get(t.tag);
        urls.set(t.tag, `${scheme(cfg, route, vis)}://${targetHost(cfg, routeMeta(route), t.tag, vis)}`);
      }
      out.url = urls.get(t.tag)!;
    }
    return out;
  });
}
