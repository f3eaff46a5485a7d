/**
 * The name checks Knative's webhooks borrow from k8s.io/apimachinery (v0.29, the version
 * Knative 1.15 builds with), returning the same lists of messages, which Knative prints with
 * Go's `%v` (`not a DNS 1035 label: [must be no more than 63 characters]`). Most are the
 * ObjectMeta checks of src/api/meta/names.ts; the DNS-1123 label check is v0.29's, which did
 * not yet single out names that only fail for their dots.
 */
import { fieldErr, formatFieldError } from '../../field-error.ts';
import { isDns1123Subdomain, maxLenError, regexError } from '../../meta/names.ts';

export { isDns1035Label, isDns1123Subdomain, isQualifiedName, nameIsDns1035Label } from '../../meta/names.ts';

const byteLength = (s: string): number => Buffer.byteLength(s);

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_LABEL_RE = new RegExp(`^${DNS1123_LABEL_FMT}$`);
const C_IDENT_FMT = '[A-Za-z_][A-Za-z0-9_]*';
const C_IDENT_RE = new RegExp(`^${C_IDENT_FMT}$`);

export function isDns1123Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(maxLenError(63));
  if (!DNS1123_LABEL_RE.test(value)) {
    errs.push(regexError("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character", DNS1123_LABEL_FMT, 'my-name', '123-abc'));
  }
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
