/**
 * The name checks Knative's webhooks borrow from k8s.io/apimachinery (v0.29, the version
 * Knative 1.15 builds with), returning the same lists of messages, which Knative prints with
 * Go's `%v` (`not a DNS 1035 label: [must be no more than 63 characters]`).
 */
import { fieldErr, formatFieldError } from '../../field-error.ts';

function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  // apimachinery writes "'a', " per example and joins with " or ", hence the double space.
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
}

const maxLenError = (n: number): string => `must be no more than ${n} characters`;
const byteLength = (s: string): number => Buffer.byteLength(s);

const DNS1035_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const DNS1035_RE = new RegExp(`^${DNS1035_FMT}$`);
const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_LABEL_RE = new RegExp(`^${DNS1123_LABEL_FMT}$`);
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN_RE = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const QNAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QNAME_RE = new RegExp(`^${QNAME_FMT}$`);
const QNAME_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const C_IDENT_FMT = '[A-Za-z_][A-Za-z0-9_]*';
const C_IDENT_RE = new RegExp(`^${C_IDENT_FMT}$`);

export function isDns1035Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(maxLenError(63));
  if (!DNS1035_RE.test(value)) {
    errs.push(regexError("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character", DNS1035_FMT, 'my-name', 'abc-123'));
  }
  return errs;
}

/** apimachinery's NameIsDNS1035Label: with `prefix`, a trailing '-' (generateName) is allowed. */
export function nameIsDns1035Label(name: string, prefix: boolean): string[] {
  const masked = prefix && name.length > 1 && name.endsWith('-') ? `${name.slice(0, -1)}a` : name;
  return isDns1035Label(masked);
}

export function isDns1123Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(maxLenError(63));
  if (!DNS1123_LABEL_RE.test(value)) {
    errs.push(regexError("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character", DNS1123_LABEL_FMT, 'my-name', '123-abc'));
  }
  return errs;
}

export function isDns1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 253) errs.push(maxLenError(253));
  if (!DNS1123_SUBDOMAIN_RE.test(value)) {
    errs.push(regexError("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character", DNS1123_SUBDOMAIN_FMT, 'example.com'));
  }
  return errs;
}

export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else errs.push(...isDns1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  } else {
    return [`a qualified name ${regexError(QNAME_MSG, QNAME_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (byteLength(name) > 63) errs.push(`name part ${maxLenError(63)}`);
  if (!QNAME_RE.test(name)) errs.push(`name part ${regexError(QNAME_MSG, QNAME_FMT, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

export function isCIdentifier(value: string): string[] {
  if (C_IDENT_RE.test(value)) return [];
  return [regexError("a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_'", C_IDENT_FMT, 'my_name', 'MY_NAME', 'MyName')];
}

/**
 * apimachinery's IsFullyQualifiedDomainName, rendered as its one-error aggregate
 * (`name: Invalid value: "x": should be a domain with at least two segments separated by dots`);
 * undefined when the name is valid.
 */
export function fullyQualifiedDomainNameError(path: string, name: string): string | undefined {
  if (name.length === 0) return formatFieldError(fieldErr.required(path));
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name;
  const sub = isDns1123Subdomain(trimmed);
  if (sub.length > 0) return formatFieldError(fieldErr.invalid(path, trimmed, sub.join(',')));
  const labels = trimmed.split('.');
  if (labels.length < 2) return formatFieldError(fieldErr.invalid(path, trimmed, 'should be a domain with at least two segments separated by dots'));
  for (const label of labels) {
    const errs = isDns1123Label(label);
    if (errs.length > 0) return formatFieldError(fieldErr.invalid(path, label, errs.join(',')));
  }
  return undefined;
}
