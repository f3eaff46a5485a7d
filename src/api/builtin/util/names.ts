/**
 * The string checks of apimachinery's pkg/util/validation that pod, service and data
 * validation need (config keys, env var names, ports, percents, IPs and CIDRs), with the
 * same messages, e.g. `must be between 1 and 65535, inclusive`.
 */
import { isIPv6 } from 'node:net';
import { emptyError, isDns1035Label, isDns1123Label, isDns1123Subdomain, isQualifiedName, isValidLabelValue, maxLenError, regexError } from '../../meta/names.ts';

// The DNS, qualified-name and label-value checks live with the ObjectMeta rules; re-exported
// here under the spellings the built-in kinds use.
export {
  emptyError, isDns1035Label as isDNS1035Label, isDns1123Label as isDNS1123Label, isDns1123Subdomain as isDNS1123Subdomain,
  isQualifiedName, isValidLabelValue, maxLenError, regexError,
};

/** Go's len(): strings are measured in bytes. */
const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

export const inclusiveRangeError = (lo: number, hi: number): string => `must be between ${lo} and ${hi}, inclusive`;

const CONFIG_MAP_KEY_FMT = '[-._a-zA-Z0-9]+';
const PERCENT_FMT = '[0-9]+%';
const configMapKey = new RegExp(`^${CONFIG_MAP_KEY_FMT}$`);
const percent = new RegExp(`^${PERCENT_FMT}$`);

function chDirPrefix(value: string): string[] {
  if (value === '.') return ["must not be '.'"];
  if (value === '..') return ["must not be '..'"];
  if (value.startsWith('..')) return ["must not start with '..'"];
  return [];
}

/** A key of ConfigMap/Secret data (it becomes a file name when mounted). */
export function isConfigMapKey(value: string): string[] {
  const errs: string[] = [];
  if (bytes(value) > 253) errs.push(maxLenError(253));
  if (!configMapKey.test(value)) errs.push(regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", CONFIG_MAP_KEY_FMT, 'key.name', 'KEY_NAME', 'key-name'));
  errs.push(...chDirPrefix(value));
  return errs;
}

/**
 * Environment variable names as Kubernetes 1.32 checks them: the RelaxedEnvironmentVariableValidation
 * gate is beta and on, so any printable ASCII except '=' is allowed.
 */
export function isEnvVarName(value: string): string[] {
  if (value.length === 0) return [`environment variable name ${emptyError()}`];
  for (const ch of value) {
    const c = ch.codePointAt(0)!;
    if (c < 0x20 || c > 0x7e || ch === '=') return ["a valid environment variable name must consist only of printable ASCII characters other than '='"];
  }
  return [];
}

export function isValidPortNum(port: number): string[] {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? [] : [inclusiveRangeError(1, 65535)];
}

/** An IANA_SVC_NAME (named container and service ports). */
export function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (bytes(port) > 15) errs.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(port)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  else if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.length > 0 && (port.startsWith('-') || port.endsWith('-'))) errs.push('must not begin or end with a hyphen');
  return errs;
}

export function isValidPercent(value: string): string[] {
  return percent.test(value) ? [] : [regexError("a valid percent string must be a numeric string followed by an ending '%'", PERCENT_FMT, '1%', '93%')];
}

/** net.ParseIP with k8s.io/utils' sloppy IPv4 (leading zeros tolerated). */
export function parseIPFamily(value: string): 'IPv4' | 'IPv6' | undefined {
  const parts = value.split('.');
  if (parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return 'IPv4';
  if (!value.includes('%') && isIPv6(value)) return 'IPv6';
  return undefined;
}

export const INVALID_IP = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';
export const INVALID_CIDR = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';

export interface Cidr {
  family: 'IPv4' | 'IPv6';
  bytes: number[];
  bits: number;
}

function ipBytes(ip: string, family: 'IPv4' | 'IPv6'): number[] {
  if (family === 'IPv4') return ip.split('.').map(Number);
  const [head, tail] = ip.includes('::') ? ip.split('::') as [string, string] : [ip, undefined];
  const groups = (s: string | undefined): string[] => (s ? s.split(':') : []);
  let hs = groups(head);
  let ts = groups(tail);
  const v4 = (list: string[]): string[] => {
    const last = list[list.length - 1];
    if (last?.includes('.')) {
      const b = last.split('.').map(Number);
      return [...list.slice(0, -1), ((b[0]! << 8) | b[1]!).toString(16), ((b[2]! << 8) | b[3]!).toString(16)];
    }
    return list;
  };
  if (tail === undefined) hs = v4(hs);
  else ts = v4(ts);
  const fill = tail === undefined ? [] : new Array<string>(8 - hs.length - ts.length).fill('0');
  return [...hs, ...fill, ...ts].flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 255];
  });
}

export function parseCIDR(value: string): Cidr | undefined {
  const slash = value.indexOf('/');
  if (slash < 0) return undefined;
  const ip = value.slice(0, slash);
  const bitsText = value.slice(slash + 1);
  const family = parseIPFamily(ip);
  if (!family || !/^\d+$/.test(bitsText)) return undefined;
  const bits = Number(bitsText);
  if (bits > (family === 'IPv4' ? 32 : 128)) return undefined;
  return { family, bytes: ipBytes(ip, family), bits };
}

/** Whether `inner`'s network address lies inside `outer`. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  if (outer.family !== inner.family) return false;
  for (let bit = 0; bit < outer.bits; bit++) {
    const byte = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    if ((outer.bytes[byte]! & mask) !== (inner.bytes[byte]! & mask)) return false;
  }
  return true;
}

/** ValidateNonSpecialIP's classification (Endpoints, EndpointSlices, external IPs). */
/**
 * specialIPProblems for Endpoints and EndpointSlice addresses, minus the loopback rule:
 * skiff's pod network is 127.0.0.0/8 (every pod gets its own loopback address, design §5),
 * so endpoint addresses there are the normal case rather than a mistake. Unspecified,
 * link-local and link-local multicast addresses stay refused.
 */
export function endpointIPProblems(value: string): string[] {
  return specialIPProblems(value).filter((m) => !m.startsWith('may not be in the loopback range'));
}

export function specialIPProblems(value: string): string[] {
  const family = parseIPFamily(value);
  if (!family) return ['must be a valid IP address'];
  const b = ipBytes(value, family);
  const out: string[] = [];
  if (b.every((x) => x === 0)) out.push(`may not be unspecified (${value})`);
  const loopback = family === 'IPv4' ? b[0] === 127 : b.slice(0, 15).every((x) => x === 0) && b[15] === 1;
  if (loopback) out.push('may not be in the loopback range (127.0.0.0/8, ::1/128)');
  const linkLocal = family === 'IPv4' ? b[0] === 169 && b[1] === 254 : b[0] === 0xfe && (b[1]! & 0xc0) === 0x80;
  if (linkLocal) out.push('may not be in the link-local range (169.254.0.0/16, fe80::/10)');
  const llMulticast = family === 'IPv4' ? b[0] === 224 && b[1] === 0 && b[2] === 0 : b[0] === 0xff && (b[1]! & 0x0f) === 0x02;
  if (llMulticast) out.push('may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)');
  return out;
}
