/**
 * core/v1 Endpoints: subsets of addresses × ports. The ENDPOINTS column lists `ip:port`
 * pairs (bare IPs for a portless headless service), at most three, then ` + N more...`.
 */
import { fieldErr, type FieldError } from '../../field-error.ts';
import type { KindDefinition } from '../../kind.ts';
import { builtinKind } from '../util/builtin-kind.ts';
import { endpointIPProblems, isValidPortNum, parseIPFamily, INVALID_IP } from '../util/names.ts';
import { eachObj, isEmptyStr, num, objs, str, type Obj } from '../util/obj.ts';
import { age, ageColumn, fieldColumn, nameColumn } from '../util/table.ts';
import { dns1123Label, dns1123Subdomain, qualifiedName } from './container-validation.ts';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

function joinHostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** formatEndpoints(endpoints, nil). */
export function formatEndpoints(subsets: unknown): string {
  const list = objs(subsets);
  if (list.length === 0) return '<none>';
  const max = 3;
  const shown: string[] = [];
  let more = false;
  let count = 0;
  for (const ss of list) {
    const addresses = objs(ss.addresses).map((a) => str(a.ip));
    const ports = objs(ss.ports);
    const entries = ports.length === 0 ? [addresses] : ports.map((p) => addresses.map((ip) => joinHostPort(ip, num(p.port) ?? 0)));
    for (const group of entries) {
      count += group.length;
      for (const e of group) {
        if (shown.length === max) {
          more = true;
          break;
        }
        shown.push(e);
      }
    }
  }
  const joined = shown.join(',');
  return more ? `${joined} + ${count - max} more...` : joined;
}

function validateAddress(a: Obj, path: string): FieldError[] {
  const ip = str(a.ip);
  const errs: FieldError[] = [];
  if (!parseIPFamily(ip)) errs.push(fieldErr.invalid(`${path}.ip`, ip, INVALID_IP));
  if (str(a.hostname) !== '') errs.push(...dns1123Label(str(a.hostname), `${path}.hostname`));
  if (typeof a.nodeName === 'string') errs.push(...dns1123Subdomain(a.nodeName, `${path}.nodeName`));
  errs.push(...endpointIPProblems(ip).map((m) => fieldErr.invalid(`${path}.ip`, ip, m)));
  return errs;
}

function validateSubsets(subsets: unknown): FieldError[] {
  const errs: FieldError[] = [];
  objs(subsets).forEach((ss, i) => {
    const at = `subsets[${i}]`;
    if (objs(ss.addresses).length === 0 && objs(ss.notReadyAddresses).length === 0) errs.push(fieldErr.required(at, 'must specify `addresses` or `notReadyAddresses`'));
    objs(ss.addresses).forEach((a, j) => errs.push(...validateAddress(a, `${at}.addresses[${j}]`)));
    objs(ss.notReadyAddresses).forEach((a, j) => errs.push(...validateAddress(a, `${at}.notReadyAddresses[${j}]`)));
    const ports = objs(ss.ports);
    ports.forEach((p, j) => {
      const pat = `${at}.ports[${j}]`;
      const name = str(p.name);
      if (ports.length > 1 && name === '') errs.push(fieldErr.required(`${pat}.name`));
      else if (name !== '') errs.push(...dns1123Label(name, `${pat}.name`));
      const port = num(p.port) ?? 0;
      errs.push(...isValidPortNum(port).map((m) => fieldErr.invalid(`${pat}.port`, port, m)));
      const protocol = str(p.protocol);
      if (protocol === '') errs.push(fieldErr.required(`${pat}.protocol`));
      else if (!PROTOCOLS.includes(protocol)) errs.push(fieldErr.notSupported(`${pat}.protocol`, protocol, PROTOCOLS));
      if (typeof p.appProtocol === 'string') errs.push(...qualifiedName(p.appProtocol, `${pat}.appProtocol`));
    });
  });
  return errs;
}

export function endpointsKind(): KindDefinition {
  return builtinKind({
    group: '', version: 'v1', kind: 'Endpoints', plural: 'endpoints', scope: 'Namespaced',
    shortNames: ['ep'],
    generation: 'none',
    nameRule: 'dns1123-subdomain',
    createOnUpdate: true,
    table: {
      columns: [nameColumn(), fieldColumn('Endpoints', 'string', 'io.k8s.api.core.v1.Endpoints', 'subsets'), ageColumn()],
      row: (ep, now) => [ep.metadata.name ?? '', formatEndpoints(ep.subsets), age(ep, now)],
    },
    defaults(ep) {
      eachObj(ep.subsets, (ss) => eachObj(ss.ports, (p) => {
        if (isEmptyStr(p.protocol)) p.protocol = 'TCP';
      }));
    },
    validate: (ep) => validateSubsets(ep.subsets),
  });
}

