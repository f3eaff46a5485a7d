/**
 * The string checks of apimachinery's pkg/util/validation (and the name functions of
 * pkg/api/validation), returning the same messages so errors read exactly as on a real
 * cluster, e.g. `a lowercase RFC 1123 label must consist of lower case alphanumeric
 * characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',
 * or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`.
 */
import { isIPv6 } from 'node:net';

/** validation.RegexError, including Go's quirk of a double space before each "or". */
export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
}

export const maxLenError = (n: number): string => `must be no more than ${n} characters`;
export const emptyError = (): string => 'must be non-empty';
export const inclusiveRangeError = (lo: number, hi: number): string => `must be between ${lo} and ${hi}, inclusive`;

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1035_LABEL_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const QNAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE_FMT = `(${QNAME_FMT})?`;
const CONFIG_MAP_KEY_FMT = '[-._a-zA-Z0-9]+';
const PERCENT_FMT = '[0-9]+%';

/** Go's len(): strings are measured in bytes. */
const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

const full = (fmt: string): RegExp => new RegExp(`^${fmt}$`);
const dns1123Label = full(DNS1123_LABEL_FMT);
const dns1123Subdomain = full(DNS1123_SUBDOMAIN_FMT);
const dns1035Label = full(DNS1035_LABEL_FMT);
const qualifiedName = full(QNAME_FMT);
const labelValue = full(LABEL_VALUE_FMT);
const configMapKey = full(CONFIG_MAP_KEY_FMT);
const percent = full(PERCENT_FMT);

export function isDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (bytes(value) > 63) errs.push(maxLenError(63));
  if (!dns1123Label.test(value)) {
    if (dns1123Subdomain.test(value)) errs.push('must not contain dots');
    else errs.push(regexError("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character", DNS1123_LABEL_FMT, 'my-name', '123-abc'));
  }
  return errs;
}

export function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (bytes(value) > 253) errs.push(maxLenError(253));
  if (!dns1123Subdomain.test(value)) {
    errs.push(regexError("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character", DNS1123_SUBDOMAIN_FMT, 'example.com'));
  }
  return errs;
}

export function isDNS1035Label(value: string): string[] {
  const errs: string[] = [];
  if (bytes(value) > 63) errs.push(maxLenError(63));
  if (!dns1035Label.test(value)) {
    errs.push(regexError("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character", DNS1035_LABEL_FMT, 'my-name', 'abc-123'));
  }
  return errs;
}

const QNAME_ERR = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/** A label key, annotation key, finalizer or condition type: `[prefix/]name`. */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errs.push(`prefix part ${emptyError()}`);
    else errs.push(...isDNS1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  } else {
    return [`a qualified name ${regexError(QNAME_ERR, QNAME_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  if (name.length === 0) errs.push(`name part ${emptyError()}`);
  else if (bytes(name) > 63) errs.push(`name part ${maxLenError(63)}`);
  if (!qualifiedName.test(name)) errs.push(`name part ${regexError(QNAME_ERR, QNAME_FMT, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (bytes(value) > 63) errs.push(maxLenError(63));
  if (!labelValue.test(value)) {
    errs.push(regexError("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  }
  return errs;
}

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

/** The name rules a KindDefinition's `nameRule` names, with prefix semantics for generateName. */
export type NameRule = 'dns1123-subdomain' | 'dns1123-label' | 'dns1035-label' | 'path-segment';

/** apimachinery's NameIs* functions: `prefix` (generateName) tolerates a trailing '-'. */
export function validateName(rule: NameRule, name: string, prefix = false): string[] {
  const value = prefix && rule !== 'path-segment' ? name.replace(/-$/, 'a') : name;
  switch (rule) {
    case 'dns1123-subdomain': return isDNS1123Subdomain(value);
    case 'dns1123-label': return isDNS1123Label(value);
    case 'dns1035-label': return isDNS1035Label(value);
    case 'path-segment': {
      if (!prefix && (name === '.' || name === '..')) return [`may not be '${name}'`];
      const errs: string[] = [];
      if (name.includes('/')) errs.push("may not contain '/'");
      if (name.includes('%')) errs.push("may not contain '%'");
      return errs;
    }
  }
}
