/**
 * One AuthorizationPolicy rule against one request or connection, as Istio's RBAC
 * translation (pilot/pkg/security/authz/model) builds Envoy matchers: values match exactly,
 * by prefix (`abc*`), by suffix (`*abc`) or as "present" (`*`); a field's values are
 * alternatives, a `not…` field must match none, and all fields of a source, an operation
 * or the `when` list must hold. Principals compare with the peer's SPIFFE ID minus
 * `spiffe://`; `namespaces` are read from it. HTTP-only fields on a TCP connection make an
 * ALLOW rule never match and are dropped from a DENY rule (which then denies more), as
 * istiod does.
 */
import { BlockList, isIP } from 'node:net';
import type { AuthzCondition, AuthzOperation, AuthzRule, AuthzSource } from './istio-specs.ts';

export interface AuthzRequest {
  protocol: 'http' | 'tcp';
  /** Peer SPIFFE ID from mTLS (`spiffe://cluster.local/ns/x/sa/y`); absent for plaintext. */
  principal?: string;
  /** Direct peer address and the original client address (X-Forwarded-For). */
  sourceIp?: string;
  remoteIp?: string;
  destinationIp?: string;
  destinationPort: number;
  sni?: string;
  /** JWT `iss/sub` and claims when request authentication ran. */
  requestPrincipal?: string;
  claims?: Readonly<Record<string, string | readonly string[]>>;
  method?: string;
  /** Path with optional query string (the query is not matched). */
  path?: string;
  host?: string;
  /** Lower-cased names. */
  headers?: Readonly<Record<string, string | undefined>>;
}

/** Istio's string pattern: `*`, `prefix*`, `*suffix` or exact. */
export function matchesPattern(pattern: string, value: string | undefined, ignoreCase = false): boolean {
  if (value === undefined) return false;
  const [p, v] = ignoreCase ? [pattern.toLowerCase(), value.toLowerCase()] : [pattern, value];
  if (p === '*') return v !== '';
  if (p.endsWith('*')) return v.startsWith(p.slice(0, -1));
  if (p.startsWith('*')) return v.endsWith(p.slice(1));
  return v === p;
}

function anyOf(patterns: readonly string[] | undefined, value: string | undefined, ignoreCase = false): boolean {
  return (patterns ?? []).some((p) => matchesPattern(p, value, ignoreCase));
}

/** A list field: absent/empty → no constraint; else one pattern must match. */
function field(patterns: readonly string[] | undefined, value: string | undefined, ignoreCase = false): boolean {
  return !patterns || patterns.length === 0 || anyOf(patterns, value, ignoreCase);
}

function notField(patterns: readonly string[] | undefined, value: string | undefined, ignoreCase = false): boolean {
  return !patterns || patterns.length === 0 || !anyOf(patterns, value, ignoreCase);
}

export function inCidrs(cidrs: readonly string[] | undefined, ip: string | undefined): boolean {
  if (!ip || isIP(ip) === 0) return false;
  const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
  const list = new BlockList();
  for (const cidr of cidrs ?? []) {
    const [addr, bits] = cidr.split('/');
    const kind = isIP(addr ?? '');
    if (kind === 0) continue;
    const f = kind === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(addr!, f);
    else list.addSubnet(addr!, Number(bits), f);
  }
  return list.check(ip, family);
}

function ipField(cidrs: readonly string[] | undefined, ip: string | undefined, negate: boolean): boolean {
  if (!cidrs || cidrs.length === 0) return true;
  return negate ? !inCidrs(cidrs, ip) : inCidrs(cidrs, ip);
}

const SPIFFE = 'spiffe://';

function principalOf(req: AuthzRequest): string | undefined {
  return req.principal?.startsWith(SPIFFE) ? req.principal.slice(SPIFFE.length) : req.principal;
}

function namespaceOf(req: AuthzRequest): string | undefined {
  return /\/ns\/([^/]+)\//.exec(principalOf(req) ?? '')?.[1];
}

function pathOnly(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  const q = path.indexOf('?');
  return q < 0 ? path : path.slice(0, q);
}

/** Istio compares `hosts` with the whole Host header, port included, ignoring case. */
function hostMatches(patterns: readonly string[], host: string | undefined): boolean {
  return patterns.some((p) => matchesPattern(p, host, true));
}

function sourceMatches(s: AuthzSource, req: AuthzRequest, http: boolean): boolean {
  const principal = principalOf(req);
  const namespace = namespaceOf(req);
  return field(s.principals, principal) && notField(s.notPrincipals, principal)
    && field(s.namespaces, namespace) && notField(s.notNamespaces, namespace)
    && ipField(s.ipBlocks, req.sourceIp, false) && ipField(s.notIpBlocks, req.sourceIp, true)
    && ipField(s.remoteIpBlocks, req.remoteIp ?? req.sourceIp, false) && ipField(s.notRemoteIpBlocks, req.remoteIp ?? req.sourceIp, true)
    && (!http || (field(s.requestPrincipals, req.requestPrincipal) && notField(s.notRequestPrincipals, req.requestPrincipal)));
}

function operationMatches(o: AuthzOperation, req: AuthzRequest, http: boolean): boolean {
  const port = String(req.destinationPort);
  if (!field(o.ports, port) || !notField(o.notPorts, port)) return false;
  if (!http) return true;
  const path = pathOnly(req.path);
  return field(o.methods, req.method) && notField(o.notMethods, req.method)
    && field(o.paths, path) && notField(o.notPaths, path)
    && (!o.hosts || o.hosts.length === 0 || hostMatches(o.hosts, req.host))
    && (!o.notHosts || o.notHosts.length === 0 || !hostMatches(o.notHosts, req.host));
}

function isHttpKey(key: string): boolean {
  return key.startsWith('request.');
}

function conditionValue(key: string, req: AuthzRequest): string | readonly string[] | undefined {
  const header = /^request\.headers\[(.+)\]$/.exec(key);
  if (header) return req.headers?.[header[1]!.toLowerCase()];
  const claim = /^request\.auth\.claims\[(.+)\]$/.exec(key);
  if (claim) return req.claims?.[claim[1]!.split('][').join('.')];
  switch (key) {
    case 'source.ip': return req.sourceIp;
    case 'remote.ip': return req.remoteIp ?? req.sourceIp;
    case 'source.namespace': return namespaceOf(req);
    case 'source.principal': return principalOf(req);
    case 'destination.ip': return req.destinationIp;
    case 'destination.port': return String(req.destinationPort);
    case 'connection.sni': return req.sni;
    case 'request.auth.principal': return req.requestPrincipal;
    case 'request.auth.audiences': return req.claims?.aud;
    case 'request.auth.presenter': return req.claims?.azp;
    default: return undefined;
  }
}

function conditionMatches(c: AuthzCondition, req: AuthzRequest): boolean {
  const key = c.key ?? '';
  const raw = conditionValue(key, req);
  const values = raw === undefined ? [] : typeof raw === 'string' ? [raw] : [...raw];
  const isIpKey = key === 'source.ip' || key === 'remote.ip' || key === 'destination.ip';
  const hit = (patterns: readonly string[]): boolean => values.some((v) => (isIpKey ? inCidrs(patterns, v) : anyOf(patterns, v)));
  if (c.values && c.values.length > 0 && !hit(c.values)) return false;
  if (c.notValues && c.notValues.length > 0 && hit(c.notValues)) return false;
  return true;
}

function usesHttpOnlyFields(rule: AuthzRule): boolean {
  const httpSource = (rule.from ?? []).some((f) => (f.source?.requestPrincipals?.length ?? 0) + (f.source?.notRequestPrincipals?.length ?? 0) > 0);
  const httpOperation = (rule.to ?? []).some((t) => ['methods', 'notMethods', 'paths', 'notPaths', 'hosts', 'notHosts'].some((k) => ((t.operation as Record<string, unknown[] | undefined> | undefined)?.[k]?.length ?? 0) > 0));
  return httpSource || httpOperation || (rule.when ?? []).some((c) => isHttpKey(c.key ?? ''));
}

/**
 * Whether `rule` matches. `forDeny` selects istiod's TCP treatment of HTTP-only fields
 * (ignored for DENY; the whole rule never matches for ALLOW).
 */
export function ruleMatches(rule: AuthzRule, req: AuthzRequest, forDeny: boolean): boolean {
  const http = req.protocol === 'http';
  if (!http && !forDeny && usesHttpOnlyFields(rule)) return false;
  const from = rule.from ?? [];
  const to = rule.to ?? [];
  if (from.length > 0 && !from.some((f) => sourceMatches(f.source ?? {}, req, http))) return false;
  if (to.length > 0 && !to.some((t) => operationMatches(t.operation ?? {}, req, http))) return false;
  return (rule.when ?? []).filter((c) => http || !isHttpKey(c.key ?? '')).every((c) => conditionMatches(c, req));
}
