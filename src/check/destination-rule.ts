/**
 * The TLS a client sidecar originates toward a host, from DestinationRules as Istio picks
 * them: the client's namespace first, then the service's, then the root namespace; in that
 * namespace the most specific matching host (exact, then the longest wildcard); a
 * `portLevelSettings` entry for the service port overrides the rule's `trafficPolicy`.
 * (exportTo and workloadSelector are not considered.)
 */
import type { KubeObject } from '../api/object.ts';
import { fullName, namespaceOf, specOf } from './objects.ts';

interface TlsSettings { mode?: string }
interface DestinationRuleSpec {
  host?: string;
  trafficPolicy?: { tls?: TlsSettings; portLevelSettings?: Array<{ port?: { number?: number }; tls?: TlsSettings }> };
}

export interface OriginatedTls {
  /** DISABLE, SIMPLE, MUTUAL or ISTIO_MUTUAL; undefined when no rule sets it (auto mTLS decides). */
  mode?: string;
  /** `namespace/name` of the rule that set it. */
  rule?: string;
}

export function originatedTls(rules: readonly KubeObject[], host: string, servicePort: number, namespaces: readonly string[]): OriginatedTls {
  for (const namespace of [...new Set(namespaces)]) {
    const matching = rules.filter((r) => namespaceOf(r) === namespace && hostMatches(qualify(specOf<DestinationRuleSpec>(r).host ?? '', namespace), host));
    if (matching.length === 0) continue;
    const best = matching.sort((a, b) => specificity(qualify(specOf<DestinationRuleSpec>(b).host ?? '', namespace)) - specificity(qualify(specOf<DestinationRuleSpec>(a).host ?? '', namespace)))[0]!;
    const policy = specOf<DestinationRuleSpec>(best).trafficPolicy;
    const portLevel = policy?.portLevelSettings?.find((p) => p.port?.number === servicePort)?.tls?.mode;
    const mode = portLevel ?? policy?.tls?.mode;
    return mode === undefined ? {} : { mode, rule: fullName(best) };
  }
  return {};
}

/** A short host (`reviews`) is qualified in the rule's namespace, as Istio does. */
function qualify(host: string, namespace: string): string {
  if (host.includes('.') || host.startsWith('*')) return host;
  return `${host}.${namespace}.svc.cluster.local`;
}

function hostMatches(ruleHost: string, host: string): boolean {
  if (ruleHost === host || ruleHost === '*') return true;
  return ruleHost.startsWith('*.') && host.endsWith(ruleHost.slice(1));
}

function specificity(ruleHost: string): number {
  return ruleHost.startsWith('*') ? ruleHost.length : Number.MAX_SAFE_INTEGER;
}
