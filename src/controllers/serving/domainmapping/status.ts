/**
 * A DomainMapping's conditions (knative/serving pkg/apis/serving/v1beta1/domainmapping_lifecycle.go):
 * the marks with upstream's reasons and messages over the living set DomainClaimed,
 * ReferenceResolved, IngressReady, CertificateProvisioned → Ready.
 */
import type { KubeObject } from '../../../api/object.ts';
import { CONDITION_SETS } from '../../../api/knative/conditions.ts';
import type { KnativeConditions } from '../shared/conditions.ts';

export const DOMAIN_MAPPING_CONDITIONS = CONDITION_SETS['DomainMapping.serving.knative.dev']!;

const C = { claimed: 'DomainClaimed', resolved: 'ReferenceResolved', ingress: 'IngressReady', certificate: 'CertificateProvisioned' } as const;

export const EXTERNAL_DOMAIN_TLS_NOT_ENABLED = 'external-domain-tls is not enabled';
export const TLS_PROVIDED_EXTERNALLY = 'TLS certificate was provided externally';

export function markIngressNotConfigured(c: KnativeConditions): void {
  c.markUnknown(C.ingress, 'IngressNotConfigured', 'Ingress has not yet been reconciled.');
}

export function markDomainClaimed(c: KnativeConditions): void {
  c.markTrue(C.claimed);
}

export function markDomainClaimNotOwned(c: KnativeConditions): void {
  c.markFalse(C.claimed, 'DomainAlreadyClaimed', 'The domain name is already in use by another DomainMapping');
}

export function markReferenceResolved(c: KnativeConditions): void {
  c.markTrue(C.resolved);
}

export function markReferenceNotResolved(c: KnativeConditions, message: string): void {
  c.markFalse(C.resolved, 'ResolveFailed', message);
}

export function markTLSNotEnabled(c: KnativeConditions): void {
  c.markTrue(C.certificate, 'TLSNotEnabled', EXTERNAL_DOMAIN_TLS_NOT_ENABLED);
}

export function markCertificateNotRequired(c: KnativeConditions): void {
  c.markTrue(C.certificate, 'CertificateExternallyProvided', TLS_PROVIDED_EXTERNALLY);
}

/** PropagateIngressStatus: IngressReady mirrors the KIngress's Ready. */
export function propagateIngressStatus(c: KnativeConditions, ingress: KubeObject): void {
  const ready = ((ingress.status ?? {}) as { conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> }).conditions?.find((x) => x.type === 'Ready');
  if (!ready) return markIngressNotConfigured(c);
  if (ready.status === 'True') c.markTrue(C.ingress);
  else if (ready.status === 'False') c.markFalse(C.ingress, ready.reason ?? '', ready.message ?? '');
  else c.markUnknown(C.ingress, ready.reason ?? '', ready.message ?? '');
}
