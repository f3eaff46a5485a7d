/**
 * Which filter chain of a listener takes a new connection, as Envoy's filter chain match
 * does it for gateway listeners: by SNI, an exact server name before the longest wildcard
 * (`*.example.com`) before a chain without server names; a connection without SNI (or
 * plaintext) only reaches a chain without server names. Ties go to the first chain.
 */
import type { FilterChain, ProxyListener } from './model.ts';

function sniScore(names: readonly string[], sni: string): number {
  let best = -1;
  for (const raw of names) {
    const name = raw.toLowerCase();
    if (name === sni) return Number.MAX_SAFE_INTEGER;
    if (name.startsWith('*') && sni.endsWith(name.slice(1)) && sni.length > name.length - 1) best = Math.max(best, name.length);
  }
  return best;
}

export function selectFilterChain(listener: ProxyListener, sni: string | undefined): FilterChain | undefined {
  const wanted = sni?.toLowerCase();
  let chosen: { chain: FilterChain; score: number } | undefined;
  for (const chain of listener.filterChains) {
    const score = chain.serverNames.length === 0 ? 0 : wanted === undefined ? -1 : sniScore(chain.serverNames, wanted);
    if (score < 0) continue;
    if (!chosen || score > chosen.score) chosen = { chain, score };
  }
  return chosen?.chain;
}
