/**
 * Kubernetes' DNS-1123 name checks (apimachinery pkg/util/validation) with their exact
 * messages, as openshift-apiserver applies them to Route hosts and subdomains.
 */
const LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const LABEL = new RegExp(`^${LABEL_FMT}$`);
const SUBDOMAIN = new RegExp(`^${LABEL_FMT}(\\.${LABEL_FMT})*$`);
const LABEL_MESSAGE = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";

export const DNS1123_LABEL_MAX = 63;
export const DNS1123_SUBDOMAIN_MAX = 253;

export function maxLenError(max: number): string {
  return `must be no more than ${max} characters`;
}

/** Every reason `value` is not a DNS-1123 label (empty when it is one). */
export function dns1123LabelErrors(value: string): string[] {
  const errors: string[] = [];
  if (value.length > DNS1123_LABEL_MAX) errors.push(maxLenError(DNS1123_LABEL_MAX));
  if (!LABEL.test(value)) {
    errors.push(SUBDOMAIN.test(value)
      ? 'must not contain dots'
      : `${LABEL_MESSAGE} (e.g. 'my-name', or '123-abc', regex used for validation is '${LABEL_FMT}')`);
  }
  return errors;
}

export function isDns1123Subdomain(value: string): boolean {
  return value.length <= DNS1123_SUBDOMAIN_MAX && SUBDOMAIN.test(value);
}
