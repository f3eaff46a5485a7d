/**
 * Validation of `spec.httpHeaders.actions` (request and response header actions), as
 * openshift-apiserver does it: at most 20 per list, unique valid names, no reserved
 * headers, Set/Delete only, HAProxy-format values — and never on passthrough routes,
 * whose traffic the router does not decrypt.
 */
import { fieldErr } from '../field-error.ts';
import type { FieldError } from '../field-error.ts';
import { asArray, asRecord, asString } from '../mesh/fields.ts';
import type { Fields } from '../mesh/fields.ts';

const MAX_ACTIONS = 20;
const MAX_NAME = 255;
const MAX_VALUE = 16384;
const NAME = /^[-!#$%&'*+.0-9A-Z^_`a-z|~]+$/;
const RESERVED = ['strict-transport-security', 'proxy', 'cookie', 'set-cookie'];
const VALUE_MESSAGE = (fetcher: string): string =>
  "Either header value provided is not in correct format or the converter specified is not allowed. The dynamic header value  may use HAProxy's %[] syntax and otherwise must be a valid HTTP header value as defined in https://datatracker.ietf.org/doc/html/rfc7230#section-3.2 "
  + `Sample fetchers allowed are ${fetcher}.hdr, ssl_c_der. Converters allowed are lower, base64.`;

/** HAProxy `%[fetch,converter]` interpolations or ordinary non-control characters. */
function valuePattern(fetcher: 'req' | 'res'): RegExp {
  return new RegExp(`^(?:%(?:%|(?:\\{[-+]?[QXE](?:,[-+]?[QXE])*\\})?\\[(?:${fetcher}\\.hdr\\([0-9A-Za-z-]+\\)|ssl_c_der)(?:,(?:lower|base64))*\\])|[^%\\x00-\\x1f\\x7f])+$`);
}

function validateList(path: string, headers: readonly unknown[], fetcher: 'req' | 'res'): FieldError[] {
  if (headers.length > MAX_ACTIONS) {
    return [fieldErr.invalid(path, headers.length, `${fetcher === 'req' ? 'request' : 'response'} headers list can't exceed ${MAX_ACTIONS} items`)];
  }
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const pattern = valuePattern(fetcher);
  headers.forEach((h, i) => {
    const header = asRecord(h) ?? {};
    const at = `${path}[${i}]`;
    const name = asString(header.name) ?? '';
    if (seen.has(name)) errors.push(fieldErr.duplicate(`${at}.name`, name));
    seen.add(name);
    if (name === '') errors.push(fieldErr.required(`${at}.name`));
    else if (name.length > MAX_NAME) errors.push(fieldErr.invalid(`${at}.name`, name, `name exceeds the maximum length, which is ${MAX_NAME}`));
    else if (RESERVED.includes(name.toLowerCase())) errors.push(fieldErr.forbidden(`${at}.name`, `the following headers may not be modified using this API: ${RESERVED.join(', ')}`));
    else if (!NAME.test(name)) errors.push(fieldErr.invalid(`${at}.name`, name, 'name must be a valid HTTP header name as defined in RFC 2616 section 4.2'));
    const action: Fields = asRecord(header.action) ?? {};
    const type = action.type;
    if (type !== 'Set' && type !== 'Delete') errors.push(fieldErr.invalid(`${at}.action.type`, type ?? '', 'type must be "Set" or "Delete"'));
    const set = asRecord(action.set);
    if ((type === 'Set') !== (set !== undefined)) errors.push(fieldErr.required(`${at}.action.set`, 'set is required when type is Set, and forbidden otherwise'));
    if (!set) return;
    const value = asString(set.value) ?? '';
    if (value === '') errors.push(fieldErr.required(`${at}.action.set.value`));
    else if (value.length > MAX_VALUE) errors.push(fieldErr.invalid(`${at}.action.set.value`, value, `value exceeds the maximum length, which is ${MAX_VALUE}`));
    else if (!pattern.test(value)) errors.push(fieldErr.invalid(`${at}.action.set.value`, value, VALUE_MESSAGE(fetcher)));
  });
  return errors;
}

export function validateHeaderActions(spec: Fields, passthrough: boolean): FieldError[] {
  const httpHeaders = asRecord(spec.httpHeaders);
  if (!httpHeaders) return [];
  const actions = asRecord(httpHeaders.actions) ?? {};
  const response = asArray(actions.response);
  const request = asArray(actions.request);
  const errors: FieldError[] = [];
  if ((response.length > 0 || request.length > 0) && passthrough) {
    errors.push(fieldErr.invalid('spec.tls.termination', 'passthrough', 'only edge and re-encrypt routes are supported for providing customized headers.'));
  }
  errors.push(...validateList('spec.httpHeaders.actions.response', response, 'res'));
  errors.push(...validateList('spec.httpHeaders.actions.request', request, 'req'));
  return errors;
}
