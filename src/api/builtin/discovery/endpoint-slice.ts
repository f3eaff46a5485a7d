/**
 * discovery.k8s.io/v1 EndpointSlice: an address type (IPv4, IPv6, FQDN, immutable), up to
 * 1000 endpoints and their ports. Generation is bumped on every non-metadata change, as the
 * EndpointSlice strategy does (it has no status).
 */
import { fieldErr, type FieldError } from '../../field-error.ts';
import type { KindDefinition, TablePrinter } from '../../kind.ts';
import { dns1123Label, qualifiedName } from '../core/container-validation.ts';
import { builtinKind } from '../util/builtin-kind.ts';
import { validateLabels } from '../util/labels.ts';
import { endpointIPProblems, isDNS1123Label, isDNS1123Subdomain, parseIPFamily } from '../util/names.ts';
import { eachObj, isNil, num, obj, objs, str, strs, type Obj } from '../util/obj.ts';
import { age, ageColumn, fieldColumn, listWithMore, nameColumn } from '../util/table.ts';

const SLICE = 'io.k8s.api.discovery.v1.EndpointSlice';
const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const tooMany = (field: string, actual: number, max: number): FieldError => ({ type: 'FieldValueTooMany', field, value: actual, detail: `must have at most ${max} items` });

function formatPorts(ports: unknown): string {
  const list: string[] = [];
  let count = 0;
  let more = false;
  for (const p of objs(ports)) {
    if (list.length < 3) list.push(num(p.port) !== undefined ? String(num(p.port)) : typeof p.name === 'string' ? p.name : '*');
    else more = true;
    count++;
  }
  return listWithMore(list, more, count, 3);
}

function formatEndpoints(endpoints: unknown): string {
  const list: string[] = [];
  let count = 0;
  let more = false;
  for (const e of objs(endpoints)) {
    for (const a of strs(e.addresses)) {
      if (list.length < 3) list.push(a);
      else more = true;
      count++;
    }
  }
  return listWithMore(list, more, count, 3);
}

export function endpointSliceTable(): TablePrinter {
  return {
    columns: [
      nameColumn(),
      fieldColumn('AddressType', 'string', SLICE, 'addressType'),
      fieldColumn('Ports', 'string', SLICE, 'ports'),
      fieldColumn('Endpoints', 'string', SLICE, 'endpoints'),
      ageColumn(),
    ],
    row: (s, now) => [s.metadata.name ?? '', str(s.addressType), formatPorts(s.ports), formatEndpoints(s.endpoints), age(s, now)],
  };
}

function fqdnErrors(address: string, path: string): FieldError[] {
  if (address === '') return [fieldErr.required(path)];
  const name = address.replace(/\.$/, '');
  const sub = isDNS1123Subdomain(name);
  if (sub.length) return [fieldErr.invalid(path, name, sub.join(','))];
  const labels = name.split('.');
  if (labels.length < 2) return [fieldErr.invalid(path, name, 'should be a domain with at least two segments separated by dots')];
  for (const label of labels) {
    const errs = isDNS1123Label(label);
    if (errs.length) return [fieldErr.invalid(path, label, errs.join(','))];
  }
  return [];
}

function validateEndpoints(endpoints: unknown, addressType: string): FieldError[] {
  const list = objs(endpoints);
  if (list.length > 1000) return [tooMany('endpoints', list.length, 1000)];
  const errs: FieldError[] = [];
  list.forEach((e, i) => {
    const at = `endpoints[${i}]`;
    const addresses = strs(e.addresses);
    if (addresses.length === 0) errs.push(fieldErr.required(`${at}.addresses`, 'must contain at least 1 address'));
    else if (addresses.length > 100) errs.push(tooMany(`${at}.addresses`, addresses.length, 100));
    addresses.forEach((a, j) => {
      const path = `${at}.addresses[${j}]`;
      if (addressType === 'IPv4' || addressType === 'IPv6') {
        if (parseIPFamily(a) !== addressType) errs.push(fieldErr.invalid(path, a, `must be a valid ${addressType} address`));
        else errs.push(...endpointIPProblems(a).map((m) => fieldErr.invalid(path, a, m)));
      } else if (addressType === 'FQDN') {
        errs.push(...fqdnErrors(a, path));
      }
    });
    if (typeof e.nodeName === 'string') errs.push(...isDNS1123Subdomain(e.nodeName).map((m) => fieldErr.invalid(`${at}.nodeName`, e.nodeName, m)));
    const topology = obj(e.deprecatedTopology);
    if (Object.keys(topology).length > 16) errs.push(tooMany(`${at}.deprecatedTopology`, Object.keys(topology).length, 16));
    errs.push(...validateLabels(topology, `${at}.deprecatedTopology`));
    if (typeof e.hostname === 'string') errs.push(...dns1123Label(e.hostname, `${at}.hostname`));
    const zones = objs(obj(e.hints).forZones);
    if (zones.length > 8) errs.push(tooMany(`${at}.hints.forZones`, zones.length, 8));
  });
  return errs;
}

function validatePorts(ports: unknown): FieldError[] {
  const list = objs(ports);
  if (list.length > 20000) return [tooMany('ports', list.length, 20000)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  list.forEach((p, i) => {
    const at = `ports[${i}]`;
    const name = str(p.name);
    if (name !== '') errs.push(...dns1123Label(name, `${at}.name`));
    if (names.has(name)) errs.push(fieldErr.duplicate(`${at}.name`, name));
    else names.add(name);
    if (isNil(p.protocol)) errs.push(fieldErr.required(`${at}.protocol`));
    else if (!PROTOCOLS.includes(str(p.protocol))) errs.push(fieldErr.notSupported(`${at}.protocol`, p.protocol, PROTOCOLS));
    if (typeof p.appProtocol === 'string') errs.push(...qualifiedName(p.appProtocol, `${at}.appProtocol`));
  });
  return errs;
}

function validateSlice(s: Obj): FieldError[] {
  const addressType = str(s.addressType);
  const errs: FieldError[] = [];
  if (addressType === '') errs.push(fieldErr.required('addressType'));
  else if (!ADDRESS_TYPES.includes(addressType)) errs.push(fieldErr.notSupported('addressType', addressType, ADDRESS_TYPES));
  return [...errs, ...validateEndpoints(s.endpoints, addressType), ...validatePorts(s.ports)];
}

export function endpointSliceKind(): KindDefinition {
  return builtinKind({
    group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice', plural: 'endpointslices', scope: 'Namespaced',
    generation: 'spec',
    nameRule: 'dns1123-subdomain',
    table: endpointSliceTable(),
    defaults(s) {
      // SetDefaults_EndpointPort: an unnamed port has name "" and protocol TCP.
      eachObj(s.ports, (p) => {
        if (isNil(p.name)) p.name = '';
        if (isNil(p.protocol)) p.protocol = 'TCP';
      });
    },
    validate(s, ctx) {
      const errs = validateSlice(s);
      if (ctx.operation === 'update' && ctx.old && str(s.addressType) !== str(ctx.old.addressType)) {
        errs.push(fieldErr.invalid('addressType', str(s.addressType), 'field is immutable'));
      }
      return errs;
    },
  });
}
