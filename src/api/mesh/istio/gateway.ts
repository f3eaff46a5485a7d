/**
 * Gateway (networking.istio.io): the part of istiod's ValidateGateway that users meet —
 * name, servers, hosts, ports, protocols, bind addresses and TLS settings. The TLS `mode`
 * enum itself is in the CRD schema.
 */
import { fieldErr } from '../../field-error.ts';
import type { KindDefinition } from '../../kind.ts';
import type { KubeObject } from '../../object.ts';
import { asArray, asNumber, asRecord, asString, specOf, stringList } from '../fields.ts';
import type { Fields } from '../fields.ts';
import { emptyFindings, uniqueWarnings } from '../findings.ts';
import type { Findings } from '../findings.ts';
import { MESH_SCHEMAS } from '../schemas/index.ts';
import { validateSelectorLabels } from './common-rules.ts';
import { NETWORKING_GROUP, istioKind } from './istio-kind.ts';
import {
  isDns1123Label, isHttpProtocol, isIpAddress, isTlsProtocol, parseProtocol, validateIpAddress, validatePartialWildcard, validatePort,
  validateWildcardDomain,
} from './names.ts';

const SUPPORTED_PROTOCOLS_MESSAGE = 'supported protocols are HTTP, HTTP2, GRPC, GRPC-WEB, MONGO, REDIS, MYSQL, TCP';

/** A server host: `dnsName` or `namespace/dnsName`, wildcards only as the first label. */
export function gatewayHostProblems(host: string): string[] {
  const slash = host.indexOf('/');
  const problems: string[] = [];
  let dnsName = host;
  if (slash >= 0) {
    const namespace = host.slice(0, slash);
    dnsName = host.slice(slash + 1);
    if (namespace === '' || dnsName === '') problems.push('config namespace and dnsName in host entry cannot be empty');
    if (namespace !== '*' && namespace !== '.' && !isDns1123Label(namespace)) problems.push(`invalid namespace value ${JSON.stringify(namespace)} in gateway`);
  }
  if (dnsName !== '*' && !dnsName.includes('.')) problems.push('short names (non FQDN) are not allowed');
  const domainProblem = validateWildcardDomain(dnsName);
  if (domainProblem && !isIpAddress(dnsName)) problems.push(domainProblem);
  const partial = validatePartialWildcard(dnsName);
  if (partial) problems.push(partial);
  return problems;
}

function checkTls(path: string, tls: Fields, found: Findings): void {
  const mode = asString(tls.mode) ?? 'PASSTHROUGH';
  const has = (k: string): boolean => (asString(tls[k]) ?? '') !== '';
  if (mode === 'ISTIO_MUTUAL') {
    if (has('serverCertificate')) found.errors.push(fieldErr.forbidden(`${path}.serverCertificate`, 'ISTIO_MUTUAL TLS cannot have associated server certificate'));
    if (has('privateKey')) found.errors.push(fieldErr.forbidden(`${path}.privateKey`, 'ISTIO_MUTUAL TLS cannot have associated private key'));
    if (has('caCertificates')) found.errors.push(fieldErr.forbidden(`${path}.caCertificates`, 'ISTIO_MUTUAL TLS cannot have associated CA bundle'));
    if (has('credentialName')) found.errors.push(fieldErr.forbidden(`${path}.credentialName`, 'ISTIO_MUTUAL TLS cannot have associated credentialName'));
    return;
  }
  if ((mode === 'PASSTHROUGH' || mode === 'AUTO_PASSTHROUGH') && ['serverCertificate', 'privateKey', 'caCertificates', 'credentialName'].some(has)) {
    found.warnings.push(`${mode} mode does not use certificates, they will be ignored`);
  }
  // With credentialName the certificate comes from that Secret; otherwise from files.
  if ((mode === 'SIMPLE' || mode === 'MUTUAL') && has('credentialName')) return;
  if (mode === 'SIMPLE' || mode === 'MUTUAL') {
    if (!has('serverCertificate')) found.errors.push(fieldErr.required(`${path}.credentialName`, `${mode} TLS requires a server certificate: set credentialName to a Secret holding it (or serverCertificate and privateKey)`));
    else if (!has('privateKey')) found.errors.push(fieldErr.required(`${path}.privateKey`, `${mode} TLS requires a private key`));
    if (mode === 'MUTUAL' && !has('caCertificates')) found.errors.push(fieldErr.required(`${path}.caCertificates`, 'MUTUAL TLS requires a client CA bundle'));
  }
}

function checkPort(path: string, port: Fields, found: Findings): boolean {
  let ok = true;
  const protocol = asString(port.protocol) ?? '';
  if (parseProtocol(protocol) === 'Unsupported') {
    found.errors.push(fieldErr.invalid(`${path}.protocol`, protocol, `invalid protocol ${JSON.stringify(protocol)}, ${SUPPORTED_PROTOCOLS_MESSAGE}`));
    ok = false;
  }
  const number = asNumber(port.number) ?? 0;
  const numberProblem = number > 0 ? validatePort(number) : undefined;
  if (numberProblem) { found.errors.push(fieldErr.invalid(`${path}.number`, number, numberProblem)); ok = false; }
  if ((asString(port.name) ?? '') === '') { found.errors.push(fieldErr.required(`${path}.name`, 'port name must be set')); ok = false; }
  return ok;
}

function checkServer(path: string, server: Fields, found: Findings): void {
  const hosts = stringList(server.hosts);
  if (hosts.length === 0) found.errors.push(fieldErr.required(`${path}.hosts`, 'server config must contain at least one host'));
  hosts.forEach((h, i) => {
    for (const p of gatewayHostProblems(h)) found.errors.push(fieldErr.invalid(`${path}.hosts[${i}]`, h, p));
  });
  const port = asRecord(server.port);
  const portOk = port ? checkPort(`${path}.port`, port, found) : false;
  if (!port) found.errors.push(fieldErr.required(`${path}.port`, 'port is required'));
  const bind = asString(server.bind) ?? '';
  if (bind.startsWith('unix://')) {
    const socket = bind.slice('unix://'.length);
    if (!socket.startsWith('/') || socket.endsWith('/')) found.errors.push(fieldErr.invalid(`${path}.bind`, bind, `${socket} is not an absolute path to a file`));
    if (port && (asNumber(port.number) ?? 0) !== 0) found.errors.push(fieldErr.invalid(`${path}.port.number`, port.number, 'port number must be 0 for unix domain socket'));
  } else if (bind !== '') {
    const problem = validateIpAddress(bind);
    if (problem) found.errors.push(fieldErr.invalid(`${path}.bind`, bind, problem));
  }
  const tls = asRecord(server.tls);
  if (tls) checkTls(`${path}.tls`, tls, found);
  if (!port || !portOk) return;
  const protocol = parseProtocol(asString(port.protocol) ?? '');
  if (isTlsProtocol(protocol) && !tls) {
    found.errors.push(fieldErr.required(`${path}.tls`, 'server must have TLS settings for HTTPS/TLS protocols'));
  } else if (!isTlsProtocol(protocol) && tls) {
    const mode = asString(tls.mode) ?? 'PASSTHROUGH';
    const certs = ['caCertificates', 'privateKey', 'serverCertificate'].some((k) => (asString(tls[k]) ?? '') !== '');
    // A plain-HTTP server may carry only `httpsRedirect` (mode left at its PASSTHROUGH default).
    if (isHttpProtocol(protocol)) {
      if ((mode !== 'PASSTHROUGH' && mode !== 'AUTO_PASSTHROUGH') || certs) found.errors.push(fieldErr.forbidden(`${path}.tls`, 'server cannot have TLS settings for plain text HTTP ports'));
    } else {
      found.errors.push(fieldErr.forbidden(`${path}.tls`, 'server cannot have TLS settings for non HTTPS/TLS ports'));
    }
  }
  if (!isHttpProtocol(protocol) && tls?.httpsRedirect === true) found.warnings.push('tls.httpsRedirect should only be used with http servers');
}

export function checkGateway(obj: KubeObject): Findings {
  const found = emptyFindings();
  const name = obj.metadata.name ?? '';
  if (!isDns1123Label(name)) found.errors.push(fieldErr.invalid('metadata.name', name, `invalid gateway name: ${JSON.stringify(name)}`));
  const spec = specOf(obj);
  found.errors.push(...validateSelectorLabels('spec.selector', spec.selector));
  const servers = asArray(spec.servers);
  if (servers.length === 0) found.errors.push(fieldErr.required('spec.servers', 'gateway must have at least one server'));
  const portNames = new Set<string>();
  servers.forEach((s, i) => {
    const server = asRecord(s);
    if (!server) { found.errors.push(fieldErr.required(`spec.servers[${i}]`, 'server may not be nil')); return; }
    checkServer(`spec.servers[${i}]`, server, found);
    const portName = asString(asRecord(server.port)?.name);
    if (portName === undefined) return;
    if (portNames.has(portName)) found.errors.push(fieldErr.invalid(`spec.servers[${i}].port.name`, portName, `port names in servers must be unique: duplicate name ${portName}`));
    portNames.add(portName);
  });
  found.warnings = uniqueWarnings(found.warnings);
  return found;
}

export function gatewayKind(): KindDefinition {
  return istioKind({
    group: NETWORKING_GROUP,
    kind: 'Gateway',
    plural: 'gateways',
    shortNames: ['gw'],
    schemas: MESH_SCHEMAS.gateway,
    storage: 'v1alpha3',
    validate: (obj) => checkGateway(obj).errors,
    warnings: (obj) => checkGateway(obj).warnings,
  });
}
