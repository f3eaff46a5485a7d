/**
 * VirtualService (networking.istio.io): the part of istiod's ValidateVirtualService that
 * users meet — hosts (or delegate shape without them), gateway references, at least one
 * http/tcp/tls rule, conflicting actions in a rule, destinations and weights, TLS matches.
 */
import { fieldErr } from '../../field-error.ts';
import type { FieldError } from '../../field-error.ts';
import type { KindDefinition, PrinterColumn } from '../../kind.ts';
import type { KubeObject } from '../../object.ts';
import { asArray, asNumber, asRecord, specOf, stringList } from '../fields.ts';
import type { Fields } from '../fields.ts';
import { emptyFindings, uniqueWarnings } from '../findings.ts';
import type { Findings } from '../findings.ts';
import { MESH_SCHEMAS } from '../schemas/index.ts';
import { validateExportTo } from './common-rules.ts';
import { ISTIO_AGE_COLUMN, NETWORKING_GROUP, istioKind } from './istio-kind.ts';
import { hostSubsetOf, hostsMatch, isDns1123Label, isIpAddress, validateFqdn, validateIpSubnet, validatePort, validateWildcardDomain } from './names.ts';
import { validateDestination, validateRouteDestinations } from './route-destinations.ts';

export const VIRTUAL_SERVICE_COLUMNS: readonly PrinterColumn[] = [
  { name: 'Gateways', type: 'string', jsonPath: '.spec.gateways', description: 'The names of gateways and sidecars that should apply these routes' },
  { name: 'Hosts', type: 'string', jsonPath: '.spec.hosts', description: 'The destination hosts to which traffic is being sent' },
  ISTIO_AGE_COLUMN,
];

/** `mesh`, `<namespace>/<name>`, a bare name, or the legacy `<name>.<namespace>` form. */
function checkGatewayNames(path: string, names: readonly string[], found: Findings): void {
  names.forEach((name, i) => {
    const slash = name.indexOf('/');
    if (slash < 0) {
      if (name.includes('.')) {
        const [gw, ns] = name.split('.');
        found.warnings.push(`using legacy gatewayName format ${JSON.stringify(name)}; prefer the <namespace>/<name> format: ${JSON.stringify(`${ns}/${gw}`)}`);
      }
      const problem = validateFqdn(name);
      if (problem) found.errors.push(fieldErr.invalid(`${path}[${i}]`, name, problem));
      return;
    }
    const ns = name.slice(0, slash);
    const gw = name.slice(slash + 1);
    if (ns === '' || gw === '') found.errors.push(fieldErr.invalid(`${path}[${i}]`, name, 'config namespace and gateway name cannot be empty'));
    if (!isDns1123Label(ns)) found.errors.push(fieldErr.invalid(`${path}[${i}]`, name, `invalid value for namespace: ${JSON.stringify(ns)}`));
    if (!isDns1123Label(gw)) found.errors.push(fieldErr.invalid(`${path}[${i}]`, name, `invalid value for gateway name: ${JSON.stringify(gw)}`));
  });
}

function checkHosts(hosts: readonly string[], appliesToMesh: boolean, found: Findings): void {
  let allValid = true;
  hosts.forEach((host, i) => {
    const problem = validateWildcardDomain(host);
    if (problem && !isIpAddress(host)) { found.errors.push(fieldErr.invalid(`spec.hosts[${i}]`, host, problem)); allValid = false; }
    else if (!problem && appliesToMesh && host === '*') {
      found.errors.push(fieldErr.invalid(`spec.hosts[${i}]`, host, 'wildcard host * is not allowed for virtual services bound to the mesh gateway'));
      allValid = false;
    }
  });
  if (!allValid) return;
  for (let i = 0; i < hosts.length; i++) {
    for (let j = i + 1; j < hosts.length; j++) {
      if (hostsMatch(hosts[i]!, hosts[j]!)) found.errors.push(fieldErr.invalid(`spec.hosts[${j}]`, hosts[j], `duplicate hosts in virtual service: ${hosts[i]} & ${hosts[j]}`));
    }
  }
}

function checkHttpRoute(path: string, rule: Fields, found: Findings): void {
  const has = (k: string): boolean => rule[k] !== undefined && rule[k] !== null;
  const routes = asArray(rule.route);
  if (has('redirect')) {
    if (routes.length > 0) found.errors.push(fieldErr.forbidden(`${path}.redirect`, 'HTTP route cannot contain both route and redirect'));
    if (has('fault')) found.errors.push(fieldErr.forbidden(`${path}.redirect`, 'HTTP route cannot contain both fault and redirect'));
    if (has('rewrite')) found.errors.push(fieldErr.forbidden(`${path}.redirect`, 'HTTP route rule cannot contain both rewrite and redirect'));
    if (has('directResponse')) found.errors.push(fieldErr.forbidden(`${path}.redirect`, 'HTTP route rule cannot contain both direct_response and redirect'));
  } else if (has('directResponse')) {
    if (routes.length > 0) found.errors.push(fieldErr.forbidden(`${path}.directResponse`, 'HTTP route cannot contain both route and direct_response'));
    if (has('fault')) found.errors.push(fieldErr.forbidden(`${path}.directResponse`, 'HTTP route cannot contain both fault and direct_response'));
    if (has('rewrite')) found.errors.push(fieldErr.forbidden(`${path}.directResponse`, 'HTTP route rule cannot contain both rewrite and direct_response'));
  } else if (routes.length === 0 && !has('delegate')) {
    found.errors.push(fieldErr.required(`${path}.route`, 'HTTP route, redirect or direct_response is required'));
  }
  const mirror = asRecord(rule.mirror);
  if (mirror) found.errors.push(...validateDestination(`${path}.mirror`, mirror));
  const mirrorPercentage = asNumber(asRecord(rule.mirrorPercentage)?.value);
  if (mirrorPercentage !== undefined && (mirrorPercentage < 0 || mirrorPercentage > 100)) {
    found.errors.push(fieldErr.invalid(`${path}.mirrorPercentage.value`, mirrorPercentage, 'mirror_percentage must be in the range 0..100'));
  }
  found.errors.push(...validateRouteDestinations(`${path}.route`, rule.route));
}

function checkL4Match(path: string, match: Fields, found: Findings): void {
  stringList(match.destinationSubnets).forEach((subnet, i) => {
    const problem = validateIpSubnet(subnet);
    if (problem) found.errors.push(fieldErr.invalid(`${path}.destinationSubnets[${i}]`, subnet, problem));
  });
  const port = asNumber(match.port) ?? 0;
  const portProblem = port !== 0 ? validatePort(port) : undefined;
  if (portProblem) found.errors.push(fieldErr.invalid(`${path}.port`, port, portProblem));
  checkGatewayNames(`${path}.gateways`, stringList(match.gateways), found);
}

function checkTlsRoute(path: string, rule: Fields, hosts: readonly string[], found: Findings): void {
  const matches = asArray(rule.match);
  if (matches.length === 0) found.errors.push(fieldErr.required(`${path}.match`, 'TLS route must have at least one match condition'));
  matches.forEach((m, i) => {
    const match = asRecord(m) ?? {};
    const sniHosts = stringList(match.sniHosts);
    if (sniHosts.length === 0) found.errors.push(fieldErr.required(`${path}.match[${i}].sniHosts`, 'TLS match must have at least one SNI host'));
    sniHosts.forEach((sni, j) => {
      const problem = validateWildcardDomain(sni);
      if (problem && isIpAddress(sni)) found.warnings.push(`using an IP address (${JSON.stringify(sni)}) goes against SNI spec and most clients do not support this`);
      else if (problem) found.errors.push(fieldErr.invalid(`${path}.match[${i}].sniHosts[${j}]`, sni, problem));
      else if (!hosts.some((h) => hostSubsetOf(sni, h))) {
        found.errors.push(fieldErr.invalid(`${path}.match[${i}].sniHosts[${j}]`, sni, `SNI host ${JSON.stringify(sni)} is not a compatible subset of any of the virtual service hosts: [${hosts.join(', ')}]`));
      }
    });
    checkL4Match(`${path}.match[${i}]`, match, found);
  });
  if (asArray(rule.route).length === 0) found.errors.push(fieldErr.required(`${path}.route`, 'TLS route is required'));
  found.errors.push(...validateRouteDestinations(`${path}.route`, rule.route));
}

function checkTcpRoute(path: string, rule: Fields, found: Findings): void {
  asArray(rule.match).forEach((m, i) => checkL4Match(`${path}.match[${i}]`, asRecord(m) ?? {}, found));
  if (asArray(rule.route).length === 0) found.errors.push(fieldErr.required(`${path}.route`, 'TCP route is required'));
  found.errors.push(...validateRouteDestinations(`${path}.route`, rule.route));
}

export function checkVirtualService(obj: KubeObject): Findings {
  const found = emptyFindings();
  const spec = specOf(obj);
  const hosts = stringList(spec.hosts);
  const gateways = stringList(spec.gateways);
  const [http, tcp, tls] = [asArray(spec.http), asArray(spec.tcp), asArray(spec.tls)];
  if (hosts.length === 0) {
    // Without hosts this is a delegate, which only http rules of another VirtualService use.
    if (gateways.length > 0) found.errors.push(fieldErr.forbidden('spec.gateways', 'delegate virtual service must have no gateways specified'));
    if (tls.length > 0) found.errors.push(fieldErr.forbidden('spec.tls', 'delegate virtual service must have no tls route specified'));
    if (tcp.length > 0) found.errors.push(fieldErr.forbidden('spec.tcp', 'delegate virtual service must have no tcp route specified'));
  }
  checkGatewayNames('spec.gateways', gateways, found);
  const appliesToMesh = gateways.length === 0 || gateways.includes('mesh');
  checkHosts(hosts, appliesToMesh, found);
  if (http.length === 0 && tcp.length === 0 && tls.length === 0) {
    found.errors.push(fieldErr.required('spec.http', 'http, tcp or tls must be provided in virtual service'));
  }
  http.forEach((r, i) => checkHttpRoute(`spec.http[${i}]`, asRecord(r) ?? {}, found));
  tls.forEach((r, i) => checkTlsRoute(`spec.tls[${i}]`, asRecord(r) ?? {}, hosts, found));
  tcp.forEach((r, i) => checkTcpRoute(`spec.tcp[${i}]`, asRecord(r) ?? {}, found));
  found.errors.push(...validateExportTo('spec.exportTo', spec.exportTo, obj.metadata.namespace, false));
  found.warnings = uniqueWarnings(found.warnings);
  return found;
}

export function virtualServiceKind(): KindDefinition {
  return istioKind({
    group: NETWORKING_GROUP,
    kind: 'VirtualService',
    plural: 'virtualservices',
    shortNames: ['vs'],
    schemas: MESH_SCHEMAS.virtualService,
    storage: 'v1alpha3',
    printerColumns: VIRTUAL_SERVICE_COLUMNS,
    validate: (obj): FieldError[] => checkVirtualService(obj).errors,
    warnings: (obj) => checkVirtualService(obj).warnings,
  });
}
