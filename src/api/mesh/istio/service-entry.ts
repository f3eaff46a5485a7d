/**
 * ServiceEntry (networking.istio.io): istiod's ValidateServiceEntry, with one deliberate
 * difference (kinds.md §4 Q2, seeds/README.md). istiod rejects repeated port names or
 * numbers — but only in mesh member namespaces, and the seed's Kafka ServiceEntry repeats
 * `tcp-tls` and `tcp-sasl-tls`. skiff accepts such an entry and returns a warning that
 * names the problem and the fix instead of rejecting it.
 */
import { fieldErr } from '../../field-error.ts';
import type { KindDefinition, PrinterColumn } from '../../kind.ts';
import type { KubeObject } from '../../object.ts';
import { asArray, asNumber, asRecord, asString, specOf, stringList } from '../fields.ts';
import type { Fields } from '../fields.ts';
import { emptyFindings, uniqueWarnings } from '../findings.ts';
import type { Findings } from '../findings.ts';
import { MESH_SCHEMAS } from '../schemas/index.ts';
import { validateExportTo, validateSelectorLabels } from './common-rules.ts';
import { ISTIO_AGE_COLUMN, NETWORKING_GROUP, istioKind } from './istio-kind.ts';
import {
  isDns1123Label, isHttpProtocol, isIpAddress, isTlsProtocol, parseProtocol, validateFqdn, validateIpAddress, validateIpSubnet,
  validatePartialWildcard, validatePort, validateWildcardDomain,
} from './names.ts';

export const SERVICE_ENTRY_COLUMNS: readonly PrinterColumn[] = [
  { name: 'Hosts', type: 'string', jsonPath: '.spec.hosts', description: 'The hosts associated with the ServiceEntry' },
  { name: 'Location', type: 'string', jsonPath: '.spec.location', description: 'Whether the service is external to the mesh or part of the mesh (MESH_EXTERNAL or MESH_INTERNAL)' },
  { name: 'Resolution', type: 'string', jsonPath: '.spec.resolution', description: 'Service resolution mode for the hosts (NONE, STATIC, or DNS)' },
  ISTIO_AGE_COLUMN,
];

export const ADDRESSES_WARNING = 'addresses are required for ports serving TCP (or unset) protocol';
const DUPLICATE_HINT = 'skiff accepts it, but istiod rejects a ServiceEntry with repeated ports in mesh member namespaces';

function checkPorts(spec: Fields, found: Findings): Set<string> {
  const names = new Set<string>();
  const numbers = new Set<number>();
  const noAddresses = asArray(spec.addresses).length === 0;
  asArray(spec.ports).forEach((p, i) => {
    const port = asRecord(p);
    const path = `spec.ports[${i}]`;
    if (!port) { found.errors.push(fieldErr.required(path, 'service entry port may not be null')); return; }
    const name = asString(port.name) ?? '';
    const number = asNumber(port.number) ?? 0;
    if (names.has(name)) {
      found.warnings.push(`${path}.name: service entry port name ${JSON.stringify(name)} already defined; ${DUPLICATE_HINT}: give every port its own name, e.g. ${JSON.stringify(`${name}-${number}`)}`);
    }
    if (numbers.has(number)) {
      found.warnings.push(`${path}.number: service entry port ${number} already defined; ${DUPLICATE_HINT}: list each port number once`);
    }
    names.add(name);
    numbers.add(number);
    const targetPort = asNumber(port.targetPort) ?? 0;
    const targetProblem = targetPort !== 0 ? validatePort(targetPort) : undefined;
    if (targetProblem) found.errors.push(fieldErr.invalid(`${path}.targetPort`, targetPort, targetProblem));
    const protocol = asString(port.protocol) ?? '';
    if (noAddresses && (protocol === '' || protocol === 'TCP')) found.warnings.push(ADDRESSES_WARNING);
    if (!isDns1123Label(name)) found.errors.push(fieldErr.invalid(`${path}.name`, name, `invalid port name: ${name}`));
    if (protocol !== '' && parseProtocol(protocol) === 'Unsupported') found.errors.push(fieldErr.invalid(`${path}.protocol`, protocol, `unsupported protocol: ${protocol}`));
    const numberProblem = validatePort(number);
    if (numberProblem) found.errors.push(fieldErr.invalid(`${path}.number`, number, numberProblem));
  });
  return names;
}

function checkEndpointPorts(path: string, endpoint: Fields, servicePorts: Set<string>, found: Findings): void {
  for (const [name, value] of Object.entries(asRecord(endpoint.ports) ?? {})) {
    const port = asNumber(value) ?? 0;
    if (!servicePorts.has(name)) found.errors.push(fieldErr.invalid(`${path}.ports[${name}]`, port, `endpoint port ${port} is not defined by the service entry`));
    if (!isDns1123Label(name)) found.errors.push(fieldErr.invalid(`${path}.ports[${name}]`, name, `invalid port name: ${name}`));
    const problem = validatePort(port);
    if (problem) found.errors.push(fieldErr.invalid(`${path}.ports[${name}]`, port, problem));
  }
}

function checkEndpoints(spec: Fields, resolution: string, servicePorts: Set<string>, found: Findings): void {
  const endpoints = asArray(spec.endpoints);
  const hosts = stringList(spec.hosts);
  if (resolution === 'NONE') {
    if (endpoints.length > 0) found.errors.push(fieldErr.forbidden('spec.endpoints', 'no endpoints should be provided for resolution type none'));
    return;
  }
  if (resolution === 'STATIC') {
    let unix = false;
    endpoints.forEach((e, i) => {
      const endpoint = asRecord(e) ?? {};
      const address = asString(endpoint.address) ?? '';
      if (address.startsWith('unix://')) {
        unix = true;
        if (Object.keys(asRecord(endpoint.ports) ?? {}).length > 0) found.errors.push(fieldErr.forbidden(`spec.endpoints[${i}].ports`, `unix endpoint ${address} must not include ports`));
        return;
      }
      const problem = validateIpAddress(address);
      if (problem) found.errors.push(fieldErr.invalid(`spec.endpoints[${i}].address`, address, problem));
      checkEndpointPorts(`spec.endpoints[${i}]`, endpoint, servicePorts, found);
    });
    if (unix && asArray(spec.ports).length !== 1) found.errors.push(fieldErr.invalid('spec.ports', asArray(spec.ports).length, 'exactly 1 service port required for unix endpoints'));
    return;
  }
  // DNS and DNS_ROUND_ROBIN
  if (endpoints.length === 0 && hosts.some((h) => validateFqdn(h) !== undefined)) {
    found.errors.push(fieldErr.forbidden('spec.hosts', `hosts must be FQDN if no endpoints are provided for resolution mode ${resolution}`));
  }
  if (resolution === 'DNS_ROUND_ROBIN' && endpoints.length > 1) {
    found.errors.push(fieldErr.invalid('spec.endpoints', endpoints.length, `there must only be 0 or 1 endpoint for resolution mode ${resolution}`));
  }
  endpoints.forEach((e, i) => {
    const endpoint = asRecord(e) ?? {};
    const address = asString(endpoint.address) ?? '';
    if (!isIpAddress(address) && validateFqdn(address)) {
      found.errors.push(fieldErr.invalid(`spec.endpoints[${i}].address`, address, `endpoint address ${JSON.stringify(address)} is not a valid FQDN or an IP address`));
    }
    checkEndpointPorts(`spec.endpoints[${i}]`, endpoint, servicePorts, found);
  });
}

export function checkServiceEntry(obj: KubeObject): Findings {
  const found = emptyFindings();
  const spec = specOf(obj);
  const selector = asRecord(spec.workloadSelector);
  if (selector) {
    found.errors.push(...validateSelectorLabels('spec.workloadSelector.labels', selector.labels));
    if (Object.keys(asRecord(selector.labels) ?? {}).length === 0) found.warnings.push('service entry: workload selector specified without labels, will be applied to all services in namespace');
    if (spec.endpoints !== undefined) found.errors.push(fieldErr.forbidden('spec.endpoints', 'only one of WorkloadSelector or Endpoints is allowed in Service Entry'));
  }
  const hosts = stringList(spec.hosts);
  if (hosts.length === 0) found.errors.push(fieldErr.required('spec.hosts', 'service entry must have at least one host'));
  hosts.forEach((host, i) => {
    if (host === '*') { found.errors.push(fieldErr.invalid(`spec.hosts[${i}]`, host, `invalid host ${host}`)); return; }
    const problem = validateWildcardDomain(host);
    if (problem) found.errors.push(fieldErr.invalid(`spec.hosts[${i}]`, host, problem));
    const partial = validatePartialWildcard(host);
    if (partial) found.warnings.push(partial);
  });
  const resolution = asString(spec.resolution) ?? 'NONE';
  const addresses = stringList(spec.addresses);
  addresses.forEach((address, i) => {
    const problem = validateIpSubnet(address);
    if (problem) found.errors.push(fieldErr.invalid(`spec.addresses[${i}]`, address, problem));
  });
  if (addresses.some((a) => a.includes('/')) && resolution !== 'NONE' && resolution !== 'STATIC') {
    found.errors.push(fieldErr.invalid('spec.resolution', resolution, 'CIDR addresses are allowed only for NONE/STATIC resolution types'));
  }
  const servicePorts = checkPorts(spec, found);
  checkEndpoints(spec, resolution, servicePorts, found);
  // Plain TCP cannot tell several hosts apart unless resolution NONE ignores the hosts.
  if (resolution !== 'NONE' && hosts.length > 1) {
    const protocols = asArray(spec.ports).map((p) => parseProtocol(asString(asRecord(p)?.protocol) ?? ''));
    if (protocols.some((p) => !isHttpProtocol(p) && !isTlsProtocol(p))) {
      found.errors.push(fieldErr.forbidden('spec.hosts', 'multiple hosts provided with non-HTTP, non-TLS ports'));
    }
  }
  found.errors.push(...validateExportTo('spec.exportTo', spec.exportTo, obj.metadata.namespace, true));
  found.warnings = uniqueWarnings(found.warnings);
  return found;
}

export function serviceEntryKind(): KindDefinition {
  return istioKind({
    group: NETWORKING_GROUP,
    kind: 'ServiceEntry',
    plural: 'serviceentries',
    shortNames: ['se'],
    schemas: MESH_SCHEMAS.serviceEntry,
    storage: 'v1alpha3',
    printerColumns: SERVICE_ENTRY_COLUMNS,
    validate: (obj) => checkServiceEntry(obj).errors,
    warnings: (obj) => checkServiceEntry(obj).warnings,
  });
}
