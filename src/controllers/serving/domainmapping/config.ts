/**
 * What the DomainMapping reconciler reads from config-network (knative/serving
 * pkg/reconciler/domainmapping/config: only the network config): the Route controller's
 * parse of it (ingress class, external scheme, http-protocol, external-domain-tls) plus the
 * one key Routes ignore, `autocreate-cluster-domain-claims`.
 */
import { CONFIG_MAPS, type NetworkConfig, networkConfigFromData } from '../route/config.ts';

export const NETWORK_CONFIG_MAP = CONFIG_MAPS.network;

export interface DomainMappingConfig {
  network: NetworkConfig;
  /** Claim a free domain on the DomainMapping's behalf (OpenShift Serverless sets it true). */
  autocreateClusterDomainClaims: boolean;
}

/** strconv.ParseBool, as knative/networking parses the key; anything else is an error. */
function parseBool(raw: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(raw)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(raw)) return false;
  throw new Error(`failed to parse "autocreate-cluster-domain-claims": strconv.ParseBool: parsing "${raw}": invalid syntax`);
}

/** The configuration from config-network's data (absent → upstream defaults); throws when it is invalid. */
export function domainMappingConfigFromData(data: Readonly<Record<string, string>> | undefined): DomainMappingConfig {
  let autocreate = false;
  // The legacy camelCase spelling first, then the current one: the last present wins (cm.Parse).
  for (const k of ['autocreateClusterDomainClaims', 'autocreate-cluster-domain-claims']) {
    if (data && Object.hasOwn(data, k)) autocreate = parseBool(data[k]!);
  }
  return { network: networkConfigFromData(data), autocreateClusterDomainClaims: autocreate };
}
