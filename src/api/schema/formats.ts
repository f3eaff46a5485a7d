/**
 * The string formats Kubernetes validates in CRD schemas (apiextensions-apiserver
 * validation/formats.go: every other format is stripped before validation, so it is
 * accepted unchecked) with the semantics of kube-openapi's strfmt registry, which are
 * Go's: `duration` is time.ParseDuration (plus a lenient fallback), `datetime` is RFC 3339
 * with optional fraction, `ipv4` uses the sloppy parser, and so on.
 */
import { isIPv6 } from 'node:net';
import { fullFormats } from 'ajv-formats/dist/formats.js';

type Check = (value: string) => boolean;

// ajv-formats' full-mode checks match Go's time.Parse("2006-01-02") and net.ParseIP for IPv6.
const ajvDate = fullFormats.date as { validate: Check };
const ajvIPv6 = fullFormats.ipv6 as RegExp;

const rxHostname = /^([a-zA-Z0-9\p{S}\p{L}]((-?[a-zA-Z0-9\p{S}\p{L}]{0,62})?)|([a-zA-Z0-9\p{S}\p{L}](([a-zA-Z0-9\-\p{S}\p{L}]{0,61}[a-zA-Z0-9\p{S}\p{L}])?)(\.)){1,}([a-zA-Z\p{L}]){2,63})$/u;
const rxUUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const rxUUID3 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const rxUUID4 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;
const rxUUID5 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;
const rxBase64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$/;
const rxCreditCard = /^(?:4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}|3(?:0[0-5]|[68][0-9])[0-9]{11}|(?:2131|1800|35\d{3})\d{11})$/;
const rxSSN = /^\d{3}[- ]?\d{2}[- ]?\d{4}$/;
const rxHexColor = /^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;
const octet = '(0|[1-9]\\d?|1\\d\\d?|2[0-4]\\d|25[0-5])';
const rxRGBColor = new RegExp(`^rgb\\(\\s*${octet}\\s*,\\s*${octet}\\s*,\\s*${octet}\\s*\\)$`);
const rxDateTimeClock = /^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$/;
const rxGoDuration = /^[-+]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/;
const rxScalaDurationPart = /(\d+)\s*([A-Za-zµ]+)/g;
const rxEmailAddrSpec = /^(?:[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*|"(?:[^"\\\r\n]|\\.)*")@(?:[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*|\[[^\][\\\r\n]*\])$/;
const rxMAC = /^(?:[0-9A-Fa-f]{2}(?:([:-])[0-9A-Fa-f]{2})(?:\1[0-9A-Fa-f]{2}){4}(?:(?:\1[0-9A-Fa-f]{2}){2}|(?:\1[0-9A-Fa-f]{2}){14})?|[0-9A-Fa-f]{4}(?:\.[0-9A-Fa-f]{4}){2}(?:\.[0-9A-Fa-f]{4}|(?:\.[0-9A-Fa-f]{4}){7})?)$/;

/** net.ParseIP's IPv4 form with k8s.io/utils' "sloppy" tolerance of leading zeros. */
function isSloppyIPv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

function isSloppyIP(s: string): boolean {
  return isSloppyIPv4(s) || isIPv6(s) && !s.includes('%');
}

function isCIDR(s: string): boolean {
  const slash = s.indexOf('/');
  if (slash < 0) return false;
  const ip = s.slice(0, slash);
  const bits = s.slice(slash + 1);
  if (!/^\d+$/.test(bits)) return false;
  const max = isSloppyIPv4(ip) ? 32 : isSloppyIP(ip) ? 128 : -1;
  return max >= 0 && Number(bits) <= max;
}

/** govalidator.IsISBN: spaces and dashes ignored, then the ISBN-10 or ISBN-13 checksum. */
function isISBN(s: string, version: 10 | 13): boolean {
  const digits = s.replace(/[\s-]+/g, '');
  if (version === 10) {
    if (!/^(?:[0-9]{9}X|[0-9]{10})$/.test(digits)) return false;
    let sum = 0;
    for (let i = 0; i < 9; i++) sum += (i + 1) * Number(digits[i]);
    sum += digits[9] === 'X' ? 100 : 10 * Number(digits[9]);
    return sum % 11 === 0;
  }
  if (!/^[0-9]{13}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 13; i++) sum += Number(digits[i]) * (i % 2 === 0 ? 1 : 3);
  return sum % 10 === 0;
}

function isCreditCard(s: string): boolean {
  const digits = s.replace(/[^0-9]+/g, '');
  if (!rxCreditCard.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = Number(digits[i]);
    if (double) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

function isHostname(s: string): boolean {
  if (!rxHostname.test(s) || Buffer.byteLength(s) > 255) return false;
  return s.split('.').every((label) => Buffer.byteLength(label) <= 63);
}

/** net/mail.ParseAddress: an addr-spec, optionally as `Display Name <addr-spec>`. */
function isEmail(s: string): boolean {
  const angle = /^[^<>]*<([^<>]+)>\s*$/.exec(s);
  return rxEmailAddrSpec.test(angle ? angle[1]!.trim() : s.trim());
}

/** url.ParseRequestURI: an absolute URI or an absolute path, no control characters or bad escapes. */
function isRequestURI(s: string): boolean {
  if ([...s].some((ch) => ch.charCodeAt(0) < 0x20 || ch === '\x7f') || /%(?![0-9A-Fa-f]{2})/.test(s.split('#')[0]!)) return false;
  if (s.startsWith('/')) return true;
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(s);
  if (!scheme || !s.slice(scheme[0].length).startsWith('/')) return false;
  try {
    new URL(s);
    return true;
  } catch {
    return false;
  }
}

const SCALA_UNITS: readonly (readonly string[])[] = [
  ['ns', 'nano'], ['us', 'µs', 'micro'], ['ms', 'milli'], ['s', 'sec'], ['m', 'min'], ['h', 'hr', 'hour'], ['d', 'day'], ['w', 'wk', 'week'],
];

/** strfmt.ParseDuration: Go's time.ParseDuration, else "<n> <unit>" pairs in Scala style. */
function isDuration(s: string): boolean {
  if (s === '0' || s === '+0' || s === '-0' || rxGoDuration.test(s)) return true;
  for (const match of s.matchAll(rxScalaDurationPart)) {
    const unit = match[2]!.toLowerCase().trim();
    for (const variants of SCALA_UNITS) {
      const last = variants.length - 1;
      if (variants.some((v, i) => (i === last && unit.startsWith(v)) || v === unit)) return true;
    }
  }
  return false;
}

function isDate(s: string): boolean {
  return ajvDate.validate(s);
}

function isDateTime(s: string): boolean {
  if (s.length < 4) return false;
  const parts = s.toLowerCase().split('t');
  if (parts.length < 2 || !isDate(parts[0]!)) return false;
  const m = rxDateTimeClock.exec(parts[1]!);
  return m !== null && m[1]! <= '23' && m[2]! <= '59' && m[3]! <= '59';
}

const FORMATS: Record<string, Check> = {
  bsonobjectid: (s) => /^[0-9a-fA-F]{24}$/.test(s),
  uri: isRequestURI,
  email: isEmail,
  hostname: isHostname,
  ipv4: (s) => isSloppyIP(s) && s.includes('.'),
  ipv6: (s) => ajvIPv6.test(s),
  cidr: isCIDR,
  mac: (s) => rxMAC.test(s),
  uuid: (s) => rxUUID.test(s),
  uuid3: (s) => rxUUID3.test(s),
  uuid4: (s) => rxUUID4.test(s),
  uuid5: (s) => rxUUID5.test(s),
  isbn: (s) => isISBN(s, 10) || isISBN(s, 13),
  isbn10: (s) => isISBN(s, 10),
  isbn13: (s) => isISBN(s, 13),
  creditcard: isCreditCard,
  ssn: (s) => s.length === 11 && rxSSN.test(s),
  hexcolor: (s) => rxHexColor.test(s),
  rgbcolor: (s) => rxRGBColor.test(s),
  byte: (s) => rxBase64.test(s),
  password: () => true,
  date: isDate,
  duration: isDuration,
  datetime: isDateTime,
};

/**
 * Checks a string against a schema format. Returns undefined for formats Kubernetes does
 * not validate (int32, int-or-string, quantity …), which are accepted as is.
 * Format names are compared without dashes, as strfmt does (`date-time` is `datetime`).
 */
export function checkFormat(format: string, value: string): boolean | undefined {
  const check = FORMATS[format.replaceAll('-', '')];
  return check ? check(value) : undefined;
}
