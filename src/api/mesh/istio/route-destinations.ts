/**
 * Destinations and weights of VirtualService routes (istiod's validateDestination,
 * validateHTTPRouteDestinations and validateRouteDestinations). Weights need not add up
 * to 100 — Istio normalises them — but several destinations may not all weigh 0.
 */
import { fieldErr } from '../../field-error.ts';
import type { FieldError } from '../../field-error.ts';
import { asArray, asNumber, asRecord, asString } from '../fields.ts';
import type { Fields } from '../fields.ts';
import { isDns1123Label, validatePort, validateWildcardDomain } from './names.ts';

export function validateDestination(path: string, destination: Fields): FieldError[] {
  const errors: FieldError[] = [];
  const host = asString(destination.host) ?? '';
  if (host === '*') errors.push(fieldErr.invalid(`${path}.host`, host, `invalid destination host ${host}`));
  else {
    const problem = validateWildcardDomain(host);
    if (problem) errors.push(host === '' ? fieldErr.required(`${path}.host`, problem) : fieldErr.invalid(`${path}.host`, host, problem));
  }
  const subset = destination.subset;
  if (typeof subset === 'string' && subset !== '' && !isDns1123Label(subset)) {
    errors.push(fieldErr.invalid(`${path}.subset`, subset, `subset name is invalid: ${subset}`));
  }
  const port = asNumber(asRecord(destination.port)?.number);
  const portProblem = port === undefined || port === 0 ? undefined : validatePort(port);
  if (portProblem) errors.push(fieldErr.invalid(`${path}.port.number`, port, portProblem));
  return errors;
}

/** `route:` of an http, tcp or tls rule. */
export function validateRouteDestinations(path: string, route: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const items = asArray(route);
  let total = 0;
  items.forEach((item, i) => {
    const weighted = asRecord(item);
    if (!weighted) { errors.push(fieldErr.required(`${path}[${i}]`, 'weight may not be nil')); return; }
    const destination = asRecord(weighted.destination);
    if (!destination) errors.push(fieldErr.required(`${path}[${i}].destination`, 'destination is required'));
    else errors.push(...validateDestination(`${path}[${i}].destination`, destination));
    const weight = asNumber(weighted.weight) ?? 0;
    if (weight < 0) errors.push(fieldErr.invalid(`${path}[${i}].weight`, weight, `weight ${weight} < 0`));
    total += weight;
  });
  if (items.length > 1 && total === 0) {
    errors.push(fieldErr.invalid(path, total, 'total destination weight = 0: give at least one destination a positive weight'));
  }
  return errors;
}
