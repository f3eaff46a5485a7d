/**
 * Who owns a domain. Upstream a cluster-scoped ClusterDomainClaim (networking.internal.knative.dev)
 * named after the domain delegates it to one namespace, and the DomainMapping reconciler creates
 * it when `autocreate-cluster-domain-claims` is on. skiff does not serve ClusterDomainClaim, so
 * the claim is derived instead of stored: with autocreate on, the DomainMapping of that name
 * that was created first (then: the smaller namespace, for a same-second tie) holds the domain,
 * which is exactly who would have won the race to create the claim. Its namespace keeps it
 * until that DomainMapping goes, as upstream's finalizer deletes the claim then.
 */
import type { KubeObject } from '../../../api/object.ts';

export type ClaimDecision =
  | { claimed: true }
  | { claimed: false; reason: 'NotAutocreated' | 'OwnedElsewhere'; ownerNamespace?: string };

const createdAt = (o: KubeObject): number => Date.parse(o.metadata.creationTimestamp ?? '') || Number.MAX_SAFE_INTEGER;

/** The namespace holding the claim among the live DomainMappings named `domain`, if any. */
export function claimOwnerNamespace(sameName: readonly KubeObject[]): string | undefined {
  const live = sameName.filter((o) => !o.metadata.deletionTimestamp);
  live.sort((a, b) => createdAt(a) - createdAt(b) || (a.metadata.namespace! < b.metadata.namespace! ? -1 : a.metadata.namespace! > b.metadata.namespace! ? 1 : 0));
  return live[0]?.metadata.namespace;
}

/** reconcileDomainClaim: may `dm`'s namespace use its name as a host? `sameName` holds every DomainMapping of that name, `dm` included. */
export function decideClaim(dm: KubeObject, sameName: readonly KubeObject[], autocreate: boolean): ClaimDecision {
  if (!autocreate) return { claimed: false, reason: 'NotAutocreated' };
  const owner = claimOwnerNamespace(sameName.some((o) => o.metadata.uid === dm.metadata.uid) ? sameName : [...sameName, dm]);
  if (owner === undefined || owner === dm.metadata.namespace) return { claimed: true };
  return { claimed: false, reason: 'OwnedElsewhere', ownerNamespace: owner };
}
