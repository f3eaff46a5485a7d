/**
 * Envoy's filter chain match on a TLS listener, as far as Istio's gateway chains use it:
 * a chain lists `server_names` (exact or `*.suffix`); the SNI picks the most specific one
 * (exact, then the longest wildcard); a chain without names takes any SNI and clients
 * that send none. No match: Envoy closes the connection (no filter chain found).
 */
import { selectByDomain } from '../config/host-match.ts';

export interface NamedChain { serverNames: readonly string[] }

/** The index of the chain a connection with this SNI lands on, or -1. */
export function selectChain(chains: readonly NamedChain[], sni: string | undefined): number {
  const catchAll = chains.findIndex((c) => c.serverNames.length === 0);
  if (!sni) return catchAll;
  // selectByDomain would also honour `*` and `foo.*`, which server_names never hold.
  const named = chains.map((c, index) => ({ index, domains: c.serverNames.filter((n) => n !== '*' && !n.endsWith('*')) })).filter((c) => c.domains.length > 0);
  return selectByDomain(named, sni)?.index ?? catchAll;
}
