/**
 * Name, host and address rules of istiod's validation (pkg/config/validation and
 * pkg/config/labels). Each check returns Istio's own message, or undefined when the value
 * is fine, so that callers can attach the message to the field it belongs to.
 */
import { parseGoDuration } from '../../schema/go-duration.ts';

/** Istio's DNS-1123 label accepts upper case, unlike Kubernetes'. */
const DNS1123_LABEL = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const WILDCARD_LABEL = /^(\*|(\*|\*-)?[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)$/;
const MAX_LABEL = 63;

export function isDns1123Label(value: string): boolean {
  return value.length <= MAX_LABEL && DNS1123_LABEL.test(value);
}

function isWildcardLabel(value: string): boolean {
  return value.length <= MAX_LABEL && WILDCARD_LABEL.test(value);
}

function dns1123Preconditions(name: string): string | undefined {
  if (name.length > 255) return `domain name ${JSON.stringify(name)} too long (max 255)`;
  if (name.length === 0) return 'empty domain name not allowed';
  return undefined;
}

function dns1123Labels(domain: string): string | undefined {
  const parts = domain.split('.');
  const tld = parts[parts.length - 1]!;
  if (/^[+-]?\d+$/.test(tld)) return `domain name ${JSON.stringify(domain)} invalid (top level domain ${JSON.stringify(tld)} cannot be all-numeric)`;
  for (let i = 0; i < parts.length; i++) {
    // A trailing dot (`istio.io.`) leaves an empty last label, which is allowed.
    if (i === parts.length - 1 && parts[i] === '') return undefined;
    if (!isDns1123Label(parts[i]!)) return `domain name ${JSON.stringify(domain)} invalid (label ${JSON.stringify(parts[i])} invalid)`;
  }
  return undefined;
}

export function validateFqdn(fqdn: string): string | undefined {
  return dns1123Preconditions(fqdn) ?? dns1123Labels(fqdn);
}

/** A FQDN whose first label may be a wildcard (`*`, `*.example.com`, `*-foo.example.com`). */
export function validateWildcardDomain(domain: string): string | undefined {
  const pre = dns1123Preconditions(domain);
  if (pre) return pre;
  const dot = domain.indexOf('.');
  const first = dot < 0 ? domain : domain.slice(0, dot);
  if (!isWildcardLabel(first)) return `domain name ${JSON.stringify(domain)} invalid (label ${JSON.stringify(first)} invalid)`;
  return dot < 0 ? undefined : dns1123Labels(domain.slice(dot + 1));
}

export function validatePartialWildcard(host: string): string | undefined {
  return host.includes('*') && host.length !== 1 && !host.startsWith('*.') ? `partial wildcard ${JSON.stringify(host)} not allowed` : undefined;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function isIpv6(value: string): boolean {
  if (!value.includes(':') || /[^0-9a-fA-F:.]/.test(value)) return false;
  try {
    // The WHATWG URL parser implements the full IPv6 text grammar (incl. embedded IPv4).
    return new URL(`http://[${value}]/`).hostname.length > 2;
  } catch {
    return false;
  }
}

export function isIpAddress(value: string): boolean {
  return IPV4.test(value) || isIpv6(value);
}

export function validateIpAddress(addr: string): string | undefined {
  return isIpAddress(addr) ? undefined : `${addr} is not a valid IP`;
}

/** An address or a CIDR block (`10.0.0.0/8`, `2001:1::/64`). */
export function validateIpSubnet(subnet: string): string | undefined {
  if (subnet.split('/').length === 2) {
    const [addr, bits] = subnet.split('/') as [string, string];
    const max = IPV4.test(addr) ? 32 : isIpv6(addr) ? 128 : -1;
    const ok = max > 0 && /^\d{1,3}$/.test(bits) && Number(bits) <= max;
    return ok ? undefined : `${subnet} is not a valid CIDR block`;
  }
  return validateIpAddress(subnet);
}

export function validatePort(port: number): string | undefined {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? undefined : `port number ${port} must be in the range 1..65535`;
}

/** Istio's protocol names, matched case-insensitively as `protocol.Parse` does. */
const PROTOCOLS = ['TCP', 'UDP', 'GRPC', 'GRPC-Web', 'HTTP', 'HTTP_PROXY', 'HTTP2', 'HTTPS', 'TLS', 'Mongo', 'Redis', 'MySQL'] as const;
export type Protocol = (typeof PROTOCOLS)[number] | 'Unsupported';

export function parseProtocol(value: string): Protocol {
  return PROTOCOLS.find((p) => p.toLowerCase() === value.toLowerCase()) ?? 'Unsupported';
}

export function isHttpProtocol(p: Protocol): boolean {
  return p === 'HTTP' || p === 'HTTP2' || p === 'HTTP_PROXY' || p === 'GRPC' || p === 'GRPC-Web';
}

export function isTlsProtocol(p: Protocol): boolean {
  return p === 'HTTPS' || p === 'TLS';
}

function isWildcarded(host: string): boolean {
  return host.startsWith('*');
}

/** istio host.Name.Matches: literal equality, or one host's wildcard covers the other. */
export function hostsMatch(a: string, b: string): boolean {
  if (isWildcarded(a)) {
    if (isWildcarded(b)) return a.length < b.length ? b.slice(1).endsWith(a.slice(1)) : a.slice(1).endsWith(b.slice(1));
    return b.endsWith(a.slice(1));
  }
  if (isWildcarded(b)) return a.endsWith(b.slice(1));
  return a === b;
}

/** istio host.Name.SubsetOf: every name `host` covers is also covered by `of`. */
export function hostSubsetOf(host: string, of: string): boolean {
  if (isWildcarded(host)) return isWildcarded(of) && host.slice(1).endsWith(of.slice(1));
  if (isWildcarded(of)) return host.endsWith(of.slice(1));
  return host === of;
}

const MILLISECOND_NS = 1_000_000n;

/** Go's time.ParseDuration (`1m`, `10s`, `1h30m`, `1.5s`) in milliseconds, or undefined. */
export function parseDurationMs(value: string): number | undefined {
  const ns = parseGoDuration(value);
  return ns === undefined ? undefined : Number(ns) / 1e6;
}

/** istiod's ValidateDuration for duration fields: a duration of at least 1ms, in whole ms. */
export function validateDuration(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const ns = parseGoDuration(value);
  if (ns === undefined) return `invalid duration ${JSON.stringify(value)}: use a number with a unit, e.g. 10s, 1m, 500ms`;
  if (ns < MILLISECOND_NS) return 'duration must be greater than 1ms';
  if (ns % MILLISECOND_NS !== 0n) return 'only durations to ms precision are supported';
  return undefined;
}
